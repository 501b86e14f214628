// Stored usage days (storage/usage-days.ts): a month read from them must equal the same month
// recomputed from usage5m after every kind of write: late and out-of-order batches (rollup
// recompute), in-order samples (fold at merge), pruning, another connection storing days,
// and a store that predates the table.
import { describe, expect, it } from 'vitest';
import { parseCollectorConfig, type CollectorConfig } from '../../config/collector.js';
import { monthRange } from '../../collector/accounting/months.js';
import { Rollup } from '../../collector/storage/rollup.js';
import type { Store } from '../../collector/storage/store.js';
import { localDayStart } from '../../collector/usage/day-cache.js';
import { UsageService } from '../../collector/usage/service.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { testConfigHead } from '../helpers/collector.js';
import { tempStores } from '../helpers/temp-store.js';

const TZ = 'Asia/Jakarta';
const DAY = 86_400_000;
const STEP = 300_000;
const NOV = monthRange('2026-11', TZ).from;
/** 25 November 10:00 WIB: 1-24 November have ended. */
const NOW = NOV + 24 * DAY + 10 * 3_600_000;

const openStore = tempStores();

function setup() {
  const file = openStore.newFile(); // the config names it before any store is opened
  const cfg: CollectorConfig = parseCollectorConfig(
    'days.yaml',
    `${testConfigHead(file)}agents:
  - { id: a1, token: agent-token-test-000001, intervalSeconds: 60, poll: [r1, r2] }
opds:
  - { id: dinkes, name: Dinas Kesehatan, quota: { volumeGB: 100, rateMbps: 100 }, uplinks: [ { device: r1, interface: ether1 }, { device: r2, interface: ether1 } ] }
  - { id: bappeda, name: Bappeda, quota: { rateMbps: 50 }, uplinks: [ { device: r2, interface: ether1 } ] }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: 16161 } }
  - { id: r2, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: 16162 } }
`,
  );
  /** The collector's side: rollup with the fold at merge, a usage service that stores ended days. */
  const open = () => {
    const store = openStore(file);
    const rollup = new Rollup(store, { maxGapMs: 600_000, foldOnMerge: true, dayStart: localDayStart(TZ) });
    return { store, rollup, usage: new UsageService(cfg, store, rollup) };
  };
  let batch = 0;
  const write = (store: Store, samples: IfaceSample[]) => store.writeBatch('a1', `b${batch++}`, samples);
  /** The month as a fresh process reads it: from the stored days, or (`fromBuckets`) with them deleted first (rolled back after). */
  const month = (fromBuckets: boolean) => {
    const store = openStore(file);
    try {
      const usage = new UsageService(cfg, store, new Rollup(store, { maxGapMs: 600_000, dayStart: localDayStart(TZ) }), { drain: false });
      store.db.exec('BEGIN');
      try {
        if (fromBuckets) store.db.exec('DELETE FROM usage_day');
        return { report: usage.evaluate({ month: '2026-11', now: NOW }), daily: usage.daily('2026-11') };
      } finally {
        store.db.exec('ROLLBACK');
      }
    } finally {
      store.close();
    }
  };
  /** Stored days of November (the evaluation also stores the empty days of the months before, for the recommendation's history). */
  const storedRows = (store: Store) => Number(store.db.prepare('SELECT count(*) FROM usage_day WHERE day >= ?').pluck().get(NOV));
  return { cfg, file, open, write, month, storedRows };
}

const s = (device: string, ts: number, inOctets: bigint, outOctets: bigint): IfaceSample => ({ type: 'iface', device, interface: 'ether1', ts, inOctets, outOctets, bits: 64 });

/** 5-minute samples of r1 and r2 over [from, to), with a daily shape so the days differ. */
function traffic(from: number, to: number, start = 10n ** 12n): IfaceSample[] {
  const out: IfaceSample[] = [];
  let a = start;
  let b = start * 3n;
  for (let t = from; t < to; t += STEP) {
    const h = new Date(t).getUTCHours();
    a += BigInt(1_000_000 + h * 77_777 + ((t / STEP) % 13) * 1_001);
    b += BigInt(2_500_000 + (24 - h) * 55_555 + ((t / STEP) % 7) * 3_003);
    out.push(s('r1', t, a, a / 2n), s('r2', t, b, b / 5n));
  }
  return out;
}

describe('stored usage days', () => {
  it('are stored for ended days and give the month without reading a bucket', () => {
    const t = setup();
    const c = t.open();
    t.write(c.store, traffic(NOV, NOV + 20 * DAY + 12 * 3_600_000));
    c.rollup.drain();
    const live = c.usage.evaluate({ month: '2026-11', now: NOW });
    // Two OPDs (two uplink sets), each with the 24 days that ended by NOW; none for today.
    expect(t.storedRows(c.store)).toBe(2 * 24);
    c.store.close();
    const stored = t.month(false);
    expect(stored.report).toEqual(live);
    expect(stored).toEqual(t.month(true));
    expect(BigInt(live.opds[0].inBytes)).toBeGreaterThan(10n ** 9n);

    // Proof that the rows are what is read: without any bucket, the month is unchanged.
    const store = openStore(t.file);
    const usage = new UsageService(t.cfg, store, new Rollup(store, { maxGapMs: 600_000 }), { drain: false });
    store.db.exec('BEGIN; DELETE FROM usage5m');
    expect(usage.evaluate({ month: '2026-11', now: NOW }).opds).toEqual(live.opds);
    store.db.exec('ROLLBACK');
  });

  it('follow late and out-of-order batches, in-order samples folded at merge, and pruning', () => {
    const t = setup();
    const c = t.open();
    const samples = traffic(NOV, NOV + 20 * DAY + 12 * 3_600_000);
    // Hold back a stretch of 5 November and every sample of 12 November's afternoon: they come late.
    const late = samples.filter((x) => (x.ts >= NOV + 4 * DAY + 3_600_000 && x.ts < NOV + 4 * DAY + 5 * 3_600_000) || (x.ts >= NOV + 11 * DAY + 14 * 3_600_000 && x.ts < NOV + 11 * DAY + 20 * 3_600_000));
    t.write(c.store, samples.filter((x) => !late.includes(x)));
    c.rollup.drain();
    const before = c.usage.evaluate({ month: '2026-11', now: NOW });
    expect(t.storedRows(c.store)).toBe(2 * 24);

    // Out of order, in two batches (the rollup's recompute); one of them with a reboot of r1.
    t.write(c.store, late.filter((x) => x.ts < NOV + 10 * DAY));
    const reboot = late.filter((x) => x.ts >= NOV + 10 * DAY).map((x) => (x.device === 'r1' && x.ts >= NOV + 11 * DAY + 17 * 3_600_000 ? { ...x, inOctets: x.inOctets - 10n ** 12n } : x));
    t.write(c.store, reboot);
    c.rollup.drain();
    expect(c.store.staging.folds.recomputed).toBeGreaterThan(0);
    c.store.close();
    const afterLate = t.month(false);
    expect(afterLate).toEqual(t.month(true));
    expect(afterLate.report.opds[0].coverage).toBeGreaterThan(before.opds[0].coverage); // the late samples show

    // In order after the newest sample: the fold at merge adds to 21 November, a stored (ended) day.
    const d = t.open();
    const folded = d.store.staging.folds.folded;
    const more = traffic(NOV + 20 * DAY + 12 * 3_600_000, NOV + 20 * DAY + 18 * 3_600_000, 0n).map((x) => ({ ...x, inOctets: x.inOctets + 10n ** 13n, outOctets: x.outOctets + 10n ** 13n }));
    t.write(d.store, more);
    d.store.settle();
    expect(d.store.staging.folds.folded).toBeGreaterThan(folded);
    d.rollup.drain();
    d.store.close();
    const afterFold = t.month(false);
    expect(afterFold).toEqual(t.month(true));
    expect(afterFold.daily[0].days[20].bytes).not.toBe(afterLate.daily[0].days[20].bytes);

    // Stored again by the collector, then pruned: buckets before the cut (8 November 10:00 WIB) go, and the days they reach.
    const e = t.open();
    e.usage.evaluate({ month: '2026-11', now: NOW });
    expect(t.storedRows(e.store)).toBe(2 * 24);
    e.store.prune(NOW, 1, 17);
    expect(Number(e.store.db.prepare('SELECT min(day) FROM usage_day').pluck().get())).toBeGreaterThanOrEqual(NOW - 17 * DAY);
    e.store.close();
    const afterPrune = t.month(false);
    expect(afterPrune).toEqual(t.month(true));
    expect(afterPrune.report.opds[0].inBytes).not.toBe(afterFold.report.opds[0].inBytes);
  });

  it('are deleted for a rebuilt day also when another connection stored them', () => {
    const t = setup();
    const collector = t.open();
    t.write(collector.store, traffic(NOV, NOV + 10 * DAY));
    collector.rollup.drain(); // the collector's connection has looked at the stored days: none
    // Another process (a report run with its own rollup) stores the days.
    const other = t.open();
    other.usage.evaluate({ month: '2026-11', now: NOW });
    expect(t.storedRows(other.store)).toBe(2 * 24);
    other.store.close();
    // A late sample inside 3 November reaches the collector (r2 between two known samples, higher than both: a reset).
    const at = NOV + 2 * DAY + 7 * 3_600_000 + 60_000;
    t.write(collector.store, [s('r2', at, 10n ** 14n, 10n ** 14n)]);
    collector.rollup.drain();
    expect(t.storedRows(collector.store)).toBe(2 * 24 - 2);
    collector.store.close();
    expect(t.month(false)).toEqual(t.month(true));
  });

  it('are rebuilt for a store that predates the table, with the same figures', () => {
    const t = setup();
    const c = t.open();
    t.write(c.store, traffic(NOV, NOV + 6 * DAY));
    c.rollup.drain();
    const live = c.usage.evaluate({ month: '2026-11', now: NOW });
    c.store.db.exec('DROP TABLE usage_day');
    c.store.close();
    const reopened = t.open(); // creates the table, empty
    expect(t.storedRows(reopened.store)).toBe(0);
    expect(reopened.usage.evaluate({ month: '2026-11', now: NOW })).toEqual(live);
    expect(t.storedRows(reopened.store)).toBe(2 * 24);
    reopened.store.close();
    expect(t.month(false).report).toEqual(live);
  });

  it('are not needed for the figures: with the write lock held elsewhere the month is read and nothing is stored', () => {
    const t = setup();
    const c = t.open();
    t.write(c.store, traffic(NOV, NOV + 3 * DAY));
    c.rollup.drain();
    c.store.db.exec('PRAGMA busy_timeout = 0');
    const other = openStore(t.file);
    other.db.exec('BEGIN IMMEDIATE');
    let u;
    try {
      u = c.usage.evaluate({ month: '2026-11', now: NOW, drain: false });
      expect(c.usage.days.unsaved).toBeGreaterThan(0);
    } finally {
      other.db.exec('ROLLBACK');
      other.close();
    }
    expect(t.storedRows(c.store)).toBe(0);
    c.store.close();
    expect(u).toEqual(t.month(true).report);
  });
});
