// Ingest, end to end and fair: the real `pantau collector` command (HTTP JSON batches → whatever
// ingest path and storage the tree has) against InfluxDB 1.x's line-protocol /write, the same
// samples and the same fields, in the same run. Per case (workload.ts): fresh servers, the
// series written once before the timer (except in the new-series case), then the timed polls;
// Pantau's clock stops only when its deferred work (merge, rollup: harness/pending.ts) is done.
// Rounds alternate which server goes first; each figure is the median over the rounds.
import { acceptsUnsigned, startInfluxd } from '../harness/influxd.js';
import { drainPending } from '../harness/pending.js';
import { startPantauCommand } from '../harness/pantau-command.js';
import { usageOf } from '../harness/proc.js';
import type { BenchResult, ResultRow } from '../harness/report.js';
import { quantile, sendStreams, type Body } from './send.js';
import { encode, seriesOf, shapes, timedSamples, warmSamples, workload, type IntSuffix, type Shape, type Workload } from './workload.js';

interface Figures {
  /** Timed samples per second, first request to last answer (Pantau: to its deferred work done). */
  sps: number;
  p99Ms: number;
  cpuPer100k: number;
  bytesPerSample: number;
  /** Pantau: seconds from the last answer to pending work 0. */
  drainS?: number;
  pending?: Record<string, number>;
  stored: number;
  /** Timed requests answered 429/503 and sent again. */
  retries: number;
  /** The warm-up's samples per second, a fresh process's first polls (Pantau: to its deferred work done); undefined without one. */
  warmSps?: number;
}

/** The figures with a median and a row each. */
type FigureKey = 'sps' | 'p99Ms' | 'cpuPer100k' | 'bytesPerSample' | 'warmSps';

const withToken = (w: Workload, streams: Body[][]): Body[][] => streams.map((s, a) => s.map((b) => ({ ...b, headers: { authorization: `Bearer ${w.agents[a].token}` } })));

/** Reads a Pantau acknowledgement; a benchmark sample refused or a batch taken for a duplicate is an error in the run. */
function ackStored(text: string, sent: number): number {
  const ack = JSON.parse(text) as { stored: number; duplicate?: boolean; refusedCount?: number; refused?: { error: string }[] };
  if (ack.duplicate || ack.refusedCount) throw new Error(`Pantau did not store the batch as sent (${sent} samples): ${text.slice(0, 400)}`);
  return ack.stored;
}

async function pantauSide(w: Workload): Promise<Figures> {
  const p = await startPantauCommand(w.agents);
  try {
    const opts = { headers: { 'content-type': 'application/json' }, okStatus: 200, stored: ackStored };
    let warmSps: number | undefined;
    if (w.shape.warmPolls) {
      const warm = await sendStreams(`${p.url}/api/v1/ingest`, withToken(w, encode(w, 'warm', 'pantau')), opts);
      const wd = await drainPending(p.url);
      warmSps = warmSamples(w.shape) / ((wd.doneAt - warm.startedAt) / 1000);
    }
    const timed = withToken(w, encode(w, 'timed', 'pantau'));
    const u0 = usageOf(p.pid);
    const r = await sendStreams(`${p.url}/api/v1/ingest`, timed, opts);
    const d = await drainPending(p.url);
    const u1 = usageOf(p.pid);
    const n = timedSamples(w.shape);
    if (r.stored !== n) throw new Error(`Pantau acknowledged ${r.stored} of ${n} timed samples as stored`);
    const total = await ingestedTotal(p.url);
    if (total !== n + warmSamples(w.shape)) throw new Error(`Pantau's pantau_ingest_samples_total is ${total}, expected ${n + warmSamples(w.shape)}`);
    return {
      sps: n / ((d.doneAt - r.startedAt) / 1000),
      p99Ms: quantile(r.latenciesMs, 0.99),
      cpuPer100k: ((u1.cpuS - u0.cpuS) / n) * 1e5,
      bytesPerSample: (u1.writeBytes - u0.writeBytes) / n,
      drainS: (d.doneAt - r.endedAt) / 1000,
      pending: d.peak,
      stored: total,
      retries: r.retries,
      warmSps,
    };
  } finally {
    await p.stop();
  }
}

async function ingestedTotal(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let n = 0;
  for (const m of text.matchAll(/^pantau_ingest_samples_total(?:\{[^}]*\})? (\S+)$/gm)) n += Number(m[1]);
  return n;
}

async function influxSide(w: Workload, suffix: IntSuffix): Promise<Figures> {
  const influx = await startInfluxd();
  try {
    await influx.query('CREATE DATABASE bench');
    const url = `${influx.url}/write?db=bench&precision=ms`;
    const opts = { headers: { 'content-type': 'text/plain' }, okStatus: 204 };
    const warm = w.shape.warmPolls ? await sendStreams(url, encode(w, 'warm', 'influx', suffix), opts) : undefined;
    const timed = encode(w, 'timed', 'influx', suffix);
    const u0 = usageOf(influx.pid);
    const r = await sendStreams(url, timed, opts);
    const u1 = usageOf(influx.pid);
    const n = timedSamples(w.shape);
    const j = (await influx.query('SELECT count(in_oct) FROM iface', 'bench')) as { results: { series?: { values: [string, number][] }[] }[] };
    const stored = j.results[0].series?.[0].values[0][1] ?? 0;
    if (stored !== n + warmSamples(w.shape)) throw new Error(`InfluxDB holds ${stored} points, expected ${n + warmSamples(w.shape)}`);
    return {
      sps: n / r.seconds,
      p99Ms: quantile(r.latenciesMs, 0.99),
      cpuPer100k: ((u1.cpuS - u0.cpuS) / n) * 1e5,
      bytesPerSample: (u1.writeBytes - u0.writeBytes) / n,
      stored,
      retries: r.retries,
      warmSps: warm ? warmSamples(w.shape) / warm.seconds : undefined,
    };
  } finally {
    await influx.stop();
  }
}

/** Asks a scratch influxd whether it takes unsigned integers, and its version. */
async function probeInflux(): Promise<{ unsigned: boolean; version: string }> {
  const probe = await startInfluxd();
  try {
    return { unsigned: await acceptsUnsigned(probe), version: probe.version };
  } finally {
    await probe.stop();
  }
}

const med = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const medianOf = (fs: Figures[], k: FigureKey) => med(fs.map((f) => f[k] ?? NaN));

export function isQuick(): boolean {
  return process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');
}

export async function run(opts: { quick?: boolean } = {}): Promise<BenchResult> {
  const quick = opts.quick ?? isQuick();
  const rounds = Number(process.env.BENCH_INGEST_ROUNDS ?? (quick ? 1 : 3));
  const only = process.env.BENCH_INGEST_CASES?.split(',');
  const cases = shapes(quick).filter((s) => !only || only.includes(s.key));
  if (!cases.length) throw new Error(`BENCH_INGEST_CASES=${process.env.BENCH_INGEST_CASES}: expected some of ${shapes(quick).map((s) => s.key).join(', ')}`);

  // Counter64 as unsigned where this influxd takes it, else as signed with the same bits.
  const { unsigned, version } = await probeInflux();
  const suffix: IntSuffix = unsigned ? 'u' : 'i';

  const rows: ResultRow[] = [];
  const extra: Record<string, string> = {};
  for (const shape of cases) {
    const w = workload(shape);
    const pan: Figures[] = [];
    const inf: Figures[] = [];
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        inf.push(await influxSide(w, suffix));
        pan.push(await pantauSide(w));
      } else {
        pan.push(await pantauSide(w));
        inf.push(await influxSide(w, suffix));
      }
      console.log(`  ${shape.key} round ${r + 1}/${rounds}: Pantau ${pan[r].sps.toFixed(0)} samples/s (drain ${pan[r].drainS!.toFixed(2)} s), InfluxDB ${inf[r].sps.toFixed(0)} samples/s`);
    }
    rows.push(...caseRows(shape, pan, inf, `InfluxDB ${version}`));
    extra[`${shape.key}: workload`] = shape.label;
    extra[`${shape.key}: rounds (samples/s)`] = `Pantau ${pan.map((f) => f.sps.toFixed(0)).join(', ')}; InfluxDB ${inf.map((f) => f.sps.toFixed(0)).join(', ')}`;
    const retried = [...pan, ...inf].some((f) => f.retries > 0);
    if (retried) extra[`${shape.key}: requests answered 429/503 and sent again`] = `Pantau ${pan.map((f) => f.retries).join(', ')}; InfluxDB ${inf.map((f) => f.retries).join(', ')}`;
    extra[`${shape.key}: Pantau's deferred work drained after the last answer`] =
      `${pan.map((f) => `${f.drainS!.toFixed(2)} s`).join(', ')}; pending-work gauges (largest value read while draining): ${Object.entries(pan[0].pending ?? {}).map(([k, v]) => `${k} ${v}`).join(', ')}`;
  }
  extra['InfluxDB integers'] = unsigned
    ? 'in_oct and out_oct as unsigned (u): this influxd accepts them'
    : `in_oct and out_oct as signed integers (i) with the counter's 64 bits, as Pantau stores them: influxd ${version} refuses unsigned "u" values (built without unsigned support)`;
  extra['fields and tags'] = 'InfluxDB: measurement iface, tags device and interface, integer fields in_oct, out_oct, uptime, speed, flags: what Pantau stores per sample (iface_sample) and per series (device + interface)';
  extra.durability = 'Pantau: acknowledged once durable, as its store defines it; InfluxDB: WAL fsync per write (wal-fsync-delay 0, the default)';
  extra.servers = 'Pantau: `node bin/pantau.js collector --config FILE` (the bundle), rate limits raised for the benchmark; InfluxDB: Debian influxd, private config on 127.0.0.1; each case and round starts both fresh';
  return {
    name: 'ingest',
    title: `iface samples into Pantau's HTTP ingest vs InfluxDB /write, ${cases.length} cases, median of ${rounds} round${rounds > 1 ? 's' : ''}${quick ? ' (QUICK: about 1/20 of the samples, not figures to quote)' : ''}`,
    rows,
    extra,
    notes: [
      'timed window: first request to last answer; for Pantau until every pending-work gauge (pantau_store_*_pending*) of /metrics reads 0, so merge and rollup are counted',
      `warm-up: each server gets the shape's first polls untimed (${cases.map((c) => `${c.key} ${c.warmPolls}`).join(', ')}), then the timed ones; a fresh Node process spends its first seconds compiling its hot code and filling its pools, so the goal is measured after that, as a collector runs for months; the warm-up\'s own rate (to Pantau\'s deferred work done) is shown as "warm-up throughput, fresh process"`,
      'server CPU: utime + stime from /proc/PID/stat of the collector process (and any descendants) and of influxd over the window; bytes written: write_bytes of /proc/PID/io over the window',
      'request bodies are encoded before the window; the load generator is the benchmark process, each server runs in its own process on the same cores',
      'p99 request latency: client side, sending to the end of the answer; an answer 429 or 503 is retried after its Retry-After as an agent would, and the latency includes the retries',
      'every acknowledged sample was counted back: Pantau by its acknowledgements and pantau_ingest_samples_total, InfluxDB by count(in_oct)',
    ],
  };
}

function caseRows(s: Shape, pan: Figures[], inf: Figures[], peerName: string): ResultRow[] {
  const row = (metric: string, unit: string, k: FigureKey, better: 'higher' | 'lower', goal?: number): ResultRow => {
    const p = medianOf(pan, k);
    const q = medianOf(inf, k);
    const ratio = p / q;
    return {
      metric: `${s.key}: ${metric}`,
      unit,
      pantau: p,
      peer: q,
      peerName,
      ratio,
      ratioMeaning: `Pantau/InfluxDB, ${better} is better`,
      ...(goal === undefined ? {} : { goal: `>= ${goal.toFixed(1)}x`, met: ratio >= goal }),
    };
  };
  return [
    row(`throughput (${seriesOf(s).toLocaleString('en')} series, ${timedSamples(s).toLocaleString('en')} timed samples)`, 'samples/s', 'sps', 'higher', s.warmPolls ? 1 : undefined),
    row('p99 request latency', 'ms', 'p99Ms', 'lower'),
    row('server CPU per 100k samples', 's', 'cpuPer100k', 'lower'),
    row('bytes written per sample', 'B', 'bytesPerSample', 'lower'),
    // The same servers' first polls, before the timed ones: what a just-started process does (JIT, pools, start-up work), shown beside the goal, not as it.
    ...(s.warmPolls ? [row(`warm-up throughput, fresh process (${warmSamples(s).toLocaleString('en')} samples, not the goal)`, 'samples/s', 'warmSps', 'higher')] : []),
  ];
}
