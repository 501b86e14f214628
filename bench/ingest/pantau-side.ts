// Starts the Pantau collector child for a benchmark and returns where it listens and its pid.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onTeardown, stopChild } from '../harness/teardown.js';
import { sendAll } from './send.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PantauCollector {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export interface CollectorChildOptions {
  sqlite: string;
  devices: number;
  agent: string;
  token: string;
  /** Device i polled at 127.0.0.1:ports[i] (the fleet benchmark). */
  ports?: number[];
  intervalSeconds?: number;
  /** SNMPv3 authPriv credentials for every device instead of v2c community "public". */
  v3?: { user: string; authKey: string; privKey: string };
}

/** Starts the collector child; with `netns`, inside that network namespace (its URL is then only reachable there). */
export async function startPantauCollector(o: CollectorChildOptions, netns?: string): Promise<PantauCollector> {
  const argv = [process.execPath, 'bin/run-ts.js', 'bench/ingest/collector-child.ts', JSON.stringify(o)];
  const [cmd, ...args] = netns ? ['ip', 'netns', 'exec', netns, ...argv] : argv;
  const child = spawn(cmd, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PANTAU_LOG_LEVEL: 'silent' },
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  const stop = () => stopChild(child, 60000);
  onTeardown(`stop Pantau collector (pid ${child.pid})`, stop);
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`collector did not start within 30 s: ${err}`)), 30000);
    child.once('close', (code) => reject(new Error(`collector exited (${code}): ${err.trim()}`))); // 'close': stderr read to its end
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(t);
      resolve((JSON.parse(l) as { url: string }).url);
    });
  });
  return { url, pid: child.pid!, stop };
}

/** Posts pre-encoded ingest batches to a Pantau collector with the benchmark agent's token. */
export function postToPantau(url: string, token: string, batches: { json: string; count: number }[], concurrency: number) {
  return sendAll(`${url}/api/v1/ingest`, batches.map((b) => ({ body: b.json, count: b.count })), {
    concurrency,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    okStatus: 200,
  });
}
