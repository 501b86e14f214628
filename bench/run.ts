// `npm run bench [-- NAME...]`: runs the benchmarks (all, or the named ones) one after the other,
// prints a table per benchmark with Pantau's figures beside the peer's from the same run, and
// keeps the raw results in test-artifacts/bench/. Everything started is torn down, also on error.
import { hookSignals, teardown } from './harness/teardown.js';
import { printResult, saveResult, type BenchResult } from './harness/report.js';

const BENCHMARKS: Record<string, { about: string; load: () => Promise<{ run: () => Promise<BenchResult> }> }> = {
  fleet: { about: '1,000 simulated routers: snmpbulkwalk vs snmp_exporter vs Pantau agent', load: () => import('./fleet/index.js') },
  ingest: { about: 'samples/s into Pantau (HTTP JSON → SQLite) vs InfluxDB /write', load: () => import('./ingest/index.js') },
  storage: { about: 'bytes per iface sample at 1 and 45 days (packed chunks) vs InfluxDB after full compaction', load: () => import('./storage/index.js') },
  report: { about: 'the monthly report at full size (60 OPDs, 300 routers, 31 days of 1-minute samples)', load: () => import('./report/index.js') },
};

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: npm run bench [-- NAME...]\n');
  for (const [n, b] of Object.entries(BENCHMARKS)) console.log(`  ${n.padEnd(8)} ${b.about}`);
  process.exit(0);
}
const unknown = args.filter((a) => !(a in BENCHMARKS));
if (unknown.length) {
  console.error(`unknown benchmark: ${unknown.join(', ')}; expected one of ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
const names = args.length ? args : Object.keys(BENCHMARKS);
hookSignals();
let failed = 0;
for (const name of names) {
  const t0 = Date.now();
  console.log(`\n>> ${name}: ${BENCHMARKS[name].about}`);
  try {
    const r = await (await BENCHMARKS[name].load()).run();
    printResult(r);
    console.log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s; raw: ${saveResult(r)})`);
  } catch (e) {
    failed++;
    console.error(`${name} failed: ${(e as Error).stack ?? e}`);
  } finally {
    await teardown();
  }
}
process.exit(failed ? 1 : 0);
