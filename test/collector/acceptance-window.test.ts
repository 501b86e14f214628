// The acceptance window of sample times (issue 8, defect 1): at most 10 minutes ahead of the
// collector's clock, no older than limits.maxSampleAgeDays nor store.rawDays. Each batch here
// holds one sample, so the test holds whether a bad sample refuses its batch or only itself.
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
const post = (col: TestCollector, ts: number) =>
  col.post('/api/v1/ingest', {
    agent: 'a1',
    batch: `w${++seq}`,
    samples: [{ type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: '1000', outOctets: '2000', bits: 64 }],
  });
const rows = (col: TestCollector) => col.store.db.prepare('SELECT count(*) FROM iface_sample').pluck().get() as number;

describe('the acceptance window of sample times', () => {
  it('refuses a sample dated 2020 with a message naming the window, and stores nothing of it', async () => {
    c = await startTestCollector((db) => testConfigYaml(db) + '\nlimits: { maxSampleAgeDays: 7 }\n', { now: () => NOW });
    const res = await post(c, Date.UTC(2020, 0, 1));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; path: string; code: string };
    expect(body.code).toBe('PANTAU_INVALID_SAMPLE');
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
    expect((await post(c, NOW - 7 * DAY)).status).toBe(200);
    expect((await post(c, NOW + 10 * 60_000)).status).toBe(200);
    expect((await post(c, NOW - 7 * DAY - 1)).status).toBe(400);
    const ahead = await post(c, NOW + 10 * 60_000 + 1);
    expect(ahead.status).toBe(400);
    expect(((await ahead.json()) as { error: string }).error).toContain("ahead of the collector's clock");
    expect(rows(c)).toBe(2);
  });

  it('never reaches back beyond store.rawDays, whatever maxSampleAgeDays says', async () => {
    c = await startTestCollector((db) => testConfigYaml(db).replace('store: {', 'store: { rawDays: 2,') + '\nlimits: { maxSampleAgeDays: 30 }\n', { now: () => NOW });
    expect((await post(c, NOW - 2 * DAY)).status).toBe(200);
    const res = await post(c, NOW - 3 * DAY);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('outside the acceptance window 2026-11-30T12:00:00.000Z to');
    expect(rows(c)).toBe(1);
  });

  it('defaults the past limit to store.rawDays (45)', async () => {
    c = await startTestCollector(undefined, { now: () => NOW });
    expect((await post(c, NOW - 45 * DAY)).status).toBe(200);
    expect((await post(c, NOW - 45 * DAY - 1)).status).toBe(400);
  });

  it('reads the window from the injected clock, not the wall clock', async () => {
    const clock = { t: Date.UTC(2030, 0, 15) };
    c = await startTestCollector(undefined, { now: () => clock.t });
    expect((await post(c, clock.t - 60_000)).status).toBe(200);
    expect((await post(c, Date.now())).status).toBe(400);
  });
});
