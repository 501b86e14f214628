// Fills a fresh store with the benchmark's month: every router's samples through
// Store.writeBatch (one transaction per batch of ~10k, as ingest does), router after router so
// memory stays bounded, then the rollup into 5-minute buckets (Rollup.drain).
import { statSync } from 'node:fs';
import { Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { ROUTERS, AGENT, routerSamples, samplesPerRouter } from './fleet.js';

export interface GenerateResult {
  samples: number;
  batches: number;
  writeS: number;
  samplesPerS: number;
  rollupS: number;
  buckets: number;
  events: number;
  fileBytes: number;
  peakRssMiB: number;
}

const fileSize = (f: string) => {
  let n = 0;
  for (const x of [f, `${f}-wal`, `${f}-shm`])
    try {
      n += statSync(x).size;
    } catch {
      /* absent */
    }
  return n;
};

export function generateStore(file: string, opts: { batchSize?: number; log?: (s: string) => void; routers?: number } = {}): GenerateResult {
  const log = opts.log ?? ((s: string) => process.stderr.write(`${s}\n`));
  const batchSize = opts.batchSize ?? 10_000;
  const routers = opts.routers ?? ROUTERS;
  const store = new Store(file);
  try {
    const t0 = performance.now();
    let samples = 0;
    let batches = 0;
    let lastLog = t0;
    const expected = routers * samplesPerRouter();
    for (let r = 0; r < routers; r++) {
      for (const chunk of routerSamples(r, batchSize)) {
        const w = store.writeBatch(AGENT, `b-${r}-${batches}`, chunk);
        samples += w.stored;
        batches++;
      }
      const now = performance.now();
      if (now - lastLog > 15_000 || r === routers - 1) {
        lastLog = now;
        const s = (now - t0) / 1000;
        const eta = ((expected - samples) / (samples / s)) | 0;
        log(`  generate: ${r + 1}/${routers} routers, ${(samples / 1e6).toFixed(2)} M samples, ${((samples / s) / 1000).toFixed(0)} k samples/s, ${s.toFixed(0)} s elapsed, ~${eta} s to go`);
      }
    }
    const writeS = (performance.now() - t0) / 1000;
    log(`  generate: ${samples} samples in ${batches} batches, ${writeS.toFixed(1)} s (${((samples / writeS) / 1000).toFixed(0)} k samples/s); rollup…`);
    const t1 = performance.now();
    new Rollup(store, { maxGapMs: 600_000 }).drain();
    const rollupS = (performance.now() - t1) / 1000;
    const buckets = Number(store.db.prepare('SELECT count(*) FROM usage5m').pluck().get());
    const events = Number(store.db.prepare('SELECT count(*) FROM counter_event').pluck().get());
    log(`  rollup: ${buckets} buckets, ${events} counter events, ${rollupS.toFixed(1)} s`);
    store.close();
    return {
      samples,
      batches,
      writeS,
      samplesPerS: samples / writeS,
      rollupS,
      buckets,
      events,
      fileBytes: fileSize(file),
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } catch (e) {
    store.close();
    throw e;
  }
}
