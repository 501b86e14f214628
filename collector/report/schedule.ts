// ReportScheduler: e-mails the monthly evaluation on `report.schedule` (node-cron, in the
// deployment's zone; default 08:00 on the 1st) for the month before the firing, exactly once
// per month across restarts (the injected ledger says what was sent). On start it catches up:
// if the last firing has passed and its month is not in the ledger, it sends now. While the
// SMTP server is down it retries with exponential backoff, raises `report_failed` after
// `alertAfterFailures` consecutive failures and resolves it on success.
import cron, { type ScheduledTask } from 'node-cron';
import type { CollectorConfig } from '../../config/collector.js';
import type { UsageReport } from '../../protocol/usage.js';
import { silentLogger, type Logger } from '../../log/logger.js';
import type { DailySeries } from './charts.js';
import { isMonth, previousFiring, reportMonthFor } from './calendar.js';
import { checkSmtp, sendReport, type SentReport } from './mailer.js';

export type ReportConfig = CollectorConfig['report'];
export type ReportAlertKind = 'report_failed';

/** What was sent; the collector keeps it in SQLite. Calls are synchronous and must be durable on return. */
export interface ReportLedger {
  sentAt(month: string): number | undefined;
  markSent(month: string, at: number, messageId: string): void;
  recordAttempt?(month: string, at: number, error: string): void;
}

export interface ReportSchedulerOptions {
  config: ReportConfig;
  /** IANA zone of the deployment: the cron expression and the months are read in it. */
  timezone: string;
  buildReport(month: string): Promise<UsageReport>;
  /** Daily volume per OPD for the report's daily chart (optional). */
  buildDaily?(month: string): Promise<DailySeries[] | undefined>;
  ledger: ReportLedger;
  /** Expected idempotent: called once per failure streak; resolve is called after every successful scheduled send. */
  raiseAlert?(kind: ReportAlertKind, summary: string): void;
  resolveAlert?(kind: ReportAlertKind): void;
  /** ms since the epoch; injectable for tests. */
  now?: () => number;
  logger?: Logger;
  /** Shown in the report's letterhead, e.g. "Diskominfo Kabupaten Tangerang". */
  deployment?: string;
  /** First retry delay (default 30 s); doubles per failure up to `retryMaxMs` (default 30 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Consecutive failures before `report_failed` is raised (default 3). */
  alertAfterFailures?: number;
  /** Send the last missed month on start (default true). */
  catchUp?: boolean;
  /** Attach a PDF (default true). */
  pdf?: boolean;
  chromiumPath?: string;
  smtpTimeoutMs?: number;
}

export interface ReportSchedulerStatus {
  running: boolean;
  pending: string[];
  consecutiveFailures: number;
  nextRetryAt?: number;
  lastError?: string;
}

export class ReportScheduler {
  private readonly o: ReportSchedulerOptions;
  private readonly log: Logger;
  private readonly now: () => number;
  private task?: ScheduledTask;
  private readonly queue: string[] = [];
  private worker?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  private running = false;
  private failures = 0;
  private alerted = false;
  private nextRetryAt?: number;
  private lastError?: string;

  /** Fills defaults only; no I/O until start(). */
  constructor(options: ReportSchedulerOptions) {
    this.o = options;
    this.now = options.now ?? Date.now;
    this.log = (options.logger ?? silentLogger()).child({ component: 'report' });
  }

  /** Whether report.to and report.smtp are set; without them start() only logs. */
  get enabled(): boolean {
    return Boolean(this.o.config.smtp && this.o.config.to.length);
  }

  start(): void {
    if (this.running) return;
    if (!this.enabled) {
      this.log.warn('monthly report e-mail is off: report.to and report.smtp are not both set');
      return;
    }
    this.running = true;
    const schedule = this.o.config.schedule;
    this.task = cron.schedule(schedule, () => this.enqueue(reportMonthFor(this.now(), this.o.timezone), 'schedule'), {
      timezone: this.o.timezone,
      name: 'pantau-monthly-report',
    });
    if (this.o.catchUp !== false) {
      const last = previousFiring(schedule, this.o.timezone, this.now());
      if (last !== undefined) {
        const month = reportMonthFor(last, this.o.timezone);
        if (this.o.ledger.sentAt(month) === undefined) this.enqueue(month, 'catch-up');
      }
    }
    this.log.info({ schedule, timezone: this.o.timezone, to: this.o.config.to }, 'monthly report scheduled');
  }

  /** Stops the cron task and any retry; waits for an attempt in progress (a sent mail is still recorded). */
  async stop(): Promise<void> {
    this.running = false;
    await this.task?.destroy();
    this.task = undefined;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
    await this.worker;
  }

  status(): ReportSchedulerStatus {
    return {
      running: this.running,
      pending: [...this.queue],
      consecutiveFailures: this.failures,
      nextRetryAt: this.nextRetryAt,
      lastError: this.lastError,
    };
  }

  /**
   * Sends the report for `month` now, once, without retrying (`pantau report --send`): a
   * resend by hand is recorded in the ledger again. Rejects when it could not be sent.
   */
  async sendNow(month: string): Promise<SentReport> {
    if (!isMonth(month)) throw new Error(`month: expected YYYY-MM, found "${month}"`);
    const sent = await this.attempt(month);
    this.onSuccess();
    return sent;
  }

  private enqueue(month: string, why: 'schedule' | 'catch-up'): void {
    if (!this.running || this.queue.includes(month)) return;
    if (this.o.ledger.sentAt(month) !== undefined) {
      this.log.debug({ month, why }, 'report already sent for this month; not sending again');
      return;
    }
    this.log.info({ month, why }, 'sending the monthly report');
    this.queue.push(month);
    this.worker ??= this.drain().finally(() => (this.worker = undefined));
  }

  private async drain(): Promise<void> {
    while (this.running && this.queue.length) {
      const month = this.queue[0];
      if (this.o.ledger.sentAt(month) !== undefined) {
        this.queue.shift();
        continue;
      }
      try {
        await this.attempt(month);
        this.queue.shift();
        this.onSuccess();
      } catch (err) {
        const delay = this.onFailure(month, err);
        if (this.running) await this.sleep(delay);
      }
    }
  }

  /** One try: SMTP reachable → build → render → send → record. */
  private async attempt(month: string): Promise<SentReport> {
    const { config: c, ledger } = this.o;
    if (!c.smtp || !c.to.length) throw new Error('report.to and report.smtp must both be set to send the report');
    try {
      // Cheap check first, so that a down SMTP server does not cost a Chromium run per retry.
      await checkSmtp(c.smtp, this.o.smtpTimeoutMs);
      const report = await this.o.buildReport(month);
      const daily = await this.o.buildDaily?.(month);
      const sent = await sendReport(report, {
        smtp: c.smtp,
        to: c.to,
        language: c.language,
        deployment: this.o.deployment,
        daily,
        pdf: this.o.pdf,
        chromiumPath: this.o.chromiumPath,
        timeoutMs: this.o.smtpTimeoutMs,
        logger: this.log,
      });
      // The mail is out: recording it must not turn into a resend. Retry the record briefly
      // (SQLITE_BUSY while another process writes), then log loudly and still count it as sent.
      for (let i = 0; ; i++) {
        try {
          ledger.markSent(month, this.now(), sent.messageId);
          break;
        } catch (e) {
          if (i >= 4) {
            this.log.error({ month, messageId: sent.messageId, err: errorText(e) }, 'monthly report sent but not recorded; it may be sent again after a restart');
            break;
          }
          await new Promise((r) => setTimeout(r, 200 * (i + 1)));
        }
      }
      this.log.info({ month, messageId: sent.messageId, accepted: sent.accepted, rejected: sent.rejected, pdf: sent.pdf }, 'monthly report sent');
      return sent;
    } catch (err) {
      ledger.recordAttempt?.(month, this.now(), errorText(err));
      throw err;
    }
  }

  private onSuccess(): void {
    this.failures = 0;
    this.alerted = false;
    this.nextRetryAt = undefined;
    this.lastError = undefined;
    this.o.resolveAlert?.('report_failed');
  }

  /** Counts the failure, raises the alert at the threshold; returns the delay before the next try. */
  private onFailure(month: string, err: unknown): number {
    this.failures++;
    this.lastError = errorText(err);
    const base = this.o.retryBaseMs ?? 30_000;
    const max = this.o.retryMaxMs ?? 30 * 60_000;
    const delay = Math.min(base * 2 ** Math.min(this.failures - 1, 30), max);
    this.nextRetryAt = this.now() + delay;
    this.log.warn(
      { month, attempt: this.failures, err: this.lastError, retryInMs: delay },
      'monthly report not sent; retrying with backoff',
    );
    const threshold = this.o.alertAfterFailures ?? 3;
    if (!this.alerted && this.failures >= threshold) {
      this.alerted = true;
      this.o.raiseAlert?.(
        'report_failed',
        `Monthly bandwidth report for ${month} not sent after ${this.failures} attempts: ${this.lastError}`,
      );
    }
    return delay;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      };
      this.timer = setTimeout(this.wake, ms);
    });
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    return code && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
