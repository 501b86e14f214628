// A long gap through the collector: its bytes are counted, its time is "spanned, rates unknown"
// on /usage and /series, and it is stored in a handful of rows (issue 8, defect 1c). Pruning
// through the collector makes the days before the cut final.
import { afterEach, describe, expect, it } from 'vitest';
import type { UsageReport } from '../../protocol/usage.js';
import { monthRange } from '../../collector/accounting/months.js';
import { startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import { rawCount } from '../helpers/raw-samples.js';

const DAY = 86_400_000;
const NOV = monthRange('2026-11', 'Asia/Jakarta').from;
let c: TestCollector | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

let n = 0;
async function feed(col: TestCollector, from: number, to: number, start: bigint): Promise<bigint> {
  const samples = [];
  let v = start;
  for (let t = from; t <= to; t += 300_000, v += 10n ** 8n)
    samples.push({ type: 'iface', device: 'r1', interface: 'ether1', ts: t, inOctets: v.toString(), outOctets: '0', bits: 64 });
  expect((await col.post('/api/v1/ingest', { agent: 'a1', batch: `g${n++}`, samples })).status).toBe(200);
  return v - 10n ** 8n;
}

describe('a long gap through the collector', () => {
  it('counts its bytes, reports it as spanned on /usage and as unknown rates on /series, in a few rows', async () => {
    const clock = { t: NOV + 20 * DAY };
    c = await startTestCollector(undefined, { now: () => clock.t });
    const last = await feed(c, NOV + DAY, NOV + 2 * DAY, 10n ** 12n);
    // Silent for four days; the counter moved 4 TB meanwhile.
    await feed(c, NOV + 6 * DAY, NOV + 7 * DAY, last + 4n * 10n ** 12n);
    c.rollup.drain();
    // 2 × 289 covered buckets, the gap's two edge buckets and one row per local day between.
    const rows = c.store.db.prepare('SELECT count(*) FROM usage5m').pluck().get() as number;
    expect(rows).toBeLessThan(2 * 289 + 10);
    const r = await c.get('/api/v1/usage?month=2026-11&opd=dinkes');
    expect(r.status).toBe(200);
    const o = ((await r.json()) as UsageReport).opds[0];
    expect(BigInt(o.inBytes)).toBe(2n * 288n * 10n ** 8n + 4n * 10n ** 12n);
    expect(o.unobserved).toContainEqual({ from: NOV + 2 * DAY, to: NOV + 6 * DAY, counted: true });
    const s = await c.get(`/api/v1/series?device=r1&interface=ether1&from=${NOV + 3 * DAY}&to=${NOV + 3 * DAY + 3600_000}&step=300`);
    const pts = ((await s.json()) as { points: { ts: number; inBps: number; coverage: number }[] }).points;
    expect(pts).toHaveLength(12);
    for (const p of pts) {
      expect(p.coverage).toBe(0);
      expect(p.inBps).toBeCloseTo((4e12 * 8) / (4 * 86_400), -3); // the gap's bytes spread over its time
    }
  });

  it('makes the days before rawDays final when the collector prunes', async () => {
    const clock = { t: NOV + 19.5 * DAY };
    c = await startTestCollector((db) => testConfigYaml(db).replace('store: {', 'store: { rawDays: 2,'), { now: () => clock.t });
    await feed(c, NOV + 17.6 * DAY, NOV + 19.4 * DAY, 10n ** 12n);
    clock.t = NOV + 20.5 * DAY;
    c.prune(clock.t);
    expect(c.rollup.finalBefore()).toBe(NOV + 18 * DAY);
    expect(rawCount(c.store, Number.MIN_SAFE_INTEGER, NOV + 18 * DAY)).toBe(1);
  });
});
