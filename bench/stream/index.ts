// Stream latency and memory: a real collector child (60 OPDs, 2,000 devices) with 200 `ws`
// displays, then 1,000. One ingest batch a second, each turning a few devices down and the
// previous batch's back up; for each display, the time from the batch's request being sent to
// that display receiving the status event that carries it (matched by the batch's ping
// timestamp). The displays live in two worker threads of this process, the sender in its main
// thread: both stamp with process.hrtime (CLOCK_MONOTONIC), so the clock is one. The peer, in
// the same run: a minimal `ws` broadcast server (peer-server.ts) sent the same texts by HTTP
// POST, with the same 200 displays. Memory: the collector's VmRSS idle, with 200 and with
// 1,000 displays (after their snapshots, and after the events).
// `--quick` (or BENCH_QUICK=1): 50 and 200 displays, 8 batches: to check that it works.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { rssOf, sleep } from '../harness/proc.js';
import { MiB, type BenchResult } from '../harness/report.js';
import { tempDir } from '../harness/teardown.js';
import { fleet, pingBatch } from './fleet.js';
import { post, startChild, startWallCollector } from './start.js';

const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const WORKERS = 2;

interface Collected {
  base: bigint;
  arrivals: number[];
  texts: [number, string][];
  messages: number;
  bytes: number;
}

class Displays {
  private readonly workers: Worker[] = [];
  constructor(url: string, token: string) {
    const ws = url.replace(/^http/, 'ws');
    for (let i = 0; i < WORKERS; i++)
      this.workers.push(new Worker(new URL('./clients-worker.mjs', import.meta.url), { workerData: { url: `${ws}/api/v1/stream`, token, record: i === 0 } }));
  }
  private ask<T>(w: Worker, msg: object): Promise<T> {
    return new Promise((resolve, reject) => {
      w.once('message', (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
      w.postMessage(msg);
    });
  }
  /** Opens n more displays, spread over the workers; resolves when each has its snapshot. */
  async open(n: number): Promise<{ ms: number; snapshotBytes: number }> {
    const t0 = performance.now();
    const r = await Promise.all(this.workers.map((w, i) => this.ask<{ snapshotBytes: number; snapshots: number }>(w, { cmd: 'open', n: Math.floor(n / WORKERS) + (i < n % WORKERS ? 1 : 0) })));
    return { ms: performance.now() - t0, snapshotBytes: r.reduce((a, x) => a + x.snapshotBytes, 0) / r.reduce((a, x) => a + x.snapshots, 0) };
  }
  async collect(): Promise<Collected[]> {
    const r = await Promise.all(this.workers.map((w) => this.ask<Omit<Collected, 'base'> & { base: string }>(w, { cmd: 'collect' })));
    return r.map((x) => ({ ...x, base: BigInt(x.base) }));
  }
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => this.ask(w, { cmd: 'close' })));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] : NaN);

interface Latency {
  p50: number;
  p99: number;
  max: number;
  received: number;
  expected: number;
}

/**
 * Sends `n` batches a second apart through `send(k, ts)` (which resolves at the answer), then
 * matches every display's arrivals to the batch's send time.
 */
async function measure(displays: Displays, count: number, n: number, send: (k: number, ts: number) => Promise<void>): Promise<{ lat: Latency; texts: Map<number, string> }> {
  await displays.collect(); // forget what came before
  const sentAt = new Map<number, bigint>();
  let ts = Date.now();
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    await sleep(Math.max(0, t0 + k * 1000 - performance.now()));
    ts = Math.max(ts + 1, Date.now() - 500);
    sentAt.set(ts, process.hrtime.bigint());
    await send(k, ts);
  }
  await sleep(1500);
  const lat: number[] = [];
  const texts = new Map<number, string>();
  for (const c of await displays.collect()) {
    for (let i = 0; i < c.arrivals.length; i += 2) {
      const s = sentAt.get(c.arrivals[i + 1]);
      if (s !== undefined) lat.push(Number(c.base + BigInt(c.arrivals[i]) - s) / 1e6);
    }
    for (const [t, x] of c.texts) texts.set(t, x);
  }
  lat.sort((a, b) => a - b);
  return { lat: { p50: pct(lat, 50), p99: pct(lat, 99), max: lat[lat.length - 1] ?? NaN, received: lat.length, expected: n * count }, texts };
}

export async function run(): Promise<BenchResult> {
  const nOpds = 60;
  const nDevices = 2000;
  const few = quick ? 50 : 200;
  const many = quick ? 200 : 1000;
  const batches = quick ? 8 : 60;
  const f = fleet(nOpds, nDevices);
  const ids = f.devices.map((d) => d.id);

  const collector = await startWallCollector({ sqlite: join(tempDir('stream'), 'pantau.db'), opds: nOpds, devices: nDevices });
  const ingest = (body: string) => post(`${collector.url}/api/v1/ingest`, body, f.agentToken);
  await ingest(pingBatch('all-up', ids, () => true, Date.now() - 1000));
  await sleep(2000);
  const rss: Record<string, number> = { idle: rssOf(collector.pid).rss };

  // Batch k: three devices go down, the previous batch's three come back up; all carry ts.
  const pick = (k: number) => [0, 1, 2].map((j) => ids[(k * 97 + j * 701) % nDevices]);
  const batchBody = (k: number, ts: number) =>
    JSON.stringify({ agent: f.agent, batch: `b-${k}-${ts}`, samples: [...pick(k).map((device) => ({ type: 'ping', device, ts, up: false })), ...(k ? pick(k - 1).map((device) => ({ type: 'ping', device, ts, up: true })) : [])] });

  const displays = new Displays(collector.url, f.viewerToken);
  const c1 = await displays.open(few);
  rss[`${few} displays, after snapshots`] = rssOf(collector.pid).rss;
  const pan = await measure(displays, few, batches, (k, ts) => ingest(batchBody(k, ts)));
  rss[`${few} displays, after ${batches} s of events`] = rssOf(collector.pid).rss;
  const c2 = await displays.open(many - few);
  rss[`${many} displays, after snapshots`] = rssOf(collector.pid).rss;
  const panMany = await measure(displays, many, batches, (k, ts) => ingest(batchBody(k + batches, ts)));
  rss[`${many} displays, after ${batches} s of events`] = rssOf(collector.pid).rss;
  await displays.close();
  await collector.stop();

  // The peer: the same texts (as Pantau sent them for each batch, in order), the same displays.
  const texts = [...pan.texts.entries()].sort((a, b) => a[0] - b[0]).map((x) => x[1]);
  if (texts.length === 0) throw new Error('no status event reached the displays: nothing to give the peer');
  const peer = await startChild('bench/stream/peer-server.ts', { token: f.viewerToken, snapshotBytes: Math.round(c1.snapshotBytes) }, 'peer ws server');
  const peerDisplays = new Displays(peer.url, f.viewerToken);
  await peerDisplays.open(few);
  const peerRss = rssOf(peer.pid).rss;
  // Each text keeps its size; its ping ts is rewritten (same length) to name this run's batch.
  const peerRun = await measure(peerDisplays, few, batches, (k, ts) => {
    const t = texts[k % texts.length];
    const old = String(JSON.parse(t).devices[0].ping.ts);
    return post(`${peer.url}/publish`, t.split(old).join(String(ts)), f.viewerToken);
  });
  await peerDisplays.close();
  await peer.stop();

  const perDisplay = (rss[`${many} displays, after snapshots`] - rss.idle) / many;
  const p = pan.lat;
  const q = peerRun.lat;
  const eventBytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0) / texts.length;
  return {
    name: 'stream',
    title: `${few} displays (${many} for memory), 60 OPDs / 2,000 devices, one ingest batch a second for ${batches} s (3 devices down, 3 up each)${quick ? ' [quick]' : ''}`,
    rows: [
      { metric: `latency p50, ${few} displays`, unit: 'ms', pantau: p.p50, peer: q.p50, peerName: 'raw ws broadcast', ratio: p.p50 / q.p50, ratioMeaning: 'Pantau/peer (lower is better)' },
      { metric: `latency p99, ${few} displays`, unit: 'ms', pantau: p.p99, peer: q.p99, peerName: 'raw ws broadcast', ratio: p.p99 / q.p99, ratioMeaning: 'Pantau/peer (lower is better)', goal: '< 50 ms', met: p.p99 < 50 },
      { metric: `latency max, ${few} displays`, unit: 'ms', pantau: p.max, peer: q.max, peerName: 'raw ws broadcast', ratio: p.max / q.max, ratioMeaning: 'Pantau/peer (lower is better)' },
      { metric: `latency p99, ${many} displays`, unit: 'ms', pantau: panMany.lat.p99 },
      { metric: `collector RSS, ${many} displays`, unit: 'MiB', pantau: rss[`${many} displays, after ${batches} s of events`] / MiB },
      { metric: 'RSS per display', unit: 'KiB', pantau: perDisplay / 1024 },
      { metric: `server RSS, ${few} displays after snapshots`, unit: 'MiB', pantau: rss[`${few} displays, after snapshots`] / MiB, peer: peerRss / MiB, peerName: 'raw ws broadcast' },
    ],
    extra: {
      'collector RSS (MiB)': Object.entries(rss).map(([k, v]) => `${k}: ${(v / MiB).toFixed(1)}`).join('; '),
      'events received / expected': `Pantau ${p.received}/${p.expected} (${many} displays: ${panMany.lat.received}/${panMany.lat.expected}); peer ${q.received}/${q.expected}`,
      [`latency ${many} displays (ms)`]: `p50 ${panMany.lat.p50.toFixed(2)}, p99 ${panMany.lat.p99.toFixed(2)}, max ${panMany.lat.max.toFixed(2)}`,
      'message sizes': `snapshot ${(c1.snapshotBytes / 1024).toFixed(0)} KiB (peer: a padded message of that size), status event ${eventBytes.toFixed(0)} B on average (peer: the same texts)`,
      'connect + snapshot': `${few} displays in ${(c1.ms / 1000).toFixed(1)} s, ${many - few} more in ${(c2.ms / 1000).toFixed(1)} s`,
      clients: `${WORKERS} worker threads of the benchmark process hold the displays (ws, no compression); the sender is its main thread; arrival and send are both process.hrtime (CLOCK_MONOTONIC)`,
      'collector limits': 'maxConnections, maxConnectionsPerAddress and the per-address rate are raised for the bench (every display comes from 127.0.0.1)',
    },
    notes: [
      'latency = from the ingest request being sent to the display having the status event: it includes validation, the SQLite commit (synchronous=FULL), building the status of the changed devices and the send to every display; the peer stores nothing and builds nothing',
      'RSS per display = (RSS with all displays after their snapshots - idle RSS) / displays, without a forced GC: an upper bound',
      'not in these batches: an agent\'s full poll (every device\'s ping each interval) changes every device\'s lastSeen, so that flush sends all 2,000 devices (~0.5 MB) to every display once an interval; and the collector\'s flush of all devices each interval asks up-time for every device (tens of ms): either can add outliers',
      'coalescing: the collector sends at once when no status event went out in the last coalesceMs (1 s), else at the end of that window; batches here are 1 s apart',
      ...(quick ? ['quick run: shared machine, figures only show that the benchmark works'] : []),
    ],
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { printResult } = await import('../harness/report.js');
  const { hookSignals, teardown } = await import('../harness/teardown.js');
  hookSignals();
  try {
    printResult(await run());
  } finally {
    await teardown();
  }
  process.exit(0);
}
