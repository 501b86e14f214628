// Retention (issue 9 part 4: pruning had no test, so `rawDays` read as hours went unnoticed).
// The collector prunes in two steps (collector/main.ts): Rollup.finalize(now − rawDays) rolls
// up what waits, makes the buckets before that day's midnight final and drops the raw
// interface samples before it but each series' last one (the anchor of the pair that crosses
// the cut); Store.prune(now, rawDays, rollupDays) drops the other raw samples and batch ids
// received more than rawDays days before `now`, and buckets older than rollupDays days. The
// clock is a fixed date, not Date.now().
import { describe, expect, it } from 'vitest';
import type { Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import type { Sample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 5, 0, 0);
const RAW_DAYS = 45;
const ROLLUP_DAYS = 400;
const RAW_CUT = NOW - RAW_DAYS * DAY;
const ROLLUP_CUT = NOW - ROLLUP_DAYS * DAY;

const openStore = tempStores();
function open(): { store: Store; rollup: Rollup } {
  const store = openStore();
  return { store, rollup: new Rollup(store, { maxGapMs: 600_000 }) };
}

let counter = 1_000_000n;
/** Two interface samples a minute apart starting at `ts` (one 5-minute bucket's worth of pair). */
const ifacePair = (device: string, ts: number): Sample[] =>
  [0, 60_000].map((d) => ({ type: 'iface', device, interface: 'ether1', ts: ts + d, inOctets: (counter += 1000n), outOctets: counter, bits: 64 }) as Sample);
const others = (ts: number): Sample[] => [
  { type: 'host', device: 'agent-host', ts, uptimeS: 100, cpuPct: 5, memUsedPct: 40 },
  { type: 'ping', device: 'r1', ts, up: true, rttMs: 1 },
  { type: 'poll', device: 'r1', ts, ok: true },
];

const column = (store: Store, sql: string): number[] => store.db.prepare(sql).pluck().all() as number[];
const names = (store: Store): string[] => store.db.prepare('SELECT batch FROM ingest_batch ORDER BY received').pluck().all() as string[];

/** Both steps of the collector's pruning at NOW. */
function prune(store: Store, rollup: Rollup): void {
  rollup.finalize(NOW - RAW_DAYS * DAY);
  store.prune(NOW, RAW_DAYS, ROLLUP_DAYS);
}
/** Midnight (UTC, the rollup's default day) starting the day of the raw cut. */
const DAY_CUT = Math.floor(RAW_CUT / DAY) * DAY;

/** Batches received at the time of their samples: 401, 399, 46 and 44 days ago, and at the raw cut exactly. */
function fill(store: Store, rollup: Rollup): void {
  for (const [name, ts] of [['d401', NOW - 401 * DAY], ['d399', NOW - 399 * DAY], ['d46', NOW - 46 * DAY], ['cut', RAW_CUT], ['d44', NOW - 44 * DAY]] as const) {
    store.writeBatch('a1', name, [...ifacePair('r1', ts), ...others(ts)], ts);
  }
  rollup.drain();
}

describe('Store.prune: retention of raw samples', () => {
  it('drops raw samples of every kind older than rawDays days and keeps those from the cut on', () => {
    const { store, rollup } = open();
    fill(store, rollup);
    prune(store, rollup);
    // The last sample before the day's cut stays as the anchor of the pair that crosses it.
    expect(DAY_CUT).toBeLessThan(RAW_CUT);
    expect(column(store, 'SELECT ts FROM iface_sample ORDER BY ts')).toEqual([NOW - 46 * DAY + 60_000, RAW_CUT, RAW_CUT + 60_000, NOW - 44 * DAY, NOW - 44 * DAY + 60_000]);
    for (const t of ['host_sample', 'ping_sample', 'poll_result']) {
      expect([t, column(store, `SELECT ts FROM ${t} ORDER BY ts`)]).toEqual([t, [RAW_CUT, NOW - 44 * DAY]]);
    }
    store.close();
  });

  it('keeps raw samples 44 days old with rawDays 45 (days, not hours)', () => {
    const { store, rollup } = open();
    fill(store, rollup);
    prune(store, rollup);
    expect(column(store, `SELECT count(*) FROM iface_sample WHERE ts >= ${NOW - 44 * DAY}`)).toEqual([2]);
    expect(column(store, `SELECT count(*) FROM ping_sample WHERE ts >= ${NOW - 44 * DAY}`)).toEqual([1]);
    store.close();
  });

  it('forgets batch ids received before the cut and remembers the later ones', () => {
    const { store, rollup } = open();
    fill(store, rollup);
    prune(store, rollup);
    expect(names(store)).toEqual(['cut', 'd44']);
    // A remembered batch is still a duplicate; a forgotten one would be stored again.
    expect(store.writeBatch('a1', 'd44', ifacePair('r1', NOW - 44 * DAY), NOW)).toEqual({ stored: 0, duplicate: true });
    store.close();
  });

  it('rolls up a series still waiting for the rollup before its old raw samples go', () => {
    const { store, rollup } = open();
    fill(store, rollup);
    store.writeBatch('a1', 'late', ifacePair('r2', NOW - 50 * DAY), NOW - DAY); // not rolled up yet
    prune(store, rollup);
    const r2 = (sql: string) => column(store, sql.replace('$R2', "(SELECT x.id FROM series x JOIN device d ON d.id = x.device WHERE d.name = 'r2')"));
    // Its pair's 1,000 bytes are in a bucket before the raw samples were dropped; the anchor stays.
    expect(r2('SELECT in_bytes FROM usage5m WHERE series = $R2')).toEqual([1000]);
    expect(r2('SELECT ts FROM iface_sample WHERE series = $R2')).toEqual([NOW - 50 * DAY + 60_000]);
    expect(column(store, 'SELECT count(*) FROM iface_sample WHERE ts < ' + DAY_CUT)).toEqual([2]); // r1's and r2's anchors
    store.close();
  });
});

describe('Store.prune: retention of 5-minute buckets', () => {
  it('drops buckets older than rollupDays days and keeps every later one', () => {
    const { store, rollup } = open();
    fill(store, rollup);
    const before = column(store, 'SELECT bucket FROM usage5m ORDER BY bucket');
    // The pair from 401 days ago to 399 days ago is a long gap: its first 5-minute bucket, then a
    // row per day (collector/storage/spans.ts); 3 of those rows lie before the cut.
    expect(before.filter((b) => b < ROLLUP_CUT).length).toBe(3);
    prune(store, rollup);
    const after = column(store, 'SELECT bucket FROM usage5m ORDER BY bucket');
    expect(after).toEqual(before.filter((b) => b >= ROLLUP_CUT));
    expect(after.length).toBeGreaterThan(0); // the rows from the cut on are all kept (above)
    store.close();
  });
});
