// `npm run bench [-- NAME...] [--quick] [--docs FILE]`: runs the benchmarks (all, or the named
// ones) one after the other, each with its peer in the same run; prints a table per benchmark,
// then one table of every ratio; keeps the raw results in test-artifacts/bench/ and writes the
// generated section of docs/BENCHMARKS.md (only the benchmarks that ran are replaced there).
// --quick (or BENCH_QUICK=1) scales every benchmark down to check that it runs; its results go
// to test-artifacts/bench/BENCHMARKS.quick.md unless --docs says otherwise. Everything started
// is torn down, also on error.
import { copyFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { updateDocumentFile, type RunRecord } from './harness/docs.js';
import { loadAverage, machine } from './harness/machine.js';
import { printResult, printSummary, saveResult, type BenchResult } from './harness/report.js';
import { hookSignals, teardown } from './harness/teardown.js';

interface Benchmark {
  about: string;
  load: () => Promise<{ run: (opts?: { quick?: boolean }) => Promise<BenchResult> }>;
  /** Environment for --quick, for benchmarks that take their size from variables rather than BENCH_QUICK. */
  quickEnv?: Record<string, string>;
}

// The registry: one line per benchmark, in the order they run and appear in docs/BENCHMARKS.md.
const BENCHMARKS: Record<string, Benchmark> = {
  fleet: { about: '1,000 simulated routers: snmpbulkwalk vs snmp_exporter vs Pantau agent', load: () => import('./fleet/index.js'), quickEnv: { BENCH_FLEET_ROUTERS: '50', BENCH_FLEET_CYCLES: '1' } },
  ingest: { about: 'iface samples/s into the pantau collector (HTTP JSON, deferred work drained) vs InfluxDB /write, four cases', load: () => import('./ingest/index.js') },
  storage: { about: 'bytes per iface sample at 1 and 45 days (packed chunks) vs InfluxDB after full compaction', load: () => import('./storage/index.js'), quickEnv: { BENCH_STORAGE_SERIES: '20', BENCH_STORAGE_DAYS: '1' } },
  report: { about: 'the monthly report at full size (60 OPDs, 300 routers, 31 days of 1-minute samples)', load: () => import('./report/index.js'), quickEnv: { BENCH_REPORT_ROUTERS: '10' } },
  uptime: { about: 'first monthly up-time read after a restart: persisted days vs samples (20 and 200 devices)', load: () => import('./uptime/index.js') },
  stream: { about: 'stream latency to 200 displays (p99 < 50 ms) vs a raw ws broadcast, and the collector RSS with 1,000', load: () => import('./stream/index.js') },
  wall: { about: 'the wall in Chromium: first complete paint, per-frame full update, JS heap over a simulated day', load: () => import('./wall/index.js') },
};

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: npm run bench [-- NAME...] [--quick] [--docs FILE]\n');
  for (const [n, b] of Object.entries(BENCHMARKS)) console.log(`  ${n.padEnd(8)} ${b.about}`);
  console.log('\n  --quick      about 1/20 of the work: checks that each benchmark runs (figures not to quote)');
  console.log('  --docs FILE  write the generated section there (default docs/BENCHMARKS.md; with --quick test-artifacts/bench/BENCHMARKS.quick.md)');
  process.exit(0);
}
const quick = args.includes('--quick') || process.env.BENCH_QUICK === '1';
const docsAt = args.indexOf('--docs');
if (docsAt >= 0 && !args[docsAt + 1]) {
  console.error('--docs takes a FILE');
  process.exit(2);
}
const names = args.filter((a, i) => !a.startsWith('--') && (docsAt < 0 || i !== docsAt + 1));
const unknown = names.filter((a) => !(a in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark: ${unknown.join(', ')}; expected one of ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
const selected = names.length ? names : Object.keys(BENCHMARKS);
const docs = docsAt >= 0 ? args[docsAt + 1] : `${ROOT}${quick ? 'test-artifacts/bench/BENCHMARKS.quick.md' : 'docs/BENCHMARKS.md'}`;
if (quick) process.env.BENCH_QUICK = '1';

hookSignals();
const records: RunRecord[] = [];
const failed: string[] = [];
const host = machine();
for (const name of selected) {
  const b = BENCHMARKS[name];
  const t0 = Date.now();
  const load0 = loadAverage();
  console.log(`\n>> ${name}: ${b.about}${quick ? ' (quick)' : ''}`);
  const saved = { ...process.env };
  if (quick) Object.assign(process.env, b.quickEnv);
  try {
    const r = await (await b.load()).run({ quick });
    printResult(r);
    const seconds = (Date.now() - t0) / 1000;
    console.log(`  (${seconds.toFixed(0)} s; raw: ${saveResult(r)})`);
    const load: [number, number] = [load0, loadAverage()];
    if (Math.max(...load) > host.cores) console.log(`  note: load average ${load.map((x) => x.toFixed(1)).join(' → ')} on ${host.cores} cores: other work shared the machine`);
    records.push({ result: r, at: new Date().toISOString(), quick, machine: host, seconds, load });
  } catch (e) {
    failed.push(name);
    console.error(`${name} failed: ${(e as Error).stack ?? e}`);
  } finally {
    await teardown();
    for (const k of Object.keys(b.quickEnv ?? {})) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
printSummary(records.map((r) => r.result), failed);
if (records.length) {
  const from = existsSync(docs) ? docs : `${ROOT}docs/BENCHMARKS.md`;
  if (from !== docs) copyFileSync(from, docs);
  updateDocumentFile(docs, docs, records, Object.keys(BENCHMARKS));
  console.log(`\n${docs}: generated section updated for ${records.map((r) => r.result.name).join(', ')}`);
}
process.exit(failed.length ? 1 : 0);
