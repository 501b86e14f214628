// The acceptance window of sample times (issue 8, defect 1): at most 10 minutes ahead of the
// collector's clock, no older than limits.maxSampleAgeDays nor store.rawDays. Each batch here
// holds one sample; a sample outside the window is refused by itself (named in the 200
// acknowledgement, README "One bad value never costs the batch"), the rest of a batch stored.
import { afterEach, describe, expect, it } from 'vitest';
import { startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';

const NOW = Date.UTC(2026, 11, 2, 12, 0, 0);
const DAY = 86_400_000;
let c: TestCollector | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
});

let seq = 0;
interface Refusal { path: string; reason: string; error: string }
/** Posts one sample at `ts`: 'stored', or the refusal the acknowledgement names. */
async function post(col: TestCollector, ts: number): Promise<'stored' | Refusal> {
  const res = await col.post('/api/v1/ingest', {
    agent: 'a1',
    batch: `w${++seq}`,
    samples: [{ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: '1000', outOctets: '2000', bits: 64 }],
  });
  expect(res.status).toBe(200);
  const ack = (await res.json()) as { stored: number; refusedCount?: number; refused?: Refusal[] };
  if (ack.stored === 1) return 'stored';
  expect([ack.stored, ack.refusedCount, ack.refused?.[0].reason]).toEqual([0, 1, 'invalid_timestamp']);
  return ack.refused![0];
}
const refused = (r: 'stored' | Refusal): Refusal => {
  expect(r).not.toBe('stored');
  return r as Refusal;
};
const rows = (col: TestCollector) => col.store.db.prepare('SELECT count(*) FROM iface_sample').pluck().get() as number;

describe('the acceptance window of sample times', () => {
  it('refuses a sample dated 2020 with a message naming the window, and stores nothing of it', async () => {
    c = await startTestCollector((db) => testConfigYaml(db) + '\nlimits: { maxSampleAgeDays: 7 }\n', { now: () => NOW });
    const body = refused(await post(c, Date.UTC(2020, 0, 1)));
    expect(body.path).toBe('samples[0].ts');
    expect(body.error).toBe(
      'samples[0].ts: 2020-01-01T00:00:00.000Z is outside the acceptance window 2026-11-25T12:00:00.000Z to 2026-12-02T12:10:00.000Z ' +
        '(older than the spool age and raw retention: the figures of that time are final)',
    );
    expect(rows(c)).toBe(0);
    c.rollup.drain();
    expect(c.store.db.prepare('SELECT count(*) FROM usage5m').pluck().get()).toBe(0);
  });

  it('accepts samples up to limits.maxSampleAgeDays old and up to 10 minutes ahead, and refuses beyond', async () => {
    c = await startTestCollector((db) => testConfigYaml(db) + '\nlimits: { maxSampleAgeDays: 7 }\n', { now: () => NOW });
    expect(await post(c, NOW - 7 * DAY)).toBe('stored');
    expect(await post(c, NOW + 10 * 60_000)).toBe('stored');
    refused(await post(c, NOW - 7 * DAY - 1));
    expect(refused(await post(c, NOW + 10 * 60_000 + 1)).error).toContain("ahead of the collector's clock");
    expect(rows(c)).toBe(2);
  });

  it('never reaches back beyond store.rawDays, whatever maxSampleAgeDays says', async () => {
    c = await startTestCollector((db) => testConfigYaml(db).replace('store: {', 'store: { rawDays: 2,') + '\nlimits: { maxSampleAgeDays: 30 }\n', { now: () => NOW });
    expect(await post(c, NOW - 2 * DAY)).toBe('stored');
    expect(refused(await post(c, NOW - 3 * DAY)).error).toContain('outside the acceptance window 2026-11-30T12:00:00.000Z to');
    expect(rows(c)).toBe(1);
  });

  it('defaults the past limit to store.rawDays (45)', async () => {
    c = await startTestCollector(undefined, { now: () => NOW });
    expect(await post(c, NOW - 45 * DAY)).toBe('stored');
    refused(await post(c, NOW - 45 * DAY - 1));
  });

  it('reads the window from the injected clock, not the wall clock', async () => {
    const clock = { t: Date.UTC(2030, 0, 15) };
    c = await startTestCollector(undefined, { now: () => clock.t });
    expect(await post(c, clock.t - 60_000)).toBe('stored');
    refused(await post(c, Date.now()));
  });
});
