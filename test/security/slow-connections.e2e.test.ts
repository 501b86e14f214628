// Issue 8, defect 3 (acceptance): 1,100 slow connections against `pantau collector` limited
// to 1,024 open files, as under systemd's default. Half send their headers a byte at a time,
// half send a whole ingest header with a valid agent token and then a body a byte at a time.
// Meanwhile /healthz answers a new connection within 100 ms, and ingest still works.
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PANTAU, ROOT } from '../helpers/cli.js';
import { AGENT_TOKEN, testConfigYaml } from '../helpers/collector.js';
import { until, writeConfig } from '../helpers/processes.js';

const SLOW = 1100;
const ADDRESSES = 11; // 127.0.0.2 … 127.0.0.12, 100 connections each
const dir = mkdtempSync(join(tmpdir(), 'pantau-slow-'));
const sockets: net.Socket[] = [];
let child: ReturnType<typeof spawn> | undefined;
let ticker: NodeJS.Timeout | undefined;

afterAll(async () => {
  if (ticker) clearInterval(ticker);
  for (const s of sockets) s.destroy();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** GET /healthz on a new connection; resolves with the status and the milliseconds taken. */
function probe(port: number): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
    req.on('error', reject);
  });
}

function openSlow(port: number, i: number): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (i % ADDRESSES)}` });
    sockets.push(s);
    s.on('error', () => {}); // the collector closes some of them: expected
    s.once('connect', () => {
      if (i % 2 === 0) s.write('POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      else s.write(`POST /api/v1/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${AGENT_TOKEN}\r\nContent-Length: 1048576\r\n\r\n{`);
      resolve();
    });
    s.once('close', () => resolve());
  });
}

describe('slow connections', () => {
  it('keep /healthz answering within 100 ms with 1,100 open and the collector limited to 1,024 files', async () => {
    const cfg = writeConfig(dir, 'collector.yaml', testConfigYaml(join(dir, 'pantau.db')));
    child = spawn('prlimit', ['--nofile=1024:1024', process.execPath, PANTAU, 'collector', '--config', cfg], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PANTAU_LOG_LEVEL: 'info' } });
    let log = '';
    child.stdout!.on('data', (c) => (log += c));
    child.stderr!.on('data', (c) => (log += c));
    const url = (await until(() => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(log), 60_000, 'the collector to listen'))[1];
    const port = Number(new URL(url).port);
    expect(readFileSync(`/proc/${child.pid}/limits`, 'utf8')).toMatch(/^Max open files\s+1024\s+1024/m);
    expect((await probe(port)).status).toBe(200);

    for (let i = 0; i < SLOW; i += 100) await Promise.all(Array.from({ length: 100 }, (_, k) => openSlow(port, i + k)));
    // One more byte every second on each socket still open: slow, never finished.
    ticker = setInterval(() => {
      for (const s of sockets) if (!s.destroyed) s.write(s.bytesWritten % 2 ? 'X' : ' ');
    }, 1000);

    // The attack is in place once the collector has taken every one of them (kept, or closed by the bound).
    const seen = async () => {
      const m = await (await fetch(url + '/metrics')).text();
      const accepted = Number(/^pantau_http_connections_accepted_total (\d+)/m.exec(m)?.[1] ?? 0);
      const closed = [...m.matchAll(/^pantau_http_connections_refused_total\{reason="(?:full|per_address)"\} (\d+)/gm)].reduce((a, x) => a + Number(x[1]), 0);
      return accepted + closed >= SLOW;
    };
    await until(seen, 30_000, 'the collector to take the 1,100 connections');

    const probes = [];
    for (let k = 0; k < 5; k++) probes.push(await probe(port));
    for (const p of probes) expect(p.status).toBe(200);
    expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(100);

    // Ingest works too, on a connection of its own.
    const res = await fetch(url + '/api/v1/ingest', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` },
      body: JSON.stringify({ agent: 'a1', batch: 'during-attack', samples: [{ type: 'ping', device: 'r1', ts: Date.now() - 1000, up: true }] }),
    });
    expect(res.status).toBe(200);
    const metrics = await (await fetch(url + '/metrics')).text();
    const open = Number(/^pantau_http_connections_open (\d+)/m.exec(metrics)?.[1]);
    expect(open).toBeLessThanOrEqual(768);
    expect(metrics).toMatch(/pantau_http_connections_refused_total\{reason="evicted"\} \d+/);
    expect(log).not.toMatch(/EMFILE/);
  }, 120_000);
});
