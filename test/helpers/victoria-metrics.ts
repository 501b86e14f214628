// Starts Debian's single-node VictoriaMetrics for a test: loopback port, data in a temp folder,
// stopped by its pid. It takes InfluxDB line protocol on /write; /api/v1/export reads back raw
// samples (every stored sample, duplicates included, so a test can count them).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort, until } from './processes.js';

export interface VictoriaMetrics {
  url: string;
  port: number;
  /** Raw samples of every series matching `match` (a series selector), as {metric, values, timestamps}. */
  exportSeries(match: string): Promise<{ metric: Record<string, string>; values: number[]; timestamps: number[] }[]>;
  stop(): Promise<void>;
  /** Stops and removes its data folder. */
  cleanup(): Promise<void>;
}

/** `port`: a port reserved earlier (a test that starts the store "later" passes the one the collector already writes to). */
export async function startVictoriaMetrics(port?: number, dir = mkdtempSync(join(tmpdir(), 'pantau-vm-'))): Promise<VictoriaMetrics> {
  const p = port ?? (await freeTcpPort());
  const child: ChildProcess = spawn(
    '/usr/bin/victoria-metrics',
    [`-storageDataPath=${dir}`, `-httpListenAddr=127.0.0.1:${p}`, '-retentionPeriod=100y', '-search.latencyOffset=0s', '-loggerLevel=ERROR'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = `http://127.0.0.1:${p}`;
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`victoria-metrics exited: ${err}`);
    return (await fetch(`${url}/health`)).ok;
  }, 30_000, 'victoria-metrics /health');
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return {
    url,
    port: p,
    async exportSeries(match) {
      await fetch(`${url}/internal/force_flush`); // what was just written becomes searchable
      const r = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': match, start: '0' })}`);
      if (!r.ok) throw new Error(`export ${match}: ${r.status} ${await r.text()}`);
      return (await r.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
    },
    stop,
    async cleanup() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
