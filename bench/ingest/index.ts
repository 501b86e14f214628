// Ingest throughput, end to end: HTTP JSON batches of iface samples → validated → committed to
// SQLite (Pantau's collector), against InfluxDB 1.x's own line-protocol /write of the same
// samples, in the same run, one after the other on an otherwise idle machine.
import { join } from 'node:path';
import { startInfluxd } from '../harness/influxd.js';
import { cpuOf, resetPeak, rssOf } from '../harness/proc.js';
import { MiB, type BenchResult } from '../harness/report.js';
import { tempDir } from '../harness/teardown.js';
import { startPantauCollector } from './pantau-side.js';
import { buildSampleSet } from './samples.js';
import { sendAll, type SendResult } from './send.js';

const AGENT = 'bench-agent';
const TOKEN = 'bench-agent-token-0123456789';

interface Side extends SendResult {
  cpuS: number;
  peakRss: number;
}

async function measured(pid: number, run: () => Promise<SendResult>): Promise<Side> {
  resetPeak(pid);
  const c0 = cpuOf(pid).self;
  const r = await run();
  return { ...r, cpuS: cpuOf(pid).self - c0, peakRss: rssOf(pid).peak };
}

export async function run(): Promise<BenchResult> {
  const devices = 1000;
  const ifaces = 50;
  const cycles = Number(process.env.BENCH_INGEST_CYCLES ?? 10);
  const batchSize = Number(process.env.BENCH_INGEST_BATCH ?? 5000);
  const concurrency = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 4);
  const batches = buildSampleSet({ devices, ifaces, cycles, batchSize, agent: AGENT });
  const total = batches.reduce((n, b) => n + b.count, 0);
  const dir = tempDir('ingest');

  const influx = await startInfluxd();
  await influx.query('CREATE DATABASE bench');
  const inf = await measured(influx.pid, () =>
    sendAll(`${influx.url}/write?db=bench&precision=ms`, batches.map((b) => ({ body: b.lines, count: b.count })), {
      concurrency,
      headers: { 'content-type': 'text/plain' },
      okStatus: 204,
    }),
  );
  const counted = (await influx.query('SELECT count("in") FROM iface', 'bench')) as { results: { series?: { values: [string, number][] }[] }[] };
  const influxRows = counted.results[0].series?.[0].values[0][1] ?? 0;

  const pantau = await startPantauCollector({ sqlite: join(dir, 'pantau.db'), devices, agent: AGENT, token: TOKEN });
  const pan = await measured(pantau.pid, () =>
    sendAll(`${pantau.url}/api/v1/ingest`, batches.map((b) => ({ body: b.json, count: b.count })), {
      concurrency,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      okStatus: 200,
    }),
  );
  await pantau.stop();
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(dir, 'pantau.db'), { readonly: true });
  const pantauRows = Number(db.prepare('SELECT count(*) FROM iface_sample').pluck().get());
  db.close();

  const sps = (s: Side) => s.samples / s.seconds;
  const cpuPer100k = (s: Side) => (s.cpuS / s.samples) * 1e5;
  const ratio = sps(pan) / sps(inf);
  return {
    name: 'ingest',
    title: `${total.toLocaleString('en')} iface samples (${devices} devices × ${ifaces} interfaces × ${cycles} cycles), ${batchSize} per request, ${concurrency} requests in flight`,
    rows: [
      { metric: 'throughput', unit: 'samples/s', pantau: sps(pan), peer: sps(inf), peerName: 'InfluxDB 1.6 /write', ratio, ratioMeaning: 'of InfluxDB', goal: '>= 1.0x', met: ratio >= 1 },
      { metric: 'server CPU per 100k samples', unit: 's', pantau: cpuPer100k(pan), peer: cpuPer100k(inf), peerName: 'influxd', ratio: cpuPer100k(inf) / cpuPer100k(pan), ratioMeaning: '(influx/pantau)' },
      { metric: 'server peak RSS', unit: 'MiB', pantau: pan.peakRss / MiB, peer: inf.peakRss / MiB, peerName: 'influxd' },
      { metric: 'wall time', unit: 's', pantau: pan.seconds, peer: inf.seconds, peerName: 'influxd' },
    ],
    extra: {
      'rows stored': `Pantau ${pantauRows.toLocaleString('en')}, InfluxDB ${influxRows.toLocaleString('en')} (sent ${total.toLocaleString('en')})`,
      durability: 'Pantau: SQLite WAL, synchronous=FULL, one transaction per batch, acknowledged after commit; InfluxDB: WAL fsync per write (wal-fsync-delay 0, the default)',
      'sample fields': 'both: in, out, uptime, operUp, speed, bits; device and interface as tags (Influx) / series id (Pantau)',
    },
    notes: [
      pantauRows !== total || influxRows !== total ? `row counts differ from the samples sent: check the run` : 'every sample sent was stored by both',
      'request bodies are encoded before timing; the load generator runs in the benchmark process, each server in its own process',
    ],
  };
}
