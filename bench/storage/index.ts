// Bytes on disk per stored interface sample after 1 million samples: Pantau's SQLite file
// (with -wal and -shm, after the collector's closing checkpoint) divided by the rows stored,
// beside InfluxDB 1.x's data + wal + meta folders for the same samples (after its cache was
// snapshotted to TSM and the shard fully compacted, which it does on its own when writes stop).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startInfluxd } from '../harness/influxd.js';
import { sleep } from '../harness/proc.js';
import { MiB, type BenchResult } from '../harness/report.js';
import { tempDir } from '../harness/teardown.js';
import { postToPantau, startPantauCollector } from '../ingest/pantau-side.js';
import { buildSampleSet } from '../ingest/samples.js';
import { sendAll } from '../ingest/send.js';

const AGENT = 'bench-agent';
const TOKEN = 'bench-agent-token-0123456789';

/** Apparent size in bytes of a file or of everything under a folder. */
function sizeOf(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

interface Shape {
  label: string;
  devices: number;
  ifaces: number;
  cycles: number;
}

interface Measured {
  rows: number;
  bytes: number;
  tables: { name: string; bytes: number }[];
  influxRows: number;
  influxAfterWrite: number;
  influxSettled: number;
  settledAfterS: number;
}

async function measureShape(sh: Shape): Promise<Measured> {
  const batches = buildSampleSet({ devices: sh.devices, ifaces: sh.ifaces, cycles: sh.cycles, batchSize: 5000, agent: AGENT });

  // Pantau: ingest through the API, stop (checkpoint TRUNCATE), measure the files.
  const dir = tempDir('storage');
  const file = join(dir, 'pantau.db');
  const pantau = await startPantauCollector({ sqlite: file, devices: sh.devices, agent: AGENT, token: TOKEN });
  try {
    await postToPantau(pantau.url, TOKEN, batches, 4);
  } finally {
    await pantau.stop();
  }
  const { openDatabase } = await import('../../collector/storage/sqlite.js');
  const db = openDatabase(file, { readonly: true });
  const rows = Number(db.prepare('SELECT count(*) FROM iface_sample').pluck().get());
  const tables = db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 5').all() as { name: string; bytes: number }[];
  db.close();
  const bytes = sizeOf(file) + sizeOf(`${file}-wal`) + sizeOf(`${file}-shm`);

  // InfluxDB: same samples; short cold durations so it snapshots and compacts within the run.
  const influx = await startInfluxd({ snapshotColdAfter: '2s', compactColdAfter: '5s' });
  const conf = sizeOf(join(influx.dir, 'influxdb.conf'));
  try {
    await influx.query('CREATE DATABASE bench');
    await sendAll(`${influx.url}/write?db=bench&precision=ms`, batches.map((b) => ({ body: b.lines, count: b.count })), {
      concurrency: 4,
      headers: { 'content-type': 'text/plain' },
      okStatus: 204,
    });
    const j = (await influx.query('SELECT count("in") FROM iface', 'bench')) as { results: { series?: { values: [string, number][] }[] }[] };
    const influxRows = j.results[0].series?.[0].values[0][1] ?? 0;
    const influxAfterWrite = sizeOf(influx.dir) - conf;
    // Wait (at most 120 s) for the WAL to drain into TSM and the size to hold still for 10 s.
    const t0 = Date.now();
    let last = -1;
    let stableSince = Date.now();
    while (Date.now() - t0 < 120_000) {
      await sleep(1000);
      const now = sizeOf(influx.dir);
      if (now !== last) {
        last = now;
        stableSince = Date.now();
      } else if (Date.now() - stableSince >= 10_000 && sizeOf(join(influx.dir, 'wal')) < 64 * 1024) break;
    }
    return { rows, bytes, tables, influxRows, influxAfterWrite, influxSettled: sizeOf(influx.dir) - conf, settledAfterS: (Date.now() - t0) / 1000 };
  } finally {
    await influx.stop();
  }
}

export async function run(): Promise<BenchResult> {
  const shapes: Shape[] = [
    { label: 'wide: 1000 devices × 50 interfaces × 20 polls', devices: 1000, ifaces: 50, cycles: 20 },
    { label: 'long: 20 devices × 50 interfaces × 1000 polls', devices: 20, ifaces: 50, cycles: 1000 },
  ];
  const rows: BenchResult['rows'] = [];
  const extra: BenchResult['extra'] = {};
  for (const sh of shapes) {
    const m = await measureShape(sh);
    const perP = m.bytes / m.rows;
    const perI = m.influxSettled / m.influxRows;
    const tag = sh.label.split(':')[0];
    rows.push(
      { metric: `bytes per sample, ${tag}`, unit: 'B', pantau: perP, peer: perI, peerName: 'InfluxDB (TSM, compacted)', ratio: perI / perP, ratioMeaning: 'InfluxDB/Pantau' },
      { metric: `total on disk, ${tag}`, unit: 'MiB', pantau: m.bytes / MiB, peer: m.influxSettled / MiB, peerName: 'InfluxDB' },
      { metric: `rows stored, ${tag}`, unit: 'count', pantau: m.rows, peer: m.influxRows, peerName: 'InfluxDB' },
    );
    extra[`${sh.label}: InfluxDB right after the writes`] = `${(m.influxAfterWrite / MiB).toFixed(1)} MiB (${(m.influxAfterWrite / m.influxRows).toFixed(1)} B/sample, cache still in WAL); settled ${m.settledAfterS.toFixed(0)} s later`;
    extra[`${sh.label}: Pantau largest tables (dbstat)`] = m.tables.map((t) => `${t.name} ${(t.bytes / MiB).toFixed(1)} MiB`).join(', ');
  }
  extra['what is counted'] =
    'Pantau: pantau.db + -wal + -shm after the closing checkpoint (the whole file: raw samples, indexes, series, state, ingest log); InfluxDB: meta + data + wal folders';
  return {
    name: 'storage',
    title: 'bytes on disk per iface sample after 1,000,000 samples, in two shapes: many short series and few long ones',
    rows,
    extra,
    notes: [
      'both stores hold the same fields per sample: in, out, uptime, operUp, speed, bits (plus device/interface identity)',
      'InfluxDB compresses along each series: it gains with long series (a month at 60 s is 43,200 points per series), so the "long" shape is closer to a store that has run for a while',
    ],
  };
}
