// Starts the real `pantau collector --config FILE` command (bin/pantau.js, the esbuild bundle an
// operator runs) for a benchmark, on 127.0.0.1 and a free port, with a store in a temp folder.
// The benchmark then talks to it only through its HTTP API, so it measures whatever collector
// code is in the tree (ingest path, storage, deferred work) without knowing its internals.
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from './proc.js';
import { onTeardown, stopChild, tempDir } from './teardown.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface BenchAgent {
  id: string;
  token: string;
  /** Device ids assigned to this agent (routers of the one benchmark OPD). */
  devices: string[];
}

export interface PantauCommand {
  url: string;
  pid: number;
  dir: string;
  stop(): Promise<void>;
}

/**
 * The collector's config for a benchmark: every agent and device, and limits raised so that
 * the benchmark's load is not refused (rate limits per token and per address, connections per
 * address: all clients come from 127.0.0.1). Everything else keeps its default.
 */
export function benchConfig(sqlite: string, listen: string, agents: BenchAgent[]): object {
  return {
    timezone: 'Asia/Jakarta',
    listen,
    store: { sqlite },
    limits: { ratePerToken: 1e6, ratePerAddress: 1e6, maxConnections: 8192, maxConnectionsPerAddress: 8192 },
    agents: agents.map((a) => ({ id: a.id, token: a.token, intervalSeconds: 60, poll: a.devices })),
    opds: [{ id: 'bench', name: 'Benchmark OPD' }],
    devices: agents.flatMap((a) => a.devices.map((id) => ({ id, opd: 'bench', kind: 'router', address: '127.0.0.1', ping: false }))),
  };
}

export async function startPantauCommand(agents: BenchAgent[]): Promise<PantauCommand> {
  const dir = tempDir('pantau');
  const port = await freePort();
  const file = join(dir, 'collector.yaml');
  // YAML is a superset of JSON.
  writeFileSync(file, JSON.stringify(benchConfig(join(dir, 'pantau.db'), `127.0.0.1:${port}`, agents), null, 1));
  // BENCH_PANTAU_NODE_ARGS: extra Node flags for the collector (e.g. "--cpu-prof --cpu-prof-dir=DIR" to see where its time goes).
  const nodeArgs = process.env.BENCH_PANTAU_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin/pantau.js'), 'collector', '--config', file], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PANTAU_LOG_LEVEL: 'error' },
  });
  let out = '';
  // BENCH_PANTAU_OUT: a file that gets all the collector prints (with "--trace-gc" above, say).
  const copy = process.env.BENCH_PANTAU_OUT;
  const keep = (b: Buffer) => {
    if (copy) appendFileSync(copy, b);
    out = (out + b.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = () => stopChild(child, 60_000);
  onTeardown(`stop pantau collector (pid ${child.pid})`, stop);
  const url = `http://127.0.0.1:${port}`;
  // The first start after a source change builds the bundle (a few seconds).
  const end = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`pantau collector exited (${child.exitCode ?? child.signalCode}): ${out.trim().slice(-1500)}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > end) throw new Error(`pantau collector did not answer /healthz within 120 s: ${out.trim().slice(-1500)}`);
    await sleep(100);
  }
  return { url, pid: child.pid!, dir, stop };
}
