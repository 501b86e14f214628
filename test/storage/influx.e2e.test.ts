// The optional InfluxDB mirror against a real influxd (Debian's influxdb 1.x) started here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../../bench/harness/influxd.js';
import { AGENT_TOKEN, startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import { until } from '../helpers/processes.js';

let influx: Influxd;
let c: TestCollector;
beforeAll(async () => {
  influx = await startInfluxd();
  c = await startTestCollector((sqlite) => testConfigYaml(sqlite).replace(/store: \{ sqlite: ([^}]+) \}/, `store: { sqlite: $1, influx: { url: "${influx.url}", database: pantau } }`));
}, 60_000);
afterAll(async () => {
  await c?.cleanup();
  await influx?.stop();
});

describe('InfluxDB mirror', () => {
  it('mirrors 5-minute usage buckets with the same bytes as the store, and ping samples', async () => {
    const t0 = Date.now() - 40 * 60_000;
    const samples = Array.from({ length: 31 }, (_, i) => ({
      type: 'iface', device: 'r1', interface: 'ether1', ts: t0 + i * 60_000, inOctets: String(10n ** 12n + BigInt(i) * 7_500_000_000n), outOctets: String(i * 1000), bits: 64,
    }));
    const r = await c.post('/api/v1/ingest', { agent: 'a1', batch: 'influx-1', samples: [...samples, { type: 'ping', device: 'r1', ts: t0, up: true, rttMs: 0.42 }] }, AGENT_TOKEN);
    expect(r.status).toBe(200);
    c.rollup.drain(); // the test collector runs no rollup timer: the mirror gets the buckets now
    const total = await until(async () => {
      const res = (await influx.query(`SELECT sum(in_bytes) AS s FROM pantau_usage5m WHERE device = 'r1'`, 'pantau')) as { results: { series?: { values: [string, number][] }[] }[] };
      const v = res.results[0].series?.[0].values[0][1];
      return v === 30 * 7_500_000_000 ? v : undefined;
    }, 20_000, 'the buckets in InfluxDB');
    expect(total).toBe(225_000_000_000);
    const ping = (await influx.query(`SELECT rtt_ms FROM pantau_ping WHERE device = 'r1'`, 'pantau')) as { results: { series?: { values: [string, number][] }[] }[] };
    expect(ping.results[0].series?.[0].values[0][1]).toBe(0.42);
  });

  it('keeps accepting batches while InfluxDB is down: SQLite is the primary', async () => {
    await influx.stop();
    const r = await c.post('/api/v1/ingest', { agent: 'a1', batch: 'influx-2', samples: [{ type: 'ping', device: 'r1', ts: Date.now() - 1000, up: true }] }, AGENT_TOKEN);
    expect(r.status).toBe(200);
    expect((await fetch(c.url + '/healthz')).status).toBe(200);
  });
});
