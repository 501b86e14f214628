// Backups per OPD as GET /backups, the rules and the report see them: the OPD's config and
// runs in, the evaluation (evaluate.ts) and the month's compliance (compliance.ts) out. An OPD
// without `backup:` in the config is `not_configured` (its runs are still listed).
import type { CollectorConfig, OpdConfig } from '../../config/collector.js';
import { isMonth, monthOf, monthRange } from '../accounting/months.js';
import type { Store } from '../storage/store.js';
import { compliance, type Compliance } from './compliance.js';
import { evaluateBackups, type BackupEvaluation, type BackupPolicy, type BackupStatus } from './evaluate.js';
import { BackupLedger } from './ledger.js';
import { pairRuns, runTime, type BackupRun } from './runs.js';
import { Schedule } from './schedule.js';

const DAY = 86_400_000;
/** Runs looked at: this far back from the period judged (the medians need the earlier ones). */
const LOOKBACK_MS = 120 * DAY;
const RECENT = 20;

export interface RunView {
  run?: string;
  state: BackupRun['state'];
  startedAt?: number;
  endedAt?: number;
  durationS?: number;
  bytes?: string;
  path?: string;
  sha256?: string;
  reason?: string;
  exitCode?: number;
  suspicious: boolean;
  source: string;
}

export interface OpdBackupView {
  opd: string;
  name: string;
  status: BackupStatus | 'not_configured';
  reason: string;
  schedule?: string;
  graceMinutes?: number;
  minBytes?: string;
  failuresBeforeAlert?: number;
  lastDue?: number;
  nextDue?: number;
  lastGood?: { ts: number; bytes?: string; path?: string; sha256?: string; durationS?: number };
  running?: { run?: string; startedAt: number; elapsedS: number; usualDurationS?: number; overrunning: boolean };
  consecutiveFailures: number;
  suspicious: boolean;
  medianBytes?: string;
  usualDurationS?: number;
  /** Newest first. */
  recent: RunView[];
  /** This month's compliance (or `?month=`'s), as in the report. */
  counts: Compliance & { month: string };
}

export interface BackupsView {
  generatedAt: number;
  month: string;
  timezone: string;
  opds: OpdBackupView[];
}

export function runView(r: BackupRun): RunView {
  const v: RunView = { state: r.state, suspicious: r.suspicious === true, source: r.source };
  if (r.run !== undefined) v.run = r.run;
  if (r.startedAt !== undefined) v.startedAt = r.startedAt;
  if (r.endedAt !== undefined) v.endedAt = r.endedAt;
  if (r.durationS !== undefined) v.durationS = r.durationS;
  if (r.bytes !== undefined) v.bytes = r.bytes.toString();
  if (r.path !== undefined) v.path = r.path;
  if (r.sha256 !== undefined) v.sha256 = r.sha256;
  if (r.reason !== undefined) v.reason = r.reason;
  if (r.exitCode !== undefined) v.exitCode = r.exitCode;
  return v;
}

export class BackupService {
  readonly ledger: BackupLedger;
  private readonly schedules = new Map<string, Schedule>();

  constructor(
    private readonly cfg: CollectorConfig,
    store: Store,
    /** The collector's start: supervision begins then, if it had not begun (a reader such as `pantau report` passes nothing). */
    startedAt?: number,
  ) {
    this.ledger = new BackupLedger(store);
    for (const o of cfg.opds) if (o.backup) this.schedules.set(o.id, new Schedule(o.backup.schedule, cfg.timezone));
    if (this.schedules.size && startedAt !== undefined) this.ledger.begin(startedAt);
  }

  rules(o: OpdConfig): BackupPolicy | undefined {
    return o.backup && { graceMs: o.backup.graceMinutes * 60_000, minBytes: BigInt(o.backup.minBytes), failuresBeforeAlert: o.backup.failuresBeforeAlert };
  }

  /** The evaluation of a configured OPD at `now` (undefined when it has no backup config). */
  evaluate(o: OpdConfig, now: number): BackupEvaluation | undefined {
    const rules = this.rules(o);
    if (!rules) return undefined;
    return evaluateBackups(this.ledger.rows(o.id, now - LOOKBACK_MS * 3), this.schedules.get(o.id)!, rules, now);
  }

  /** Compliance of `o` over `month` as of `now` (the same figures for /backups and the report). */
  month(o: OpdConfig, month: string, now: number): Compliance | undefined {
    const rules = this.rules(o);
    if (!rules) return undefined;
    const range = monthRange(month, this.cfg.timezone);
    // The runs with suspicious flags and abandoned starts as the evaluation sets them.
    const annotated = evaluateBackups(this.ledger.rows(o.id, range.from - LOOKBACK_MS), this.schedules.get(o.id)!, rules, now).runs;
    const since = this.ledger.supervisedSince() ?? now;
    return compliance(annotated, this.schedules.get(o.id)!, rules, range, now, since);
  }

  view(now: number, month = monthOf(now, this.cfg.timezone)): BackupsView {
    if (!isMonth(month)) throw new RangeError(`expected YYYY-MM, found "${month}"`);
    return { generatedAt: now, month, timezone: this.cfg.timezone, opds: this.cfg.opds.map((o) => this.opdView(o, now, month)) };
  }

  private opdView(o: OpdConfig, now: number, month: string): OpdBackupView {
    const e = this.evaluate(o, now);
    const rules = this.rules(o);
    const counts = { month, ...(this.month(o, month, now) ?? emptyCompliance()) };
    if (!e || !rules || !o.backup) {
      const runs = pairRuns(this.ledger.rows(o.id, now - LOOKBACK_MS), now);
      return {
        opd: o.id, name: o.name, status: 'not_configured', reason: 'no backup schedule in the configuration (opds[].backup)',
        consecutiveFailures: 0, suspicious: false, recent: runs.slice(-RECENT).reverse().map(runView), counts,
      };
    }
    const v: OpdBackupView = {
      opd: o.id, name: o.name, status: e.status, reason: e.reason,
      schedule: o.backup.schedule, graceMinutes: o.backup.graceMinutes, minBytes: String(o.backup.minBytes), failuresBeforeAlert: o.backup.failuresBeforeAlert,
      consecutiveFailures: e.consecutiveFailures, suspicious: e.suspicious,
      recent: e.runs.slice(-RECENT).reverse().map(runView), counts,
    };
    if (e.lastDue !== undefined) v.lastDue = e.lastDue;
    if (e.nextDue !== undefined) v.nextDue = e.nextDue;
    if (e.lastGood) {
      const g = e.lastGood;
      v.lastGood = { ts: runTime(g) };
      if (g.bytes !== undefined) v.lastGood.bytes = g.bytes.toString();
      if (g.path !== undefined) v.lastGood.path = g.path;
      if (g.sha256 !== undefined) v.lastGood.sha256 = g.sha256;
      if (g.durationS !== undefined) v.lastGood.durationS = g.durationS;
    }
    if (e.running) v.running = { ...(e.running.run ? { run: e.running.run } : {}), startedAt: e.running.startedAt!, elapsedS: e.running.elapsedS, usualDurationS: e.running.usualDurationS, overrunning: e.running.overrunning };
    if (e.medianBytes !== undefined) v.medianBytes = e.medianBytes.toString();
    if (e.usualDurationS !== undefined) v.usualDurationS = e.usualDurationS;
    return v;
  }
}

/** The counts of an OPD without a schedule: nothing was due, nothing judged. */
export function emptyCompliance(): Compliance {
  return { state: 'not_configured', due: 0, made: 0, late: 0, missed: 0, pending: 0, good: 0, failed: 0, corrupt: [], small: 0, suspicious: 0 };
}
