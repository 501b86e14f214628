// Issue 13's soak: a collector under ingest and read load for 10 minutes (SOAK_MINUTES) with a
// full garbage collection forced every second (SOAK_GC_MS), on whatever Node runs this script
// (run it with Node 24 to test the abort that better-sqlite3 12 had there). Prints one line.
import { gcSoak } from '../../test/helpers/gc-soak.js';

const minutes = Number(process.env.SOAK_MINUTES ?? 10);
const gcEveryMs = Number(process.env.SOAK_GC_MS ?? 1000);
const started = Date.now();
const r = await gcSoak({
  durationMs: minutes * 60_000,
  maxRounds: 1_000_000,
  gcEveryMs,
  onRound: (n) => {
    if (n % 500 === 0) process.stderr.write(`soak: ${n} rounds, ${((Date.now() - started) / 60_000).toFixed(1)} min\n`);
  },
});
const ok = r.signal === null && r.exitCode === 0 && r.failures.length === 0;
console.log(
  `soak-gc node ${process.versions.node}: ${((Date.now() - started) / 60_000).toFixed(1)} min, ${r.rounds} rounds, ${r.samples} samples, ` +
    `${r.requests} requests, ${r.failures.length} failed, ${r.gcRuns} forced GCs, peak RSS ${r.peakRssMiB.toFixed(0)} MiB, ` +
    `exit ${r.exitCode ?? r.signal} -> ${ok ? 'OK' : 'FAILED'}`,
);
if (!ok) {
  console.log(r.failures.slice(0, 5).join('\n'));
  console.log(r.log.slice(-3000));
  process.exitCode = 1;
}
