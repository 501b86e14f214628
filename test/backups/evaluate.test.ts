// The backup status as a pure function of (runs, schedule, now): every status reached and
// left, pushes before, inside and after the grace, and the month's compliance across local
// midnight in WIB and WITA.
import { describe, expect, it } from 'vitest';
import { evaluateBackups, type BackupPolicy } from '../../collector/backups/evaluate.js';
import { compliance } from '../../collector/backups/compliance.js';
import type { BackupRow } from '../../collector/backups/runs.js';
import { Schedule } from '../../collector/backups/schedule.js';
import { monthRange } from '../../collector/accounting/months.js';

const t = (iso: string) => Date.parse(iso);
const MIN = 60_000;
let id = 0;
function row(ts: number, o: Partial<BackupRow> = {}): BackupRow {
  return { id: ++id, ts, phase: 'end', run: null, ok: 1, bytes: '1000000', path: null, durationS: null, source: 'api:backup:dinkes', sha256: null, reason: null, exitCode: null, ...o };
}
const start = (ts: number, run: string): BackupRow => row(ts, { phase: 'start', run, ok: null, bytes: null });
const end = (ts: number, run: string, o: Partial<BackupRow> = {}): BackupRow => row(ts, { run, ...o });

// Daily at 01:00 WIB (18:00 UTC the day before), grace 4 h: due 01:00, missing from 05:00 WIB.
const wib = new Schedule('0 1 * * *', 'Asia/Jakarta');
const rules: BackupPolicy = { graceMs: 240 * MIN, minBytes: 500_000n, failuresBeforeAlert: 1 };
const slot10 = t('2026-03-09T18:00:00Z'); // 10 March 01:00 WIB
const graceEnd10 = slot10 + 240 * MIN; // 05:00 WIB

describe('backup status', () => {
  it('is missing for an OPD that never reported, even before its first due run', () => {
    const e = evaluateBackups([], wib, rules, slot10 - 60 * MIN);
    expect(e.status).toBe('missing');
    expect(e.reason).toMatch(/never/);
    expect(e.nextDue).toBe(slot10);
  });

  it('counts a push inside the grace; one before the scheduled time does not cover it', () => {
    const before = [row(t('2026-03-08T18:30:00Z')), row(slot10 - 5 * MIN)]; // 9 March 01:30, then 10 March 00:55 WIB
    expect(evaluateBackups(before, wib, rules, graceEnd10 - 1).status).toBe('ok'); // 9 March's slot is covered, 10 March's grace not over
    const late = evaluateBackups(before, wib, rules, graceEnd10);
    expect(late.status).toBe('missing');
    expect(late.lastDue).toBe(slot10);
    const inside = [...before, row(slot10 + 170 * MIN)]; // 03:50 WIB
    const e = evaluateBackups(inside, wib, rules, graceEnd10 + 60 * MIN);
    expect(e.status).toBe('ok');
    expect(e.lastGood?.endedAt).toBe(slot10 + 170 * MIN);
    expect(e.nextDue).toBe(slot10 + 86_400_000);
  });

  it('leaves missing when a late backup arrives after the grace', () => {
    const rows = [row(slot10 - 86_400_000 + 30 * MIN)];
    expect(evaluateBackups(rows, wib, rules, graceEnd10 + 30 * MIN).status).toBe('missing');
    rows.push(row(graceEnd10 + 60 * MIN)); // 06:00 WIB: late, but good
    expect(evaluateBackups(rows, wib, rules, graceEnd10 + 61 * MIN).status).toBe('ok');
  });

  it('is running between a start and its end, and leaves it for ok with the pair\'s duration', () => {
    const rows = [row(slot10 - 86_400_000 + 20 * MIN), start(slot10, 'r1')];
    const r = evaluateBackups(rows, wib, rules, slot10 + 10 * MIN);
    expect(r.status).toBe('running');
    expect(r.running).toMatchObject({ run: 'r1', elapsedS: 600 });
    rows.push(end(slot10 + 25 * MIN, 'r1', { bytes: '2000000' }));
    const ok = evaluateBackups(rows, wib, rules, slot10 + 26 * MIN);
    expect(ok.status).toBe('ok');
    expect(ok.lastGood).toMatchObject({ run: 'r1', durationS: 1500, bytes: 2_000_000n, state: 'ok' });
  });

  it('turns a run that overruns the grace into missing, and an unfinished run into failed when nothing is due', () => {
    const rows = [row(slot10 - 86_400_000 + 20 * MIN), start(slot10 + 5 * MIN, 'slow')];
    expect(evaluateBackups(rows, wib, rules, graceEnd10 - MIN).status).toBe('running');
    const over = evaluateBackups(rows, wib, rules, graceEnd10);
    expect(over.status).toBe('missing');
    // A manual run after a good one that never ends: failed once its limit (the grace) is past.
    const manual = [row(slot10 + 30 * MIN), start(slot10 + 60 * MIN, 'm1')];
    expect(evaluateBackups(manual, wib, rules, slot10 + 120 * MIN).status).toBe('running');
    const abandoned = evaluateBackups(manual, wib, rules, slot10 + 60 * MIN + 240 * MIN + 1);
    expect(abandoned.status).toBe('failed');
    expect(abandoned.reason).toMatch(/never reported its end/);
    expect(abandoned.runs.at(-1)!.state).toBe('abandoned');
  });

  it('is failed after a failed run or a corrupt archive, until a good backup arrives', () => {
    const rows = [row(slot10 + 20 * MIN, { ok: 0, exitCode: 2, reason: 'pg_dump: connection refused' })];
    const f = evaluateBackups(rows, wib, rules, slot10 + 21 * MIN);
    expect(f.status).toBe('failed');
    expect(f.reason).toMatch(/failed: pg_dump/);
    rows.push(row(slot10 + 40 * MIN, { ok: 0, source: 'agent:a1', reason: 'gzip: unexpected end of file' }));
    const c = evaluateBackups(rows, wib, rules, graceEnd10 + MIN); // failed stays failed past the grace
    expect(c.status).toBe('failed');
    expect(c.latest?.state).toBe('corrupt');
    expect(c.consecutiveFailures).toBe(2);
    rows.push(row(graceEnd10 + 10 * MIN));
    const ok = evaluateBackups(rows, wib, rules, graceEnd10 + 11 * MIN);
    expect(ok.status).toBe('ok');
    expect(ok.consecutiveFailures).toBe(0);
  });

  it('is small under minBytes or under half the median of the previous good backups, and leaves it', () => {
    const days = [0, 1, 2, 3].map((d) => slot10 + d * 86_400_000 + 30 * MIN);
    const rows = [row(days[0], { bytes: '10000000' }), row(days[1], { bytes: '12000000' }), row(days[2], { bytes: '11000000' })];
    expect(evaluateBackups(rows, wib, rules, days[2] + MIN).status).toBe('ok');
    rows.push(row(days[3], { bytes: '5000000' })); // under half the median 11 MB, above minBytes
    const s = evaluateBackups(rows, wib, rules, days[3] + MIN);
    expect(s.status).toBe('small');
    expect(s.medianBytes).toBe(11_000_000n);
    rows.push(row(days[3] + 60 * MIN, { bytes: '400000' })); // under minBytes
    expect(evaluateBackups(rows, wib, rules, days[3] + 61 * MIN).reason).toMatch(/under minBytes/);
    rows.push(row(days[3] + 120 * MIN, { bytes: '11500000' }));
    expect(evaluateBackups(rows, wib, rules, days[3] + 121 * MIN).status).toBe('ok');
  });

  it('flags a run under a tenth of the median duration as suspicious', () => {
    const rows = [0, 1, 2].map((d) => row(slot10 + d * 86_400_000 + 30 * MIN, { durationS: 1200 + d * 60 }));
    rows.push(row(slot10 + 3 * 86_400_000 + 30 * MIN, { durationS: 2 }));
    const e = evaluateBackups(rows, wib, rules, slot10 + 3 * 86_400_000 + 31 * MIN);
    expect(e.status).toBe('ok');
    expect(e.suspicious).toBe(true);
    expect(e.runs.map((r) => r.suspicious === true)).toEqual([false, false, false, true]);
  });

  it('pairs a start without a run id only with the next end without one from the same reporter', () => {
    const rows = [row(slot10 - 86_400_000 + 20 * MIN), row(slot10, { phase: 'start', ok: null, bytes: null })];
    rows.push(row(slot10 + 5 * MIN, { source: 'agent:a1', bytes: '900000' })); // the agent saw a file: not this run's end
    const e = evaluateBackups(rows, wib, rules, slot10 + 6 * MIN);
    expect(e.status).toBe('running');
    rows.push(row(slot10 + 20 * MIN, { bytes: '1200000' }));
    const done = evaluateBackups(rows, wib, rules, slot10 + 21 * MIN);
    expect(done.status).toBe('ok');
    expect(done.lastGood).toMatchObject({ startedAt: slot10, durationS: 1200, bytes: 1_200_000n });
  });

  it('ignores runs reported with a time after now', () => {
    const e = evaluateBackups([row(slot10 + 60 * MIN)], wib, rules, slot10 + 30 * MIN);
    expect(e.status).toBe('missing');
  });
});

describe('a weekly schedule whose grace crosses local midnight (WITA)', () => {
  // Sundays 23:00 WITA (15:00 UTC), grace 2 h: the grace ends Monday 01:00 WITA.
  const weekly = new Schedule('0 23 * * 0', 'Asia/Makassar');
  const r: BackupPolicy = { graceMs: 120 * MIN, minBytes: 0n, failuresBeforeAlert: 1 };
  const sunday = t('2026-03-15T15:00:00Z'); // 15 March 2026 is a Sunday
  const prevWeek = row(sunday - 7 * 86_400_000 + 30 * MIN);

  it('is ok with a push after local midnight inside the grace', () => {
    const e = evaluateBackups([prevWeek, row(sunday + 90 * MIN)], weekly, r, sunday + 121 * MIN); // Monday 00:30, judged at 01:01 WITA
    expect(e.status).toBe('ok');
    expect(e.nextDue).toBe(sunday + 7 * 86_400_000);
  });

  it('is missing at Monday 01:00 WITA with nothing, or with a push before the Sunday slot', () => {
    expect(evaluateBackups([prevWeek], weekly, r, sunday + 120 * MIN - 1).status).toBe('ok');
    expect(evaluateBackups([prevWeek], weekly, r, sunday + 120 * MIN).status).toBe('missing');
    const early = evaluateBackups([prevWeek, row(sunday - 10 * MIN)], weekly, r, sunday + 120 * MIN);
    expect(early.status).toBe('missing');
    expect(early.lastDue).toBe(sunday);
  });

  it('leaves missing with a push after the grace (late) and counts it late in the month', () => {
    const rows = [prevWeek, row(sunday + 200 * MIN)]; // Monday 02:20 WITA
    expect(evaluateBackups(rows, weekly, r, sunday + 201 * MIN).status).toBe('ok');
    const runs = evaluateBackups(rows, weekly, r, t('2026-04-05T00:00:00Z')).runs;
    const c = compliance(runs, weekly, r, monthRange('2026-03', 'Asia/Makassar'), t('2026-04-05T00:00:00Z'), t('2026-03-01T00:00:00Z'));
    // Sundays 1, 8, 15, 22, 29 March: the 8th's run (prevWeek) on time, the 15th's late, the others missed.
    expect(c).toMatchObject({ due: 5, made: 2, late: 1, missed: 3 });
  });
});

describe('monthly compliance', () => {
  it('counts made, late and missed for a daily 23:30 WITA schedule whose grace crosses local midnight', () => {
    const wita = new Schedule('30 23 * * *', 'Asia/Makassar');
    const r: BackupPolicy = { graceMs: 60 * MIN, minBytes: 0n, failuresBeforeAlert: 1 };
    const march = monthRange('2026-03', 'Asia/Makassar');
    const slot = (day: number) => t(`2026-03-${String(day).padStart(2, '0')}T15:30:00Z`); // 23:30 WITA
    const rows: BackupRow[] = [];
    for (let d = 1; d <= 31; d++) {
      if (d === 5 || d === 6) continue; // missed
      if (d === 7) rows.push(row(slot(d) + 90 * MIN)); // 01:00 WITA next day: late
      else rows.push(row(slot(d) + 40 * MIN)); // 00:10 WITA next day: inside the grace
    }
    rows.push(row(slot(12) + 10 * MIN, { ok: 0, source: 'agent:a1', reason: 'truncated tar', path: '/b/x.tar' }));
    const runs = evaluateBackups(rows, wita, r, t('2026-04-10T00:00:00Z')).runs;
    const c = compliance(runs, wita, r, march, t('2026-04-10T00:00:00Z'), t('2026-01-01T00:00:00Z'));
    expect(c).toMatchObject({ state: 'complete', due: 31, made: 29, late: 1, missed: 2, pending: 0, compliancePct: 93.5 });
    expect(c.corrupt).toEqual([{ ts: slot(12) + 10 * MIN, path: '/b/x.tar', reason: 'truncated tar' }]);
    // The backup of 31 March 23:30 WITA lands at 00:10 on 1 April: it counts for March.
    expect(c.lastGood?.ts).toBe(slot(31) + 40 * MIN);
  });

  it('stays in_progress after the month ends while its last run\'s grace runs past local midnight', () => {
    const wita = new Schedule('30 23 * * *', 'Asia/Makassar');
    const r: BackupPolicy = { graceMs: 60 * MIN, minBytes: 0n, failuresBeforeAlert: 1 };
    const march = monthRange('2026-03', 'Asia/Makassar');
    const firstApril0010 = t('2026-03-31T16:10:00Z'); // 1 April 00:10 WITA: 31 March's 23:30 run is in its grace
    const c = compliance([], wita, r, march, firstApril0010, t('2026-03-30T00:00:00Z'));
    expect(c).toMatchObject({ state: 'in_progress', due: 1, missed: 1, pending: 1 }); // 30 March missed, 31 March pending
    const after = compliance([], wita, r, march, firstApril0010 + 20 * MIN, t('2026-03-30T00:00:00Z'));
    expect(after).toMatchObject({ state: 'complete', due: 2, missed: 2, pending: 0 });
  });

  it('is no_data for a month before supervision began, never 100 %', () => {
    const c = compliance([], wib, rules, monthRange('2026-01', 'Asia/Jakarta'), t('2026-03-10T00:00:00Z'), t('2026-02-15T00:00:00Z'));
    expect(c.state).toBe('no_data');
    expect(c.due).toBe(0);
    expect(c.compliancePct).toBeUndefined();
  });

  it('keeps slots whose grace has not passed as pending in the current month', () => {
    const now = slot10 + 60 * MIN; // 10 March 02:00 WIB
    const c = compliance([], wib, rules, monthRange('2026-03', 'Asia/Jakarta'), now, t('2026-03-05T00:00:00Z'));
    // Supervision from 5 March 07:00 WIB: slots of 6, 7, 8, 9 March missed; 10 March pending.
    expect(c).toMatchObject({ state: 'in_progress', due: 4, made: 0, missed: 4, pending: 1, compliancePct: 0 });
  });
});
