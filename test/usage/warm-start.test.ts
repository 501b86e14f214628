// A collector with its background work answers its first /usage from a warm cache: this month's
// days are read into the usage cache at start, before any request is handled (the wall's first
// /usage after a restart would otherwise evaluate every OPD cold). The test starts a real
// collector on a store that already holds the month's samples (nothing staged or dirty, so its
// timers have nothing to do), and looks at the cache before any request is made.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCollectorConfig } from '../../config/collector.js';
import { monthRange } from '../../collector/accounting/months.js';
import { startCollector, type Collector } from '../../collector/main.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { localDayStart } from '../../collector/usage/day-cache.js';
import { UsageService } from '../../collector/usage/service.js';
import { silentLogger } from '../../log/logger.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { VIEWER_TOKEN, testConfigHead } from '../helpers/collector.js';
import { tempStores } from '../helpers/temp-store.js';

const TZ = 'Asia/Jakarta';
const DAY = 86_400_000;
const NOV = monthRange('2026-11', TZ).from;
/** 3 November 10:00 WIB. */
const NOW = NOV + 2 * DAY + 10 * 3_600_000;

/** One OPD with one router's uplink and a quota, its store on `file`. */
const configOn = (file: string) =>
  parseCollectorConfig(
    'warm.yaml',
    `${testConfigHead(file)}agents:
  - { id: a1, token: agent-token-test-000001, intervalSeconds: 60, poll: [r1] }
opds:
  - { id: dinkes, name: Dinas Kesehatan, quota: { volumeGB: 100, rateMbps: 100 }, uplinks: [ { device: r1, interface: ether1 } ] }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: 16161 } }
`,
  );

const openStore = tempStores();
let collector: Collector | undefined;
afterEach(async () => {
  await collector?.stop();
  collector = undefined;
});

describe('the usage cache at start', () => {
  it('holds this month before the collector answers, and the first /usage is what an evaluation on another connection gives', async () => {
    const file = openStore.newFile();
    const cfg = configOn(file);
    // Two days and ten hours of 5-minute samples, merged and rolled up before the start.
    const store = openStore(file);
    const rollup = new Rollup(store, { maxGapMs: 600_000, foldOnMerge: true, dayStart: localDayStart(TZ) });
    const samples: IfaceSample[] = [];
    for (let t = NOV, k = 0; t <= NOW - 300_000; t += 300_000, k++)
      samples.push({ type: 'iface', device: 'r1', interface: 'ether1', ts: t, inOctets: BigInt(k) * 1_000_000n, outOctets: BigInt(k) * 10_000n, bits: 64 });
    store.writeBatch('a1', 'b1', samples, NOW);
    rollup.drain();
    store.close();

    collector = await startCollector(cfg, { now: () => NOW, logger: silentLogger(), listen: '127.0.0.1:0' });
    // No request yet: November's days and those of the two months before it (the evaluation's
    // history for its recommendation: evaluation.months defaults to 3) are in the cache.
    expect(collector.usage.days.size).toBe(30 + 31 + 30);

    const res = await fetch(`${collector.url}/api/v1/usage`, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { month: string; opds: { opd: string; status: string; totalBytes: string }[] };
    expect(body.month).toBe('2026-11');
    expect(body.opds.map((o) => o.opd)).toEqual(['dinkes']);
    // The same month evaluated from scratch: another connection, its own cache.
    const other = openStore(file);
    const fresh = new UsageService(cfg, other, new Rollup(other, { maxGapMs: 600_000, dayStart: localDayStart(TZ) }), { drain: false }).evaluate({ now: NOW });
    expect(body.opds[0].totalBytes).toBe(fresh.opds[0].totalBytes);
    expect(body.opds[0].status).toBe(fresh.opds[0].status);
    expect(BigInt(body.opds[0].totalBytes)).toBeGreaterThan(0n);
  });

  it('starts all the same when that evaluation fails (the first /usage is then slower, no more)', async () => {
    const file = openStore.newFile();
    const cfg = configOn(file);
    // A fault injected into the evaluation at start only (a bug, or rows it cannot read).
    const spy = vi.spyOn(UsageService.prototype, 'evaluate').mockImplementationOnce(() => {
      throw new Error('injected evaluation failure');
    });
    try {
      collector = await startCollector(cfg, { now: () => NOW, logger: silentLogger(), listen: '127.0.0.1:0' });
      expect(spy).toHaveBeenCalledTimes(1);
      expect(collector.usage.days.size).toBe(0);
      const res = await fetch(`${collector.url}/api/v1/usage`, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
      expect(res.status).toBe(200); // evaluated on this call instead
      expect(((await res.json()) as { opds: { status: string }[] }).opds[0].status).toBe('no_data');
    } finally {
      spy.mockRestore();
    }
  });
});
