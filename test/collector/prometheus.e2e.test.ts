// /metrics as an operator's Prometheus sees it: Debian's prometheus scrapes the collector
// (config in a temp folder, 1 s interval) and `promtool check metrics` lints the body.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { freeTcpPort, until } from '../helpers/processes.js';

let c: TestCollector;
let prom: ChildProcess | undefined;
let promUrl: string;
let dir: string;
beforeAll(async () => {
  c = await startTestCollector();
  const ts = Date.now() - 60_000;
  const r = await c.post(
    '/api/v1/ingest',
    {
      agent: 'a1',
      batch: 'prom-1',
      samples: [
        { type: 'iface', device: 'r1', interface: 'ether1', ts, inOctets: '1000', outOctets: '2000', bits: 64 },
        { type: 'ping', device: 'r1', ts, up: true },
        { type: 'ping', device: 'r2', ts, up: true },
      ],
    },
    AGENT_TOKEN,
    { 'x-pantau-spool-bytes': '4096' },
  );
  expect(r.status).toBe(200);
  dir = mkdtempSync(join(tmpdir(), 'pantau-prom-'));
  const port = await freeTcpPort();
  promUrl = `http://127.0.0.1:${port}`;
  const target = new URL(c.url).host;
  writeFileSync(join(dir, 'prometheus.yml'), `global: { scrape_interval: 1s, evaluation_interval: 1s }\nscrape_configs:\n  - job_name: pantau\n    metrics_path: /metrics\n    static_configs: [ { targets: ['${target}'] } ]\n`);
  prom = spawn('/usr/bin/prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=error'], { stdio: 'ignore' });
}, 60_000);
afterAll(async () => {
  if (prom && prom.exitCode === null) {
    const gone = new Promise((r) => prom!.once('exit', r));
    prom.kill('SIGTERM');
    await gone;
  }
  await c?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function query(q: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const r = await fetch(`${promUrl}/api/v1/query?${new URLSearchParams({ query: q })}`);
  const j = (await r.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } };
  return j.status === 'success' ? j.data.result : [];
}

describe('Prometheus scrapes /metrics', () => {
  it('scrapes the collector: up is 1 and the ingest figures are there', async () => {
    const up = await until(async () => (await query('up{job="pantau"}')).find((s) => s.value[1] === '1'), 60_000, 'up{job="pantau"} == 1');
    expect(up.metric.instance).toBe(new URL(c.url).host);
    const byType = await until(async () => {
      const rows = await query('pantau_ingest_samples_by_type_total');
      return rows.length >= 2 ? rows : undefined;
    }, 30_000, 'samples by type');
    expect(Object.fromEntries(byType.map((s) => [s.metric.type, s.value[1]]))).toEqual({ iface: '1', ping: '2' });
    const count = await query('pantau_ingest_request_duration_seconds_count{result="stored"}');
    expect(count.map((s) => s.value[1])).toEqual(['1']);
    const spool = await query('pantau_agent_spool_bytes');
    expect(spool.map((s) => [s.metric.agent, s.value[1]])).toEqual([['a1', '4096']]);
    // The interface sample is in order, so the merge folded it into its buckets (issue 12):
    // nothing waits for the rollup or in staging (the test collector merges before each ack).
    expect((await query('pantau_store_rollup_pending_series')).map((s) => s.value[1])).toEqual(['0']);
    expect((await query('pantau_store_merge_pending_batches')).map((s) => s.value[1])).toEqual(['0']);
  }, 120_000);

  it('promtool check metrics finds nothing to fix in the body', async () => {
    const body = await (await fetch(c.url + '/metrics')).text();
    expect(body).toContain('# TYPE pantau_ingest_request_duration_seconds histogram');
    const r = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
