// Backup runs from the rows of `backup_run`: a start and an end of the same run id are one run
// (as Healthchecks pairs its `rid`); a start without a run id pairs with the next end without
// one from the same reporter (an agent's backupWatch file never ends a script's start). A start with no end is `running` until its limit, then `abandoned`. A failure reported
// by an agent's backupWatch is `corrupt` (the agent reports only files it found, so its
// failure is an archive that failed verification); a failure reported to POST /backups is `failed`.

/** One row of backup_run as stored. */
export interface BackupRow {
  id: number;
  ts: number;
  phase: 'start' | 'end';
  run: string | null;
  ok: number | null;
  bytes: string | null;
  path: string | null;
  durationS: number | null;
  source: string;
  sha256: string | null;
  reason: string | null;
  exitCode: number | null;
}

export type RunState = 'running' | 'abandoned' | 'ok' | 'failed' | 'corrupt';

export interface BackupRun {
  run?: string;
  startedAt?: number;
  endedAt?: number;
  state: RunState;
  bytes?: bigint;
  path?: string;
  sha256?: string;
  reason?: string;
  exitCode?: number;
  /** Seconds: as reported, else end − start of the pair. */
  durationS?: number;
  source: string;
  /** Under a tenth of the median duration of the previous good runs (set by evaluate). */
  suspicious?: boolean;
}

/** When a run counts: its end, or its start while it has none. */
export const runTime = (r: BackupRun): number => r.endedAt ?? r.startedAt!;

export const isGood = (r: BackupRun): boolean => r.state === 'ok';
export const isFailure = (r: BackupRun): boolean => r.state === 'failed' || r.state === 'corrupt' || r.state === 'abandoned';

/**
 * Pairs rows (any order) into runs, oldest first by runTime. Rows after `now` are not yet
 * seen. A start still open is `running` here; evaluate() decides when it is abandoned.
 */
export function pairRuns(rows: readonly BackupRow[], now: number): BackupRun[] {
  const seen = rows.filter((r) => r.ts <= now).sort((a, b) => a.ts - b.ts || a.id - b.id);
  const runs: BackupRun[] = [];
  const openByRun = new Map<string, BackupRun>();
  const openUnnamed = new Map<string, BackupRun[]>(); // by source
  for (const r of seen) {
    if (r.phase === 'start') {
      const run: BackupRun = { startedAt: r.ts, state: 'running', source: r.source };
      if (r.run !== null) {
        run.run = r.run;
        openByRun.set(r.run, run);
      } else openUnnamed.set(r.source, [...(openUnnamed.get(r.source) ?? []), run]);
      if (r.path !== null) run.path = r.path;
      runs.push(run);
      continue;
    }
    let run: BackupRun | undefined;
    if (r.run !== null) {
      run = openByRun.get(r.run);
      openByRun.delete(r.run);
    } else run = openUnnamed.get(r.source)?.shift();
    if (!run) {
      run = { state: 'ok', source: r.source };
      if (r.run !== null) run.run = r.run;
      runs.push(run);
    }
    run.endedAt = r.ts;
    run.source = r.source;
    run.state = r.ok === 0 ? (r.source.startsWith('agent:') ? 'corrupt' : 'failed') : 'ok';
    if (r.bytes !== null) run.bytes = BigInt(r.bytes);
    if (r.path !== null) run.path = r.path;
    if (r.sha256 !== null) run.sha256 = r.sha256;
    if (r.reason !== null) run.reason = r.reason;
    if (r.exitCode !== null) run.exitCode = r.exitCode;
    if (r.durationS !== null) run.durationS = r.durationS;
    else if (run.startedAt !== undefined) run.durationS = (r.ts - run.startedAt) / 1000;
  }
  return runs.sort((a, b) => runTime(a) - runTime(b));
}

/** The median of numbers (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The median of sizes, bigint (the lower middle's and upper middle's mean, rounded down). */
export function medianBytes(xs: readonly bigint[]): bigint | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2n;
}
