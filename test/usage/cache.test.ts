// The evaluation keeps per-day sums in memory; late and out-of-order samples must show at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import type { UsageReport } from '../../protocol/usage.js';

let c: TestCollector;
let n = 0;
/** The collector's clock: late November 2026, so the samples below lie in its acceptance window whatever the date. */
const NOW = Date.UTC(2026, 10, 25, 3, 0, 0);
beforeAll(async () => {
  c = await startTestCollector(undefined, { now: () => NOW });
});
afterAll(async () => c?.cleanup());

const day = Date.UTC(2026, 10, 10, 3, 0, 0); // 10 November, 10:00 WIB
const s = (ts: number, v: bigint) => ({ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: v.toString(), outOctets: '0', bits: 64 });
const post = async (samples: unknown[]) => expect((await c.post('/api/v1/ingest', { agent: 'a1', batch: `c${n++}`, samples })).status).toBe(200);
const total = async () => BigInt(((await (await c.get('/api/v1/usage?month=2026-11')).json()) as UsageReport).opds[0].inBytes);

describe('the per-day cache of the evaluation', () => {
  it('shows samples that arrive after a day was evaluated, late or out of order', async () => {
    await post([s(day, 0n), s(day + 600_000, 1_000_000n)]);
    expect(await total()).toBe(1_000_000n);
    // A later sample the same day.
    await post([s(day + 1_200_000, 3_000_000n)]);
    expect(await total()).toBe(3_000_000n);
    // A late sample between two known ones (a replayed spool): the total stays the counters' span.
    await post([s(day + 300_000, 400_000n)]);
    expect(await total()).toBe(3_000_000n);
    // An earlier day arriving late.
    await post([s(day - 2 * 86_400_000, 0n), s(day - 2 * 86_400_000 + 60_000, 0n)]);
    await post([s(day - 86_400_000, 0n)]);
    // The pair from the day before to `day` adds nothing (counter 0 → 0), the daily chart agrees.
    expect(await total()).toBe(3_000_000n);
    const [d] = c.usage.daily('2026-11');
    expect(d.days[9].bytes).toBe('3000000');
    expect(d.days.reduce((a, x) => a + BigInt(x.bytes), 0n)).toBe(3_000_000n);
    // A reboot later that day: counting the new value.
    await post([s(day + 1_800_000, 500n)]);
    expect(await total()).toBe(3_000_500n);
  });
});

describe('a collector whose cache was filled before any sample existed', () => {
  it('counts an uplink whose first samples arrive after the evaluation ran', async () => {
    const fresh = await startTestCollector(undefined, { now: () => NOW });
    try {
      const empty = (await (await fresh.get('/api/v1/usage?month=2026-11')).json()) as UsageReport;
      expect(empty.opds[0].inBytes).toBe('0');
      const t = Date.UTC(2026, 10, 12, 3, 0, 0);
      await fresh.post('/api/v1/ingest', { agent: 'a1', batch: 'late', samples: [s(t, 10n), s(t + 60_000, 7_777n)] });
      const u = (await (await fresh.get('/api/v1/usage?month=2026-11')).json()) as UsageReport;
      expect(u.opds[0].inBytes).toBe('7767');
    } finally {
      await fresh.cleanup();
    }
  });
});
