// Starts a private InfluxDB 1.x (the Debian influxd) for a benchmark: 127.0.0.1 on free ports,
// meta/data/wal in a temp folder, usage reporting and self-monitoring off; stopped at teardown.
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitFor } from './proc.js';
import { lastStderr, spawnManaged, stopChild, tempDir } from './teardown.js';

export interface Influxd {
  url: string;
  pid: number;
  dir: string;
  child: ChildProcess;
  /** The X-Influxdb-Version header of /ping, e.g. "1.6.7~rc0". */
  version: string;
  /** POST /query (CREATE DATABASE …, SHOW …). */
  query(q: string, db?: string): Promise<unknown>;
  stop(): Promise<void>;
}

export interface InfluxdOptions {
  /** Write the in-memory cache to TSM files after this long without writes (influx default 10m). */
  snapshotColdAfter?: string;
  /** Fully compact a shard after this long without writes (influx default 4h). */
  compactColdAfter?: string;
}

export async function startInfluxd(opts: InfluxdOptions = {}): Promise<Influxd> {
  const dir = tempDir('influxd');
  const [httpPort, rpcPort] = [await freePort(), await freePort()];
  const conf = `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dir, 'meta')}"
[data]
  dir = "${join(dir, 'data')}"
  wal-dir = "${join(dir, 'wal')}"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "${opts.snapshotColdAfter ?? '10m'}"
  compact-full-write-cold-duration = "${opts.compactColdAfter ?? '4h'}"
[http]
  bind-address = "127.0.0.1:${httpPort}"
  log-enabled = false
  max-body-size = 0
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[subscriber]
  enabled = false
`;
  const confFile = join(dir, 'influxdb.conf');
  writeFileSync(confFile, conf);
  const child = spawnManaged('influxd', '/usr/bin/influxd', ['run', '-config', confFile], { env: { ...process.env, INFLUXDB_CONFIG_PATH: confFile } });
  const url = `http://127.0.0.1:${httpPort}`;
  let version = 'unknown';
  await waitFor('influxd /ping', async () => {
    if (child.exitCode !== null) throw new Error(`influxd exited: ${lastStderr(child)}`);
    const r = await fetch(`${url}/ping`);
    version = r.headers.get('x-influxdb-version') ?? version;
    return r.status === 204;
  }, 30000);
  const query = async (q: string, db?: string) => {
    const body = new URLSearchParams({ q, ...(db ? { db } : {}) });
    const r = await fetch(`${url}/query`, { method: 'POST', body });
    const j = await r.json();
    if (!r.ok) throw new Error(`influx query "${q}": ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
  return { url, pid: child.pid!, dir, child, version, query, stop: () => stopChild(child, 30000) };
}

/**
 * Whether this influxd takes unsigned integers (`1u`) in line protocol: InfluxDB 1.x parses
 * them only when built with unsigned support (Debian's 1.6.7 answers 400 "invalid number").
 * Probed in a scratch database that is dropped again.
 */
export async function acceptsUnsigned(influx: Influxd): Promise<boolean> {
  await influx.query('CREATE DATABASE unsigned_probe');
  try {
    const r = await fetch(`${influx.url}/write?db=unsigned_probe&precision=ms`, { method: 'POST', body: 'probe,t=x v=18446744073709551615u 1' });
    await r.text();
    return r.status === 204;
  } finally {
    await influx.query('DROP DATABASE unsigned_probe');
  }
}
