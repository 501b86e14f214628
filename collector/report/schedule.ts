// ReportScheduler: e-mails the monthly evaluation on `report.schedule` (node-cron, in the
// deployment's zone; default 08:00 on the 1st) for the month before the firing, exactly once
// per month across restarts (the injected ledger says what was sent). On start it catches up:
// if the last firing has passed and its month is not in the ledger, it sends now. A month in
// which nothing was observed (no bandwidth, backup or up-time data) is never sent nor caught
// up: the decision "skipped: no data" is recorded instead. A month with only backup or up-time
// data is sent, its bandwidth section saying no_data. While the SMTP server is down it retries with exponential backoff, raises
// `report_failed` after `alertAfterFailures` consecutive failures and resolves it on success.
// Every decision (sent, already sent, skipped, failed) is kept and announced (onDecision), so
// that tests and operators can see what happened without waiting for nothing to happen.
import cron, { type ScheduledTask } from 'node-cron';
import type { CollectorConfig } from '../../config/collector.js';
import type { UsageReport } from '../../protocol/usage.js';
import { silentLogger, type Logger } from '../../log/logger.js';
import type { DailySeries } from './charts.js';
import { isMonth, previousFiring, reportMonthFor } from './calendar.js';
import { documentOptions } from './document.js';
import { anySectionHasData } from './honesty.js';
import { NoDataError, type ReportDecision, type ReportLedger, type ReportOutcome, type ReportTrigger } from './decisions.js';
import { checkSmtp, sendReport, type SentReport } from './mailer.js';
import type { MethodFigures } from './words.js';

export type ReportConfig = CollectorConfig['report'];
export type ReportAlertKind = 'report_failed';
export { NoDataError, type ReportDecision, type ReportLedger, type ReportOutcome, type ReportTrigger } from './decisions.js';

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
  /** The thresholds the report's method section states (config `evaluation`). */
  evaluation?: MethodFigures;
  /** The folder a relative `report.issuer.logo` is read from (the config file's). */
  baseDir?: string;
  /** First retry delay (default 30 s); doubles per failure up to `retryMaxMs` (default 30 min). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Consecutive failures before `report_failed` is raised (default 3). */
  alertAfterFailures?: number;
  /** Send the last missed month on start (default true). */
  catchUp?: boolean;
  /** Attach a PDF (default true). */
  pdf?: boolean;
  /** Chart images in the mail body (default true). */
  charts?: boolean;
  chromiumPath?: string;
  smtpTimeoutMs?: number;
}

export interface ReportSchedulerStatus {
  running: boolean;
  pending: string[];
  consecutiveFailures: number;
  nextRetryAt?: number;
  lastError?: string;
  /** Whether a send is being attempted or waited for right now. */
  busy: boolean;
  /** Whether a retry timer is set. */
  retryScheduled: boolean;
}

const KEEP_DECISIONS = 100;

export class ReportScheduler {
  private readonly o: ReportSchedulerOptions;
  private readonly log: Logger;
  private readonly now: () => number;
  private task?: ScheduledTask;
  private readonly queue: { month: string; why: 'schedule' | 'catch-up' }[] = [];
  private worker?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  private running = false;
  private failures = 0;
  private alerted = false;
  private nextRetryAt?: number;
  private lastError?: string;
  private readonly decided: ReportDecision[] = [];
  private readonly listeners = new Set<(d: ReportDecision) => void>();

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
        this.enqueue(reportMonthFor(last, this.o.timezone), 'catch-up');
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
      pending: this.queue.map((q) => q.month),
      consecutiveFailures: this.failures,
      nextRetryAt: this.nextRetryAt,
      lastError: this.lastError,
      busy: this.worker !== undefined,
      retryScheduled: this.timer !== undefined,
    };
  }

  /** The latest decisions, oldest first (at most 100). */
  decisions(): ReportDecision[] {
    return [...this.decided];
  }

  /** Calls `listener` on every decision from now on; returns the function that stops it. */
  onDecision(listener: (d: ReportDecision) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private decide(month: string, trigger: ReportTrigger, outcome: ReportOutcome, detail?: string): void {
    const d: ReportDecision = { month, at: this.now(), trigger, outcome, ...(detail !== undefined ? { detail } : {}) };
    this.decided.push(d);
    if (this.decided.length > KEEP_DECISIONS) this.decided.shift();
    for (const l of this.listeners) {
      try {
        l(d);
      } catch (err) {
        this.log.warn({ err: errorText(err) }, 'a report decision listener failed');
      }
    }
  }

  /**
   * Sends the report for `month` now, once, without retrying (`pantau report --send`): a
   * resend by hand is recorded in the ledger again. Rejects when it could not be sent.
   */
  async sendNow(month: string): Promise<SentReport> {
    if (!isMonth(month)) throw new Error(`month: expected YYYY-MM, found "${month}"`);
    const sent = await this.attempt(month, 'manual');
    if (!sent) throw new NoDataError(month);
    this.onSuccess();
    return sent;
  }

  private enqueue(month: string, why: 'schedule' | 'catch-up'): void {
    if (!this.running || this.queue.some((q) => q.month === month)) return;
    if (this.o.ledger.sentAt(month) !== undefined) {
      this.log.debug({ month, why }, 'report already sent for this month; not sending again');
      this.decide(month, why, 'already_sent');
      return;
    }
    this.log.info({ month, why }, 'sending the monthly report');
    this.queue.push({ month, why });
    this.worker ??= this.drain().finally(() => (this.worker = undefined));
  }

  private async drain(): Promise<void> {
    while (this.running && this.queue.length) {
      const { month, why } = this.queue[0];
      if (this.o.ledger.sentAt(month) !== undefined) {
        this.queue.shift();
        this.decide(month, why, 'already_sent');
        continue;
      }
      try {
        const sent = await this.attempt(month, why);
        this.queue.shift();
        if (sent) this.onSuccess();
      } catch (err) {
        const delay = this.onFailure(month, err);
        if (this.running) await this.sleep(delay);
      }
    }
  }

  /**
   * One try: build → (no data: record the skip, resolve undefined) → SMTP reachable → render →
   * send → record. The SMTP check comes before rendering, so a down server costs no Chromium run.
   */
  private async attempt(month: string, why: ReportTrigger): Promise<SentReport | undefined> {
    const { config: c, ledger } = this.o;
    if (!c.smtp || !c.to.length) throw new Error('report.to and report.smtp must both be set to send the report');
    try {
      const report = await this.o.buildReport(month);
      // Sent when any section has data (bandwidth, backups, up-time); skipped only when none has.
      if (!anySectionHasData(report)) {
        const reason = `no OPD observed in ${month} (zero coverage)`;
        ledger.recordSkip?.(month, this.now(), reason);
        // By hand (sendNow), the caller is told with NoDataError and says it in one line itself.
        if (why !== 'manual') this.log.warn({ month, trigger: why }, 'monthly report not sent: nothing was observed in that month (no bandwidth, backup or up-time data), there is nothing to evaluate');
        this.decide(month, why, 'skipped_no_data', reason);
        return undefined;
      }
      await checkSmtp(c.smtp, this.o.smtpTimeoutMs);
      const daily = await this.o.buildDaily?.(month);
      const sent = await sendReport(report, {
        ...documentOptions(c, { evaluation: this.o.evaluation, baseDir: this.o.baseDir, daily, logger: this.log }),
        smtp: c.smtp,
        to: c.to,
        pdf: this.o.pdf,
        charts: this.o.charts,
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
      this.log.info({ month, messageId: sent.messageId, accepted: sent.accepted, rejected: sent.rejected, pdf: sent.pdf, charts: sent.charts }, 'monthly report sent');
      this.decide(month, why, 'sent', sent.messageId);
      return sent;
    } catch (err) {
      ledger.recordAttempt?.(month, this.now(), errorText(err));
      this.decide(month, why, 'failed', errorText(err));
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
