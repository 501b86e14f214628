// Starts the 60-OPD collector child (bench/stream/collector-child.ts) and posts ingest batches to it.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onTeardown, stopChild } from '../harness/teardown.js';
import type { WallChildOptions } from './fleet.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Child {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a node child running `script` (relative to the repository) with argv[2] = JSON of `arg`; it prints {url} when ready. */
export async function startChild(script: string, arg: unknown, what: string): Promise<Child> {
  const child = spawn(process.execPath, ['bin/run-ts.js', script, JSON.stringify(arg)], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PANTAU_LOG_LEVEL: 'silent' },
  });
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  const stop = () => stopChild(child, 60000);
  onTeardown(`stop ${what} (pid ${child.pid})`, stop);
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not start within 60 s: ${err}`)), 60000);
    child.once('close', (code) => reject(new Error(`${what} exited (${code}): ${err.trim()}`)));
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(t);
      resolve((JSON.parse(l) as { url: string }).url);
    });
  });
  return { url, pid: child.pid!, stop };
}

export const startWallCollector = (o: WallChildOptions) => startChild('bench/stream/collector-child.ts', o, 'Pantau collector');

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/**
 * POSTs a JSON body; resolves at the answer (rejects unless 200). A kept-alive socket the
 * collector closed while idle (its keep-alive timeout is 5 s; the day at 10x posts every 6 s)
 * fails with ECONNRESET before any answer: that request is sent once more on a new socket, as
 * Node's documentation advises. Ingest is idempotent by batch id, so a repeat stores nothing twice.
 */
export function post(url: string, body: string, token: string, retried = false): Promise<void> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${url}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`))));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (req.reusedSocket && e.code === 'ECONNRESET' && !retried) post(url, body, token, true).then(resolve, reject);
      else reject(e);
    });
    req.end(body);
  });
}
