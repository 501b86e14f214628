// Starts the Pantau collector child for a benchmark and returns where it listens and its pid.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { onTeardown, stopChild } from '../harness/teardown.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface PantauCollector {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startPantauCollector(o: { sqlite: string; devices: number; agent: string; token: string }): Promise<PantauCollector> {
  const child = spawn(process.execPath, ['bin/run-ts.js', 'bench/ingest/collector-child.ts', JSON.stringify(o)], {
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
    child.once('exit', (code) => reject(new Error(`collector exited (${code}): ${err}`)));
    createInterface({ input: child.stdout! }).once('line', (l) => {
      clearTimeout(t);
      resolve((JSON.parse(l) as { url: string }).url);
    });
  });
  return { url, pid: child.pid!, stop };
}
