// Ingest throughput, end to end: HTTP JSON batches of iface samples → validated → committed to
// SQLite (Pantau's collector), against InfluxDB 1.x's own line-protocol /write of the same
// samples, in the same run. Each round starts both servers fresh and runs them one after the
// other (alternating which goes first); the median round is reported.
import { join } from 'node:path';
import { startInfluxd } from '../harness/influxd.js';
import { cpuOf, resetPeak, rssOf } from '../harness/proc.js';
import { MiB, type BenchResult } from '../harness/report.js';
import { tempDir } from '../harness/teardown.js';
import { postToPantau, startPantauCollector } from './pantau-side.js';
import { buildSampleSet, type EncodedBatch } from './samples.js';
import { sendAll, type SendResult } from './send.js';

const AGENT = 'bench-agent';
const TOKEN = 'bench-agent-token-0123456789';

interface Side extends SendResult {
  cpuS: number;
  peakRss: number;
  rows: number;
}

async function measured(pid: number, run: () => Promise<SendResult>): Promise<Omit<Side, 'rows'>> {
  resetPeak(pid);
  const c0 = cpuOf(pid).self;
  const r = await run();
  return { ...r, cpuS: cpuOf(pid).self - c0, peakRss: rssOf(pid).peak };
}

async function influxRound(batches: EncodedBatch[], concurrency: number): Promise<Side> {
  const influx = await startInfluxd();
  try {
    await influx.query('CREATE DATABASE bench');
    const m = await measured(influx.pid, () =>
      sendAll(`${influx.url}/write?db=bench&precision=ms`, batches.map((b) => ({ body: b.lines, count: b.count })), {
        concurrency,
        headers: { 'content-type': 'text/plain' },
        okStatus: 204,
      }),
    );
    const j = (await influx.query('SELECT count("in") FROM iface', 'bench')) as { results: { series?: { values: [string, number][] }[] }[] };
    return { ...m, rows: j.results[0].series?.[0].values[0][1] ?? 0 };
  } finally {
    await influx.stop();
  }
}

async function pantauRound(batches: EncodedBatch[], concurrency: number, devices: number): Promise<Side> {
  const file = join(tempDir('ingest'), 'pantau.db');
  const pantau = await startPantauCollector({ sqlite: file, devices, agent: AGENT, token: TOKEN });
  let m;
  try {
    m = await measured(pantau.pid, () => postToPantau(pantau.url, TOKEN, batches, concurrency));
  } finally {
    await pantau.stop();
  }
  const { openDatabase } = await import('../../collector/storage/sqlite.js');
  const db = openDatabase(file, { readonly: true });
  const rows = Number(db.prepare('SELECT count(*) FROM iface_sample').pluck().get());
  db.close();
  return { ...m, rows };
}

const sps = (s: Side) => s.samples / s.seconds;
const median = (xs: Side[]) => [...xs].sort((a, b) => sps(a) - sps(b))[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchResult> {
  const devices = 1000;
  const ifaces = 50;
  const cycles = Number(process.env.BENCH_INGEST_CYCLES ?? 20);
  const batchSize = Number(process.env.BENCH_INGEST_BATCH ?? 5000);
  const concurrency = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 4);
  const rounds = Number(process.env.BENCH_INGEST_ROUNDS ?? 5);
  const batches = buildSampleSet({ devices, ifaces, cycles, batchSize, agent: AGENT });
  const total = batches.reduce((n, b) => n + b.count, 0);

  const pans: Side[] = [];
  const infs: Side[] = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2 === 0) {
      infs.push(await influxRound(batches, concurrency));
      pans.push(await pantauRound(batches, concurrency, devices));
    } else {
      pans.push(await pantauRound(batches, concurrency, devices));
      infs.push(await influxRound(batches, concurrency));
    }
    console.log(`  round ${r + 1}/${rounds}: Pantau ${sps(pans[r]).toFixed(0)} samples/s, InfluxDB ${sps(infs[r]).toFixed(0)} samples/s`);
  }
  const pan = median(pans);
  const inf = median(infs);
  const cpuPer100k = (s: Side) => (s.cpuS / s.samples) * 1e5;
  const ratio = sps(pan) / sps(inf);
  const allStored = [...pans, ...infs].every((s) => s.rows === total);
  return {
    name: 'ingest',
    title: `${total.toLocaleString('en')} iface samples (${devices} devices × ${ifaces} interfaces × ${cycles} cycles), ${batchSize} per request, ${concurrency} requests in flight, median of ${rounds} rounds`,
    rows: [
      { metric: 'throughput', unit: 'samples/s', pantau: sps(pan), peer: sps(inf), peerName: 'InfluxDB 1.6 /write', ratio, ratioMeaning: 'of InfluxDB', goal: '>= 1.0x', met: ratio >= 1 },
      { metric: 'server CPU per 100k samples', unit: 's', pantau: cpuPer100k(pan), peer: cpuPer100k(inf), peerName: 'influxd', ratio: cpuPer100k(inf) / cpuPer100k(pan), ratioMeaning: 'influxd/Pantau' },
      { metric: 'server peak RSS', unit: 'MiB', pantau: pan.peakRss / MiB, peer: inf.peakRss / MiB, peerName: 'influxd' },
      { metric: 'wall time', unit: 's', pantau: pan.seconds, peer: inf.seconds, peerName: 'influxd' },
    ],
    extra: {
      'rounds (samples/s)': `Pantau ${pans.map((s) => sps(s).toFixed(0)).join(', ')}; InfluxDB ${infs.map((s) => sps(s).toFixed(0)).join(', ')}`,
      durability: 'Pantau: SQLite WAL, synchronous=FULL, one transaction per batch, acknowledged after commit; InfluxDB: WAL fsync per write (wal-fsync-delay 0, the default)',
      'sample fields': 'both: in, out, uptime, operUp, speed, bits; device and interface as tags (Influx) / series id (Pantau)',
    },
    notes: [
      allStored ? 'every sample sent was stored by both, in every round' : 'row counts differ from the samples sent in some round: check the run',
      'request bodies are encoded before timing; the load generator runs in the benchmark process, each server in its own process',
    ],
  };
}
