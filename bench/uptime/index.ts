// Up-time month read, before and after persisted days (issue 12 "Up-time speed"):
//   node bin/run-ts.js bench/uptime/index.ts [DEVICES...]   (default: 20 200), or `npm run bench -- uptime`
// For each fleet size: a store with DEVICES × 30 days of 1-minute pings (a few outages and
// gaps), then, in the same minute, alternately (3 rounds, median):
//   samples   the first read of the month after a restart without persisted days (the old path)
//   persisted the first read after a restart with every day persisted (one row per device-day)
// plus the one-time cost of the first read that writes the rows, and a warm read from memory.
// The figures of both paths are checked to be equal. Prints a table; writes nothing else.
import { mkdtempSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BenchResult, ResultRow } from '../harness/report.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCollectorConfig } from '../../config/collector.js';
import { monthRange } from '../../collector/accounting/months.js';
import { Store } from '../../collector/storage/store.js';
import { UptimeService } from '../../collector/uptime/service.js';

const MONTH = '2026-11';
const TZ = 'Asia/Jakarta';
const MIN = 60_000;

function config(sqlite: string, n: number) {
  const ids = Array.from({ length: n }, (_, i) => `srv-${i}`);
  const yaml = `timezone: ${TZ}
listen: 127.0.0.1:0
store: { sqlite: ${JSON.stringify(sqlite)} }
auth: { users: [ { name: wall, role: viewer, token: viewer-token-bench-0001 } ] }
agents:
  - { id: a1, token: agent-token-bench-00001, intervalSeconds: 60, poll: [${ids.join(', ')}] }
opds:
  - { id: dinkes, name: Dinas Kesehatan }
devices:
${ids.map((id, i) => `  - { id: ${id}, opd: dinkes, kind: server, address: 10.0.${i >> 8}.${i & 255} }`).join('\n')}
`;
  return parseCollectorConfig('bench.yaml', yaml);
}

function fill(store: Store, n: number, from: number, to: number): number {
  const ins = store.db.prepare('INSERT INTO ping_sample (device, ts, up, rtt, loss) VALUES (?, ?, ?, NULL, NULL)');
  let rows = 0;
  const tx = store.db.transaction((dev: number, i: number) => {
    for (let t = from, k = 0; t < to; t += MIN, k++) {
      if (k % 10_000 >= 9_990) continue; // a 10-minute gap now and then: unknown
      const down = (k + i * 37) % 4_000 < 6; // a 6-minute outage every ~2.8 days
      ins.run(dev, t + (i % 60) * 1000, down ? 0 : 1);
      rows++;
    }
  });
  for (let i = 0; i < n; i++) tx(store.deviceId(`srv-${i}`), i);
  return rows;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function time<T>(fn: () => T): [number, T] {
  const t0 = performance.now();
  const r = fn();
  return [performance.now() - t0, r];
}

interface Measured {
  devices: number;
  rows: number;
  dayRows: number;
  samplesMs: number;
  persistedMs: number;
  firstWriteMs: number;
  warmMs: number;
  setupMs: number;
}

/** One fleet size: fills a store, measures both paths alternately (3 rounds, median). */
function measure(n: number): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-bench-uptime-'));
  try {
    const sqlite = join(dir, 'pantau.db');
    const cfg = config(sqlite, n);
    const store = new Store(sqlite);
    const { from, to } = monthRange(MONTH, TZ);
    const now = to + 86_400_000;
    const [setupMs, rows] = time(() => fill(store, n, from - 5 * MIN, to));
    const [firstWriteMs, written] = time(() => new UptimeService(cfg, store).month(MONTH, now)); // computes every day, writes the rows
    const dayRows = Number(store.sql('SELECT count(*) FROM uptime_day', { pluck: true }).get());
    const samples: number[] = [];
    const persisted: number[] = [];
    let warmMs = 0;
    for (let round = 0; round < 3; round++) {
      const off = new UptimeService(cfg, store, { persist: 'off' });
      const [a, ra] = time(() => off.month(MONTH, now));
      const on = new UptimeService(cfg, store);
      const [b, rb] = time(() => on.month(MONTH, now));
      if (JSON.stringify(ra) !== JSON.stringify(rb) || JSON.stringify(rb) !== JSON.stringify(written)) throw new Error('persisted figures differ from the samples');
      if (on.dayReads.samples !== 0) throw new Error(`persisted read took ${on.dayReads.samples} days from samples`);
      samples.push(a);
      persisted.push(b);
      warmMs = time(() => on.month(MONTH, now))[0];
    }
    store.close();
    return { devices: n, rows, dayRows, samplesMs: median(samples), persistedMs: median(persisted), firstWriteMs, warmMs, setupMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const line = (m: Measured) =>
  `| ${m.devices} | ${(m.rows / 1e6).toFixed(2)} M | ${m.dayRows} | ${m.samplesMs.toFixed(0)} ms | ${m.persistedMs.toFixed(1)} ms | ${(m.samplesMs / m.persistedMs).toFixed(0)}x | ${m.firstWriteMs.toFixed(0)} ms | ${m.warmMs.toFixed(1)} ms | ${(m.setupMs / 1000).toFixed(0)} s |`;

/** For `npm run bench -- uptime`: 20 and 200 devices (20 only with --quick). */
export async function run(opts: { quick?: boolean } = {}): Promise<BenchResult> {
  const sizes = opts.quick ? [20] : [20, 200];
  const rows: ResultRow[] = [];
  const extra: Record<string, string> = {};
  for (const n of sizes) {
    const m = measure(n);
    rows.push({
      metric: `first ${MONTH} up-time read after a restart, ${n} devices`,
      unit: 'ms',
      pantau: m.persistedMs,
      peer: m.samplesMs,
      peerName: 'from samples (before)',
      ratio: m.samplesMs / m.persistedMs,
      ratioMeaning: 'faster',
      goal: n >= 200 ? '< 1000 ms' : undefined,
      met: n >= 200 ? m.persistedMs < 1000 : undefined,
    });
    extra[`${n} devices`] = `${(m.rows / 1e6).toFixed(2)} M ping rows, ${m.dayRows} day rows; one-time first read that writes them ${m.firstWriteMs.toFixed(0)} ms; warm (memory) ${m.warmMs.toFixed(1)} ms`;
  }
  return { name: 'uptime', title: 'monthly up-time read: persisted days vs samples (30 days of 1-minute pings)', rows, extra, notes: ['both paths in the same run, alternately, median of 3; figures checked equal'] };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
  const all: string[] = [];
  for (const n of sizes.length ? sizes : [20, 200]) {
    all.push(line(measure(n)));
    console.log(all[all.length - 1]);
  }
  console.log('\n| devices | ping rows | day rows | first read from samples (before) | first read from persisted days (after) | speed-up | one-time first read + write | warm (memory) | setup |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of all) console.log(r);
}
