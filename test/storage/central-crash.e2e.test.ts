// The real `pantau collector` process, killed with SIGKILL while the central store is down:
// what it acknowledged waits in the mirror's spool on disk, and once the store is up after the
// restart every point arrives, each once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AGENT_TOKEN, VIEWER_TOKEN } from '../helpers/collector.js';
import { freeTcpPort, healthy, spawnPantau, until, writeConfig, type Proc } from '../helpers/processes.js';
import { startVictoriaMetrics, type VictoriaMetrics } from '../helpers/victoria-metrics.js';

const dir = mkdtempSync(join(tmpdir(), 'pantau-central-crash-'));
const procs: Proc[] = [];
let vm: VictoriaMetrics | undefined;
afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  await vm?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('central store across a collector crash', () => {
  it('sends every point acknowledged before a SIGKILL, once, when the store comes up after the restart', async () => {
    const [port, vmPort] = [await freeTcpPort(), await freeTcpPort()];
    const cfg = writeConfig(dir, 'collector.yaml', `
timezone: Asia/Jakarta
deployment: kab-crash
listen: 127.0.0.1:${port}
store: { sqlite: ${JSON.stringify(join(dir, 'pantau.db'))}, influx: { url: "http://127.0.0.1:${vmPort}", database: pantau } }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} } ] }
agents: [ { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [r1] } ]
opds: [ { id: dinkes, name: Dinas Kesehatan } ]
devices: [ { id: r1, opd: dinkes, kind: server, address: 127.0.0.1 } ]
`);
    const url = `http://127.0.0.1:${port}`;
    const ingest = (batch: string, from: number, n: number, t0: number) =>
      fetch(url + '/api/v1/ingest', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` },
        body: JSON.stringify({ agent: 'a1', batch, samples: Array.from({ length: n }, (_, i) => ({ type: 'ping', device: 'r1', ts: t0 + (from + i) * 1000, up: true, rttMs: from + i })) }),
      });
    const t0 = Date.now() - 20 * 60_000;

    const first = spawnPantau(['collector', '--config', cfg]);
    procs.push(first);
    await healthy(url);
    for (let b = 0; b < 3; b++) expect((await ingest(`k-${b}`, b * 20, 20, t0)).status).toBe(200);
    expect(await first.stop('SIGKILL')).toBeNull();

    const second = spawnPantau(['collector', '--config', cfg]);
    procs.push(second);
    await healthy(url);
    expect((await ingest('k-after', 60, 1, t0)).status).toBe(200);
    vm = await startVictoriaMetrics(vmPort);
    const s = await until(async () => {
      const [x] = await vm!.exportSeries('pantau_ping_rtt_ms{deployment="kab-crash"}');
      return x?.values.length >= 61 ? x : undefined;
    }, 60_000, '61 pings in VictoriaMetrics');
    const pairs = s.timestamps.map((t, i) => [t, s.values[i]]).sort((a, b) => a[0] - b[0]);
    expect(pairs).toEqual(Array.from({ length: 61 }, (_, i) => [t0 + i * 1000, i]));
    expect(second.log()).toMatch(/points spooled before the restart will be sent first/);
  }, 120_000);
});
