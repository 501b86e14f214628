// Honest figures through GET /usage, on an injected clock: a month without data is no_data
// (never "ok"/"keep"), a future month is refused, low coverage withholds the recommendation,
// and the current month is in progress with a projection that states its basis.
import { describe, expect, it } from 'vitest';
import type { UsageReport } from '../../protocol/usage.js';
import { AGENT_TOKEN, VIEWER_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';

const yaml = (sqlite: string) => `
timezone: Asia/Jakarta
listen: 127.0.0.1:0
store: { sqlite: ${JSON.stringify(sqlite)} }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} } ] }
agents: [ { id: a1, token: ${AGENT_TOKEN}, poll: [r1, r2] } ]
opds:
  - { id: dinkes, name: Dinas Kesehatan, quota: { volumeGB: 1000, rateMbps: 100 }, uplinks: [ { device: r1, interface: ether1 } ] }
  - { id: bappeda, name: Bappeda, quota: { volumeGB: 1000 }, uplinks: [ { device: r2, interface: ether1 } ] }
devices:
  - { id: r1, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public } }
  - { id: r2, opd: bappeda, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public } }
`;

const DAY = 86_400_000;
/** 1 November 2026, 00:00 in Jakarta. */
const NOV = Date.UTC(2026, 9, 31, 17, 0, 0);

async function at(now: number, fn: (c: TestCollector & { clock: { t: number } }) => Promise<void>): Promise<void> {
  const clock = { t: now };
  const c = Object.assign(await startTestCollector(yaml, { now: () => clock.t }), { clock });
  try {
    await fn(c);
  } finally {
    await c.cleanup();
  }
}

let n = 0;
/** Five-minute samples of `device` ether1 over [from, from + ms) at `bytesPer5m` each step. */
async function feed(c: TestCollector, device: string, from: number, ms: number, bytesPer5m: bigint): Promise<void> {
  const samples = [];
  let v = 10n ** 12n;
  for (let t = from; t <= from + ms; t += 300_000) {
    samples.push({ type: 'iface', device, interface: 'ether1', ts: t, inOctets: v.toString(), outOctets: '0', bits: 64 });
    v += bytesPer5m;
    if (samples.length === 5000) {
      expect((await c.post('/api/v1/ingest', { agent: 'a1', batch: `h${n++}`, samples: samples.splice(0) })).status).toBe(200);
    }
  }
  if (samples.length) expect((await c.post('/api/v1/ingest', { agent: 'a1', batch: `h${n++}`, samples })).status).toBe(200);
}

async function usage(c: TestCollector, q: string): Promise<UsageReport> {
  const r = await c.get(`/api/v1/usage?${q}`);
  expect(r.status).toBe(200);
  return (await r.json()) as UsageReport;
}

describe('honest figures', () => {
  it('gives a month without any data no_data and a withheld recommendation, never ok or keep', () =>
    at(NOV + 20 * DAY, async (c) => {
      await feed(c, 'r1', NOV + 10 * DAY, DAY, 10n ** 8n);
      const oct = await usage(c, 'month=2026-10');
      expect(oct.state).toBe('no_data');
      expect(oct.current).toBe(false);
      for (const o of oct.opds) {
        expect(o.status).toBe('no_data');
        expect(o.recommendation.action).toBe('withheld');
        expect(o.recommendation.reason).toBe('Tidak ada data pemantauan pada bulan ini; alokasi tidak dapat dinilai.');
        expect(o.observedFrom).toBeUndefined();
      }
      // The deployment's first data is stated.
      expect(oct.dataSince).toBe(NOV + 10 * DAY);
    }));

  it('refuses a month that has not begun with 400 and says which months can be asked for', () =>
    at(NOV + 20 * DAY, async (c) => {
      const r = await c.get('/api/v1/usage?month=2026-12');
      expect(r.status).toBe(400);
      expect(await r.json()).toEqual({
        error: 'month: 2026-12 has not begun in Asia/Jakarta; expected this month (2026-11) or an earlier one',
        code: 'PANTAU_BAD_REQUEST',
        path: 'month',
      });
    }));

  it('withholds the recommendation below minCoveragePct and names the unobserved time', () =>
    at(Date.UTC(2026, 11, 5), async (c) => {
      // November: observed from the 20th only (1/3 of the month), far under its quota.
      await feed(c, 'r1', NOV + 20 * DAY, 10 * DAY, 10n ** 7n);
      const nov = await usage(c, 'month=2026-11&opd=dinkes');
      const o = nov.opds[0];
      expect(nov.state).toBe('complete');
      expect(o.status).toBe('ok');
      expect(o.coverage).toBeCloseTo(1 / 3, 2);
      expect(o.recommendation).toMatchObject({ action: 'withheld', coverage: o.coverage });
      expect(o.recommendation.reason.replace(/\u00a0/g, ' ')).toBe('Cakupan data bulan ini 33,3 %, di bawah batas 50,0 % untuk menilai; rekomendasi ditahan.');
      expect(o.unobserved).toEqual([{ from: NOV, to: NOV + 20 * DAY, counted: false }]);
      expect(o.observedFrom).toBe(NOV + 20 * DAY);
    }));

  it('marks the current month in progress, projects after 3 observed days and says on what', () =>
    at(NOV + 4 * DAY, async (c) => {
      // 4 days at 1 GB per 5 minutes on bappeda: 1,152 GB, over its 1,000 GB already.
      // dinkes: 4 days at 0.1 GB per 5 minutes: 115.2 GB, projected 864 GB (86.4 %).
      await feed(c, 'r2', NOV, 4 * DAY, 10n ** 9n);
      await feed(c, 'r1', NOV, 4 * DAY, 10n ** 8n);
      const nov = await usage(c, '');
      expect([nov.month, nov.state, nov.current, nov.generatedAt]).toEqual(['2026-11', 'in_progress', true, NOV + 4 * DAY]);
      const [dinkes, bappeda] = nov.opds;
      expect(bappeda.status).toBe('over');
      expect(dinkes.projection).toEqual({ basisFrom: NOV, basisTo: NOV + 4 * DAY, observedDays: 4, pct: 86.4 });
      expect(dinkes.status).toBe('ok'); // 11.5 % used, projected 86.4 %: not past the quota
      expect(dinkes.recommendation.reason.replace(/\u00a0/g, ' ')).toMatch(/^Sementara, berdasarkan 4 hari data: /);
      expect(dinkes.recommendation.basis.map((b) => [b.month, b.noData ?? false])).toEqual([['2026-11', false], ['2026-10', true], ['2026-09', true]]);
    }));

  it('gives no projection and withholds the recommendation on the first day of a month', () =>
    at(NOV + 14 * 3_600_000, async (c) => {
      await feed(c, 'r1', NOV, 14 * 3_600_000, 10n ** 9n);
      const o = (await usage(c, 'opd=dinkes')).opds[0];
      expect(o.projectedBytes).toBeUndefined();
      expect(o.projection?.reason).toBe('belum diproyeksikan: baru 14 jam dari 3 hari teramati');
      expect(o.recommendation.action).toBe('withheld');
      expect(o.recommendation.reason).toBe('Baru 14 jam data bulan ini; rekomendasi menunggu 3 hari data.');
      expect(o.status).toBe('ok');
    }));
});
