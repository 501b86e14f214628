// What ingest refuses or sets aside is said where people look: counted in /metrics, shown on
// /status for the hour, and logged once per device and kind per hour, not once per batch.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, type Collector } from '../../collector/main.js';
import { parseCollectorConfig } from '../../config/collector.js';
import { AGENT_TOKEN, testConfigYaml, VIEWER_TOKEN } from '../helpers/collector.js';

let c: Collector;
let dir: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pantau-notes-'));
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  c = await startCollector(parseCollectorConfig('test.yaml', testConfigYaml(join(dir, 'pantau.db'))), { logger: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await c?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const post = (samples: unknown[]) =>
  fetch(`${c.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` },
    body: JSON.stringify({ agent: 'a1', batch: `n-${++n}`, samples }),
  });
const fortigatePort = (k: number) => ({ type: 'iface', device: 'r2', interface: `port${k}`, ts: Date.now() - 1000 - k, inOctets: '1', outOctets: '2', bits: 64, speedBps: 4294967295e6 });

describe('ingest notes', () => {
  it('logs a device\'s set-aside fields once per hour however many batches carry them, and each other device once too', async () => {
    for (let b = 0; b < 5; b++) expect((await post([fortigatePort(b * 2), fortigatePort(b * 2 + 1)])).status).toBe(200);
    expect((await post([{ type: 'iface', device: 'r1', interface: 'e1', ts: Date.now() - 500, inOctets: '-1', outOctets: '0', bits: 64 }])).status).toBe(200);
    const said = lines.filter((l) => l.component === 'ingest');
    expect(said.map((l) => [l.device, l.field ?? l.reason])).toEqual([
      ['r2', 'speedBps'],
      ['r1', 'invalid_counter'],
    ]);
    const m = await (await fetch(`${c.url}/metrics`)).text();
    expect(m).toMatch(/pantau_ingest_fields_set_aside_total\{agent="a1",field="speedBps"\} 10/);
    expect(m).toMatch(/pantau_ingest_samples_refused_total\{agent="a1",reason="invalid_counter"\} 1/);
    const st = (await (await fetch(`${c.url}/api/v1/status`, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } })).json()) as { devices: { id: string; warnings: string[] }[] };
    expect(st.devices.find((d) => d.id === 'r2')!.warnings).toEqual([expect.stringMatching(/^ingest: speedBps set aside on 10 samples within the hour/)]);
  });

  it('logs a refused request with its request id and the server\'s bindings (the request\'s logger is made when it logs)', async () => {
    const before = lines.length;
    const r = await fetch(`${c.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` }, body: JSON.stringify({ agent: 'a2', batch: 'not-mine', samples: [] }) });
    expect(r.status).toBe(403);
    const line = lines.slice(before).find((l) => l.code === 'PANTAU_FORBIDDEN');
    expect(line).toMatchObject({ component: 'http', status: 403, url: '/api/v1/ingest', reqId: expect.stringMatching(/./) });
  });
});
