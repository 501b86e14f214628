// Backup compliance over a period (the monthly report, Pasal 17, and /backups?month=): per
// scheduled run in the period, whether a good backup ended in its window [slot, next slot):
// on time (by slot + grace), late (after the grace, before the next slot), or missed (none, and
// the grace has passed by `now`). Slots before supervision began (`since`) are not judged; a
// period with no judged slot and no run is `no_data`, never 100 %.
import type { Schedule } from './schedule.js';
import { isGood, runTime, type BackupRun } from './runs.js';
import { smallness } from './evaluate.js';

export interface Compliance {
  /** `in_progress`: the month is not over, or a scheduled run's grace has not passed yet. `not_configured`: the OPD has no backup schedule. */
  state: 'complete' | 'in_progress' | 'no_data' | 'not_configured';
  /** Scheduled runs in the period whose grace has passed (or that were already made). */
  due: number;
  made: number;
  /** Made, but after the grace. */
  late: number;
  missed: number;
  /** Scheduled in the period, grace not yet passed, nothing yet. */
  pending: number;
  /** made / due × 100, one decimal; absent when nothing was due. */
  compliancePct?: number;
  /** Runs that ended in the period, by outcome. */
  good: number;
  failed: number;
  corrupt: { ts: number; path?: string; reason?: string }[];
  small: number;
  suspicious: number;
  lastGood?: { ts: number; bytes?: string; path?: string; sha256?: string };
  /** Sizes of the good backups of the period (bytes, decimal strings). */
  sizes?: { first: string; last: string; min: string; max: string; count: number; changePct?: number };
}

export interface Period {
  from: number;
  to: number;
}

/** `since`: when supervision began (slots before it are not judged). */
export function compliance(runs: readonly BackupRun[], schedule: Schedule, rules: { graceMs: number; minBytes: bigint }, period: Period, now: number, since: number): Compliance {
  const { from, to } = period;
  const graceMs = rules.graceMs;
  const seen = runs.filter((r) => runTime(r) <= now);
  const good = seen.filter(isGood);
  let due = 0, made = 0, late = 0, missed = 0, pending = 0;
  let lastHit: BackupRun | undefined;
  for (const slot of schedule.between(Math.max(from, since), Math.min(to, now + 1))) {
    const end = schedule.next(slot) ?? Infinity;
    const hit = good.find((r) => runTime(r) >= slot && runTime(r) < end);
    if (hit) {
      due++;
      made++;
      lastHit = hit;
      if (runTime(hit) > slot + graceMs) late++;
    } else if (slot + graceMs <= now) {
      due++;
      missed++;
    } else pending++;
  }
  const inPeriod = seen.filter((r) => runTime(r) >= from && runTime(r) < to && r.state !== 'running');
  const goodIn = inPeriod.filter(isGood);
  const c: Compliance = {
    state: due === 0 && inPeriod.length === 0 ? 'no_data' : now < to || pending > 0 ? 'in_progress' : 'complete',
    due,
    made,
    late,
    missed,
    pending,
    good: goodIn.length,
    failed: inPeriod.filter((r) => r.state === 'failed' || r.state === 'abandoned').length,
    corrupt: inPeriod.filter((r) => r.state === 'corrupt').map((r) => ({ ts: runTime(r), ...(r.path ? { path: r.path } : {}), ...(r.reason ? { reason: r.reason } : {}) })),
    small: 0,
    suspicious: goodIn.filter((r) => r.suspicious).length,
  };
  if (due > 0) c.compliancePct = Math.round((made / due) * 1000) / 10;
  c.small = goodIn.filter((r) => smallness(seen, r, rules.minBytes).small).length;
  // The last good backup of the month: ended in it, or made for one of its slots (after midnight of the 1st).
  const ended = good.filter((r) => runTime(r) < to).at(-1);
  const lastGood = lastHit && (!ended || runTime(lastHit) > runTime(ended)) ? lastHit : ended;
  if (lastGood)
    c.lastGood = {
      ts: runTime(lastGood),
      ...(lastGood.bytes !== undefined ? { bytes: lastGood.bytes.toString() } : {}),
      ...(lastGood.path ? { path: lastGood.path } : {}),
      ...(lastGood.sha256 ? { sha256: lastGood.sha256 } : {}),
    };
  const sizes = goodIn.filter((r) => r.bytes !== undefined).map((r) => r.bytes!);
  if (sizes.length) {
    const first = sizes[0];
    const last = sizes.at(-1)!;
    const min = sizes.reduce((a, b) => (b < a ? b : a));
    const max = sizes.reduce((a, b) => (b > a ? b : a));
    c.sizes = { first: first.toString(), last: last.toString(), min: min.toString(), max: max.toString(), count: sizes.length };
    if (first > 0n) c.sizes.changePct = Number(((last - first) * 10000n) / first) / 100;
  }
  return c;
}
