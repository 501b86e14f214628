// The record of monthly report e-mails: exactly once per month across restarts. Each call is
// its own committed statement (synchronous=FULL), durable when it returns.
import type { ReportLedger } from '../report/schedule.js';
import type { Store } from './store.js';

export class SqliteReportLedger implements ReportLedger {
  constructor(private readonly store: Store) {}

  sentAt(month: string): number | undefined {
    const v = this.store.db.prepare('SELECT sent_at FROM report_sent WHERE month = ?').pluck().get(month) as number | undefined;
    return v ?? undefined;
  }

  markSent(month: string, at: number, messageId: string): void {
    this.store.db
      .prepare('INSERT INTO report_sent (month, sent_at, message_id) VALUES (?, ?, ?) ON CONFLICT (month) DO UPDATE SET sent_at = excluded.sent_at, message_id = excluded.message_id')
      .run(month, at, messageId);
  }

  recordAttempt(month: string, at: number, error: string): void {
    this.store.db.prepare('INSERT INTO report_attempt (month, ts, error) VALUES (?, ?, ?)').run(month, at, error);
  }
}
