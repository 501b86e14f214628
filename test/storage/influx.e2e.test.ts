// The central-store mirror against a real influxd (Debian's influxdb 1.x) started here:
// line protocol over /write, the `deployment` tag on every point, exact integer counters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../../bench/harness/influxd.js';
import { AGENT_TOKEN, startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import { until } from '../helpers/processes.js';

type Result = { results: { series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[]; error?: string }[] };

let influx: Influxd;
let c: TestCollector;
beforeAll(async () => {
  influx = await startInfluxd();
  c = await startTestCollector((sqlite) =>
    testConfigYaml(sqlite, 'deployment: kab-uji\n').replace(/store: \{ sqlite: ([^}]+) \}/, `store: { sqlite: $1, influx: { url: "${influx.url}", database: pantau } }`),
  );
}, 60_000);
afterAll(async () => {
  await c?.cleanup();
  await influx?.stop();
});

const q = async (text: string) => (await influx.query(text, 'pantau')) as Result;

describe('InfluxDB mirror', () => {
  it('mirrors 5-minute usage buckets with the same bytes as the store, tagged with the deployment and the uplink owner', async () => {
    const t0 = Date.now() - 40 * 60_000;
    const samples = Array.from({ length: 31 }, (_, i) => ({
      type: 'iface', device: 'r1', interface: 'ether1', ts: t0 + i * 60_000, inOctets: String(10n ** 12n + BigInt(i) * 7_500_000_001n), outOctets: String(i * 1000), bits: 64,
    }));
    const r = await c.post('/api/v1/ingest', { agent: 'a1', batch: 'influx-1', samples: [...samples, { type: 'ping', device: 'r1', ts: t0, up: true, rttMs: 0.42 }] }, AGENT_TOKEN);
    expect(r.status).toBe(200);
    c.rollup.drain(); // the test collector runs no rollup timer: the mirror gets the buckets now
    const total = await until(async () => {
      const v = (await q(`SELECT sum(in_bytes) AS s FROM pantau_usage5m WHERE device = 'r1' AND deployment = 'kab-uji' AND uplink = 'true' AND opd = 'dinkes'`)).results[0].series?.[0].values[0][1];
      return v === 30 * 7_500_000_001 ? v : undefined;
    }, 20_000, 'the buckets in InfluxDB');
    expect(total).toBe(225_000_000_030);
    const types = await q('SHOW FIELD KEYS FROM pantau_usage5m');
    expect(Object.fromEntries(types.results[0].series![0].values as [string, string][])).toMatchObject({ in_bytes: 'integer', out_bytes: 'integer', in_bps: 'float' });
    const ping = await q(`SELECT rtt_ms, up FROM pantau_ping WHERE device = 'r1' AND deployment = 'kab-uji'`);
    expect(ping.results[0].series?.[0].values[0].slice(1)).toEqual([0.42, 1]);
  });

  it('writes a byte count above 2^53 exactly (an integer field, not a float)', async () => {
    const r = await c.post('/api/v1/ingest', { agent: 'a1', batch: 'influx-big', samples: [{ type: 'backup', opd: 'dinkes', ts: Date.now() - 5000, ok: true, bytes: '9007199254740993' }] }, AGENT_TOKEN);
    expect(r.status).toBe(200);
    // JSON would round the value itself; the difference is computed by InfluxDB in int64.
    const d = await until(async () => (await q(`SELECT bytes - 9007199254740992 AS d FROM pantau_backup WHERE opd = 'dinkes' AND deployment = 'kab-uji'`)).results[0].series?.[0].values[0][1], 20_000, 'the backup point');
    expect(d).toBe(1);
  });

  it('writes each OPD quota with the deployment, in bytes and bit/s', async () => {
    const rows = await until(async () => (await q(`SELECT last(volume_bytes), last(rate_bps) FROM pantau_quota WHERE deployment = 'kab-uji' GROUP BY opd`)).results[0].series, 20_000, 'the quota points');
    const byOpd = Object.fromEntries(rows.map((s) => [s.tags!.opd, s.values[0].slice(1)]));
    expect(byOpd).toEqual({ dinkes: [100_000_000_000, 100_000_000], bappeda: [null, 50_000_000] });
  });

  it('keeps accepting batches while InfluxDB is down: SQLite is the primary', async () => {
    await influx.stop();
    const r = await c.post('/api/v1/ingest', { agent: 'a1', batch: 'influx-2', samples: [{ type: 'ping', device: 'r1', ts: Date.now() - 1000, up: true }] }, AGENT_TOKEN);
    expect(r.status).toBe(200);
    expect((await fetch(c.url + '/healthz')).status).toBe(200);
    const m = await (await fetch(c.url + '/metrics')).text();
    expect(m).toMatch(/^pantau_influx_points_queued [1-9]/m);
  });
});
