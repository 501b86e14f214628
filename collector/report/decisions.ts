// What the report scheduler decides for a month and where it records it: the ledger that
// keeps each month to one e-mail across restarts, the months skipped for want of data, and
// the decision record that tests and operators read instead of waiting for nothing to happen.

export type ReportTrigger = 'schedule' | 'catch-up' | 'manual';
export type ReportOutcome = 'sent' | 'already_sent' | 'skipped_no_data' | 'failed';

/** What the scheduler decided for a month, and why. */
export interface ReportDecision {
  month: string;
  at: number;
  trigger: ReportTrigger;
  outcome: ReportOutcome;
  /** The message id (sent), or the error (failed), or what was found (skipped). */
  detail?: string;
}

/** What was sent; the collector keeps it in SQLite. Calls are synchronous and must be durable on return. */
export interface ReportLedger {
  sentAt(month: string): number | undefined;
  markSent(month: string, at: number, messageId: string): void;
  recordAttempt?(month: string, at: number, error: string): void;
  /** A month deliberately not sent (no data). */
  recordSkip?(month: string, at: number, reason: string): void;
}

/** A month in which no OPD was observed: there is nothing to report. */
export class NoDataError extends Error {
  override name = 'NoDataError';
  constructor(readonly month: string) {
    super(`no OPD was observed in ${month} (zero coverage): the report is not sent; check that the agents report to this collector`);
  }
}
