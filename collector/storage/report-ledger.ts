// The record of monthly report e-mails: exactly once per month across restarts, and the months
// deliberately not sent (no OPD observed). Each call is its own committed statement
// (synchronous=FULL), durable when it returns.
import type { ReportLedger } from '../report/schedule.js';
import type { Store } from './store.js';

export class SqliteReportLedger implements ReportLedger {
  constructor(private readonly store: Store) {
    // report_skip belongs to this ledger alone; created here so the store schema need not know it.
    store.db.exec('CREATE TABLE IF NOT EXISTS report_skip (id INTEGER PRIMARY KEY, month TEXT NOT NULL, ts INTEGER NOT NULL, reason TEXT NOT NULL)');
  }

  sentAt(month: string): number | undefined {
    const v = this.store.sql('SELECT sent_at FROM report_sent WHERE month = ?', { pluck: true }).get(month) as number | undefined;
    return v ?? undefined;
  }

  markSent(month: string, at: number, messageId: string): void {
    this.store
      .sql('INSERT INTO report_sent (month, sent_at, message_id) VALUES (?, ?, ?) ON CONFLICT (month) DO UPDATE SET sent_at = excluded.sent_at, message_id = excluded.message_id')
      .run(month, at, messageId);
  }

  recordAttempt(month: string, at: number, error: string): void {
    this.store.sql('INSERT INTO report_attempt (month, ts, error) VALUES (?, ?, ?)').run(month, at, error);
  }

  recordSkip(month: string, at: number, reason: string): void {
    this.store.sql('INSERT INTO report_skip (month, ts, reason) VALUES (?, ?, ?)').run(month, at, reason);
  }

  /** The skips recorded for `month`, oldest first. */
  skips(month: string): { ts: number; reason: string }[] {
    return this.store.sql('SELECT ts, reason FROM report_skip WHERE month = ? ORDER BY id').all(month) as { ts: number; reason: string }[];
  }
}
