// Issue 8, defect 3 (acceptance): 1,100 slow connections against `pantau collector` limited
// to 1,024 open files, as under systemd's default. An attacker process (slowloris.mjs) keeps
// them open: half send their headers a byte a second, half a whole ingest header with a valid
// token (agent a2's) and then a body a byte a second; each closed one is opened again every second.
// Meanwhile /healthz answers a new connection within 100 ms, and ingest still works. Before
// the fix, probes went unanswered (the collector's file descriptors were all taken).
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PANTAU, ROOT } from '../helpers/cli.js';
import { AGENT_TOKEN, OTHER_AGENT_TOKEN, testConfigYaml } from '../helpers/collector.js';
import { until, writeConfig } from '../helpers/processes.js';

const SLOW = 1100;
const ADDRESSES = 11; // 127.0.0.2 … 127.0.0.12, 100 connections each
const ATTACKER = fileURLToPath(new URL('./slowloris.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pantau-slow-'));
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children.reverse()) {
    if (c.exitCode !== null || c.signalCode !== null) continue;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** GET /healthz on a new connection; resolves with the status and the milliseconds taken. */
function probe(port: number): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', () => resolve({ status: 0, ms: performance.now() - t0 }));
  });
}

function start(cmd: string, args: string[]): { child: ChildProcess; out: () => string } {
  const child = spawn(cmd, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, PANTAU_LOG_LEVEL: 'info' } });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return { child, out: () => out };
}

describe('slow connections', () => {
  it('keep /healthz answering within 100 ms with 1,100 open and the collector limited to 1,024 files', async () => {
    const cfg = writeConfig(dir, 'collector.yaml', testConfigYaml(join(dir, 'pantau.db')));
    const collector = start('prlimit', ['--nofile=1024:1024', process.execPath, PANTAU, 'collector', '--config', cfg]);
    const url = (await until(() => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(collector.out()), 60_000, 'the collector to listen'))[1];
    const port = Number(new URL(url).port);
    expect(readFileSync(`/proc/${collector.child.pid}/limits`, 'utf8')).toMatch(/^Max open files\s+1024\s+1024/m);
    expect((await probe(port)).status).toBe(200);

    // A control: an idle HTTP server in a process of its own, probed the same way. On a shared
    // test machine the scheduler's delays hit both alike; the difference is the attack's.
    const control = start(process.execPath, ['-e', "const s=require('http').createServer((q,r)=>r.end('ok')).listen(0,'127.0.0.1',()=>console.log('port '+s.address().port))"]);
    const controlPort = Number((await until(() => /port (\d+)/.exec(control.out()), 10_000, 'the control server'))[1]);

    const attacker = start(process.execPath, [ATTACKER, String(port), String(SLOW), String(ADDRESSES), OTHER_AGENT_TOKEN, '60']);
    const rounds = () => [...attacker.out().matchAll(/^round (\d+)/gm)].length;
    await until(() => rounds() >= 2, 60_000, 'the attack to be in place');

    // Seven probes, each after another second of the attack.
    const cpu = () => readFileSync(`/proc/${collector.child.pid}/stat`, 'utf8').split(') ')[1].split(' ').slice(11, 13).reduce((a, x) => a + Number(x), 0);
    const cpu0 = cpu();
    const t0 = performance.now();
    const probes: { status: number; ms: number }[] = [];
    const controls: number[] = [];
    for (let k = 0; k < 7; k++) {
      const r0 = rounds();
      await until(() => rounds() > r0, 10_000, 'a round of the attack', 20);
      // Half-way to the next round, as a monitor unaware of the attacker's rhythm would land on
      // average (right after a round, the probe queues behind ~500 reconnects; see SECURITY.md).
      await new Promise((r) => setTimeout(r, 500));
      probes.push(await probe(port));
      controls.push((await probe(controlPort)).ms);
    }
    // CPU time of the collector over the probes, in percent of one core (clock ticks of 10 ms).
    const cpuPct = ((cpu() - cpu0) * 10 * 100) / (performance.now() - t0);
    expect(probes.map((p) => p.status)).toEqual(probes.map(() => 200));
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // Within 100 ms beyond what the machine's load costs an idle server (the control's median).
    expect(median(probes.map((p) => p.ms))).toBeLessThan(100 + median(controls));
    expect(cpuPct).toBeLessThan(50); // measured about 10 %: the attack costs the collector little

    // Ingest works too, on a connection of its own.
    const res = await fetch(url + '/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` },
      body: JSON.stringify({ agent: 'a1', batch: 'during-attack', samples: [{ type: 'ping', device: 'r1', ts: Date.now() - 1000, up: true }] }),
    });
    expect(res.status).toBe(200); // the attacker spends a2's token, not a1's
    const metrics = await (await fetch(url + '/metrics')).text();
    expect(Number(/^pantau_http_connections_open (\d+)/m.exec(metrics)?.[1])).toBeLessThanOrEqual(768);
    expect(metrics).toMatch(/pantau_http_connections_refused_total\{reason="evicted"\} [1-9]/);
    expect(collector.out()).not.toMatch(/EMFILE/);
    attacker.child.stdin!.end();
  }, 180_000);
});
