// The backup status of one OPD, a pure function of (its runs, its schedule, now). Statuses:
// - `missing`: the last scheduled run whose grace has passed has no good backup after it, or
//   the OPD never reported one;
// - `failed`: the latest finished run failed or its archive is corrupt (or a run that
//   started never finished, when no due run is missing);
// - `small`: the latest good backup is under `minBytes`, or under half the median of the
//   previous ten good ones (once three are known);
// - `running`: a run has started and not ended, within its limit (the grace, or twice its usual
//   duration when longer); past it the run is `abandoned`;
// - `ok` otherwise. Precedence: failed, then missing, then running, then small.
// A run under a tenth of the median duration of the previous ten good runs is `suspicious`.
import type { Schedule } from './schedule.js';
import { isFailure, isGood, median, medianBytes, pairRuns, runTime, type BackupRow, type BackupRun } from './runs.js';

export type BackupStatus = 'ok' | 'missing' | 'failed' | 'small' | 'running';

export interface BackupPolicy {
  graceMs: number;
  minBytes: bigint;
  /** Consecutive failures before backup_failed is raised (the status is `failed` from the first). */
  failuresBeforeAlert: number;
}

/** Earlier good runs looked at for the median size and duration. */
const HISTORY = 10;
/** Earlier good runs needed before a median judges a run. */
const MIN_HISTORY = 3;

export interface BackupEvaluation {
  status: BackupStatus;
  /** Why, in words for an operator (English; the report words its own). */
  reason: string;
  /** The last slot whose grace has passed, and when its grace ended. */
  lastDue?: number;
  lastDueGraceEnd?: number;
  nextDue?: number;
  lastGood?: BackupRun;
  latest?: BackupRun;
  /** The run in progress, if any. */
  running?: BackupRun & { elapsedS: number; usualDurationS?: number; overrunning: boolean };
  /** Failures (failed, corrupt, abandoned) since the last good run. */
  consecutiveFailures: number;
  /** The missing condition, whatever the status: no good backup after the last due run (or none ever). */
  missing: boolean;
  /** The latest good run was suspiciously short. */
  suspicious: boolean;
  /** Median size of the ten good runs before the latest good one, bytes. */
  medianBytes?: bigint;
  usualDurationS?: number;
  /** Every run seen up to `now`, oldest first, with suspicious flags and abandoned starts. */
  runs: BackupRun[];
}

const iso = (t: number) => new Date(t).toISOString();

/** Flags suspicious runs and abandons starts past their limit; returns the usual duration (s). */
function annotate(runs: BackupRun[], graceMs: number, now: number): number | undefined {
  const durations: number[] = [];
  for (const r of runs) {
    if (!isGood(r) || r.durationS === undefined) continue;
    const m = durations.length >= MIN_HISTORY ? median(durations.slice(-HISTORY)) : undefined;
    if (m !== undefined && r.durationS < m / 10) r.suspicious = true;
    durations.push(r.durationS);
  }
  const usual = durations.length ? median(durations.slice(-HISTORY)) : undefined;
  const limitMs = Math.max(graceMs, 2 * (usual ?? 0) * 1000);
  for (const r of runs) if (r.state === 'running' && now - r.startedAt! > limitMs) r.state = 'abandoned';
  return usual;
}

/** Whether good run `r` is small against `minBytes` and the runs before it; with the median used. */
export function smallness(runs: readonly BackupRun[], r: BackupRun, minBytes: bigint): { small: boolean; medianBytes?: bigint } {
  const before = runs.filter((x) => x !== r && isGood(x) && x.bytes !== undefined && runTime(x) <= runTime(r)).slice(-HISTORY);
  const m = before.length >= MIN_HISTORY ? medianBytes(before.map((x) => x.bytes!)) : undefined;
  if (r.bytes === undefined) return { small: false, medianBytes: m };
  return { small: r.bytes < minBytes || (m !== undefined && r.bytes * 2n < m), medianBytes: m };
}

export function evaluateBackups(rows: readonly BackupRow[], schedule: Schedule, rules: BackupPolicy, now: number): BackupEvaluation {
  const runs = pairRuns(rows, now);
  const usual = annotate(runs, rules.graceMs, now);
  const lastDue = schedule.previous(now - rules.graceMs);
  const nextDue = schedule.next(now);
  const good = runs.filter(isGood);
  const lastGood = good.at(-1);
  const finished = runs.filter((r) => r.state !== 'running');
  const latest = runs.at(-1);
  let consecutiveFailures = 0;
  for (let i = finished.length - 1; i >= 0 && isFailure(finished[i]); i--) consecutiveFailures++;
  const open = runs.filter((r) => r.state === 'running').at(-1);
  const base = {
    lastDue,
    lastDueGraceEnd: lastDue === undefined ? undefined : lastDue + rules.graceMs,
    nextDue,
    lastGood,
    latest,
    consecutiveFailures,
    suspicious: lastGood?.suspicious === true,
    usualDurationS: usual,
    runs,
  };
  const sm = lastGood ? smallness(runs, lastGood, rules.minBytes) : { small: false };
  const lastFinished = finished.at(-1);
  const missing = runs.length === 0 || (lastDue !== undefined && (lastGood === undefined || runTime(lastGood) < lastDue));
  const withMedian = { ...base, medianBytes: sm.medianBytes, missing };
  if (lastFinished && (lastFinished.state === 'failed' || lastFinished.state === 'corrupt') && !(open && runTime(open) > runTime(lastFinished)))
    return { ...withMedian, status: 'failed', reason: `the run at ${iso(runTime(lastFinished))} ${lastFinished.state === 'corrupt' ? 'produced a corrupt archive' : 'failed'}${lastFinished.reason ? `: ${lastFinished.reason}` : ''}` };
  if (missing)
    return {
      ...withMedian,
      status: 'missing',
      reason:
        runs.length === 0
          ? 'the OPD never reported a backup'
          : `no good backup after the run due at ${iso(lastDue!)} (grace ended ${iso(lastDue! + rules.graceMs)})`,
    };
  if (lastFinished?.state === 'abandoned' && !(open && runTime(open) > runTime(lastFinished)))
    return { ...withMedian, status: 'failed', reason: `the run started at ${iso(lastFinished.startedAt!)} never reported its end` };
  if (open) {
    const elapsedS = (now - open.startedAt!) / 1000;
    return {
      ...withMedian,
      status: 'running',
      reason: `a run started at ${iso(open.startedAt!)}`,
      running: { ...open, elapsedS, usualDurationS: usual, overrunning: usual !== undefined && elapsedS > usual },
    };
  }
  if (sm.small && lastGood)
    return {
      ...withMedian,
      status: 'small',
      reason:
        lastGood.bytes! < rules.minBytes
          ? `the latest backup is ${lastGood.bytes} bytes, under minBytes ${rules.minBytes}`
          : `the latest backup is ${lastGood.bytes} bytes, under half the median ${sm.medianBytes} of the previous ones`,
    };
  return { ...withMedian, status: 'ok', reason: `good backup at ${iso(runTime(lastGood!))}` };
}
