// deploy/grafana/pantau-central.json against a real influxd holding what two real collectors
// (two deployments) mirrored: every InfluxQL query of the dashboard, its Grafana macros
// substituted, returns the series an operator expects, and only those of the chosen deployment.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInfluxd, type Influxd } from '../../bench/harness/influxd.js';
import { AGENT_TOKEN, startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import { until } from '../helpers/processes.js';

interface Target { refId: string; query: string }
interface Panel { title: string; type: string; targets?: Target[]; panels?: Panel[] }
type Series = { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] };

const dashboard = JSON.parse(readFileSync(new URL('../../deploy/grafana/pantau-central.json', import.meta.url), 'utf8')) as {
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string }[] };
};
const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.targets);
const queries = panels.flatMap((p) => p.targets!.map((t) => ({ key: `${p.title} ${t.refId}`, query: t.query })));

/** What Grafana does before it sends a query (one deployment and one OPD chosen). */
const substitute = (q: string, deployment = 'kab-uji', opd = 'dinkes') =>
  q.replaceAll('$timeFilter', 'time >= now() - 3h').replaceAll('$__interval', '5m').replaceAll('$deployment', deployment).replaceAll('$opd', opd);

let influx: Influxd;
let a: TestCollector;
let b: TestCollector;
const storeOf = (deployment: string) => (sqlite: string) =>
  testConfigYaml(sqlite, `deployment: ${deployment}\n`).replace(/store: \{ sqlite: ([^}]+) \}/, `store: { sqlite: $1, influx: { url: "${influx.url}", database: central } }`);
const drained = (c: TestCollector) => until(async () => /^pantau_influx_points_queued 0$/m.test(await (await fetch(c.url + '/metrics')).text()), 30_000, 'the mirror spool to empty');

beforeAll(async () => {
  influx = await startInfluxd();
  a = await startTestCollector(storeOf('kab-uji'));
  b = await startTestCollector(storeOf('kota-lain'));
  const t0 = Math.floor((Date.now() - 40 * 60_000) / 300_000) * 300_000; // on a 5-minute boundary: GROUP BY time(5m) is fixed
  const iface = Array.from({ length: 31 }, (_, i) => ({ type: 'iface', device: 'r1', interface: 'ether1', ts: t0 + i * 60_000, inOctets: String(10n ** 12n + BigInt(i) * 7_500_000_000n), outOctets: String(i * 1000), bits: 64 }));
  const pings = [true, true, false, true].map((up, i) => ({ type: 'ping', device: 'r1', ts: t0 + i * 60_000, up, rttMs: 1 }));
  const polls = [0, 1].map((i) => ({ type: 'poll', device: 'r1', ts: t0 + i * 60_000, ok: true, durationMs: 20 }));
  const backups = [
    { type: 'backup', opd: 'dinkes', ts: t0, ok: true, bytes: '5000000000' },
    { type: 'backup', opd: 'dinkes', ts: t0 + 600_000, ok: false, bytes: '1000' },
  ];
  expect((await a.post('/api/v1/ingest', { agent: 'a1', batch: 'g-1', samples: [...iface, ...pings, ...polls, ...backups] }, AGENT_TOKEN)).status).toBe(200);
  a.rollup.drain();
  // The other deployment: the same device ids, all down, so a leak across deployments shows.
  const down = [0, 1, 2].map((i) => ({ type: 'ping', device: 'r1', ts: t0 + i * 60_000, up: false }));
  expect((await b.post('/api/v1/ingest', { agent: 'a1', batch: 'g-2', samples: [...down, { type: 'backup', opd: 'dinkes', ts: t0, ok: true, bytes: '7' }] }, AGENT_TOKEN)).status).toBe(200);
  await drained(a);
  await drained(b);
}, 90_000);
afterAll(async () => {
  await a?.cleanup();
  await b?.cleanup();
  await influx?.stop();
});

async function run(q: string): Promise<Series[]> {
  const r = (await influx.query(q, 'central')) as { results: { series?: Series[]; error?: string }[] };
  if (r.results[0].error) throw new Error(`${q}: ${r.results[0].error}`);
  return r.results[0].series ?? [];
}
const rows = (s: Series) => s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])));

/** Per query: what its series must be (tags, then the figures). */
const expected: Record<string, (s: Series[]) => void> = {
  'Volume per OPD (uplink) dalam rentang waktu A': (s) => {
    expect(s.map((x) => x.tags)).toEqual([{ deployment: 'kab-uji', opd: 'dinkes' }]);
    expect(rows(s[0])[0]).toMatchObject({ in_bytes: 225_000_000_000, out_bytes: 30_000 });
  },
  'Volume per OPD (uplink) dalam rentang waktu B': (s) => {
    expect(s.map((x) => x.tags)).toEqual([{ deployment: 'kab-uji', opd: 'dinkes' }]);
    expect(rows(s[0])[0]).toMatchObject({ quota_volume_bytes: 100_000_000_000, quota_rate_bps: 100_000_000 });
  },
  'Laju per OPD / Rate per OPD (uplinks) A': (s) => {
    expect(s.map((x) => x.tags)).toEqual([{ deployment: 'kab-uji', opd: 'dinkes' }]);
    const inBps = rows(s[0]).map((r) => r.in_bps as number);
    // 7.5 GB a minute is 1 Gbit/s: every full 5-minute bucket says so, none says more.
    expect(Math.max(...inBps)).toBe(1e9);
    expect(inBps.filter((v) => v === 1e9).length).toBe(6);
  },
  'Laju per OPD / Rate per OPD (uplinks) B': (s) => {
    expect(s.map((x) => x.tags)).toEqual([{ deployment: 'kab-uji', opd: 'dinkes' }]);
    expect(rows(s[0]).some((r) => r.quota_rate_bps === 100_000_000)).toBe(true);
  },
  'Up-time perangkat (ping) / Device up-time A': (s) => {
    expect(s.map((x) => x.tags)).toEqual([{ deployment: 'kab-uji', opd: 'dinkes', device: 'r1' }]);
    expect(rows(s[0])[0]).toMatchObject({ uptime_pct: 75, probes: 4 });
  },
  'Up-time per OPD over time A': (s) => {
    expect(s.map((x) => x.tags)).toEqual([{ deployment: 'kab-uji', opd: 'dinkes' }]);
    expect(rows(s[0]).map((r) => r.uptime_pct)).toEqual([75]); // four probes in one 5-minute interval, one unanswered
  },
  'Up-time per OPD over time B': (s) => {
    expect(s.map((x) => x.tags)).toEqual([{ deployment: 'kab-uji', opd: 'dinkes' }]);
    expect(rows(s[0]).map((r) => r.poll_ok_pct)).toEqual([100]);
  },
  'Cadangan per OPD / Backups per OPD A': (s) => {
    expect(s.map((x) => x.tags)).toEqual([{ deployment: 'kab-uji', opd: 'dinkes' }]);
    expect(rows(s[0])[0]).toMatchObject({ last_ok: 0, runs: 2, good_runs: 1 });
  },
  'Cadangan per OPD / Backups per OPD B': (s) => {
    expect(rows(s[0])[0]).toMatchObject({ last_bytes: 1000 });
  },
  'Ukuran cadangan / Backup size A': (s) => {
    expect(s.map((x) => x.tags)).toEqual([{ deployment: 'kab-uji', opd: 'dinkes' }]);
    expect(rows(s[0]).map((r) => r.bytes)).toEqual([5_000_000_000]);
  },
};

describe('Grafana dashboard for the central store', () => {
  it('has an expectation for every query it holds, and no query left with an unknown macro', () => {
    expect(queries.map((q) => q.key).sort()).toEqual(Object.keys(expected).sort());
    for (const q of queries) expect(substitute(q.query), q.key).not.toMatch(/\$\w/); // `$/` closes a regex: not a macro
  });

  it.each(queries)('$key returns the expected series of the chosen deployment and OPD', async ({ key, query }) => {
    expected[key](await run(substitute(query)));
  });

  it('offers both deployments, and the OPDs of the chosen one', async () => {
    const vars = Object.fromEntries(dashboard.templating.list.filter((v) => v.type === 'query').map((v) => [v.name, v.query]));
    // Grafana takes the distinct values over every series (measurement) of the answer.
    const values = async (q: string) => [...new Set((await run(substitute(q))).flatMap((x) => x.values.map((v) => v[1])))].sort();
    expect(await values(vars.deployment)).toEqual(['kab-uji', 'kota-lain']);
    expect(await values(vars.opd)).toEqual(['bappeda', 'dinkes']);
  });

  it('with "All" deployments (Grafana sends .*) the up-time table shows each deployment apart', async () => {
    const q = queries.find((x) => x.key === 'Up-time perangkat (ping) / Device up-time A')!.query;
    const s = await run(substitute(q, '.*'));
    expect(s.map((x) => [x.tags!.deployment, rows(x)[0].uptime_pct])).toEqual([['kab-uji', 75], ['kota-lain', 0]]);
  });
});
