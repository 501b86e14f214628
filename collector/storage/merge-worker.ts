// The merge thread (issue 12): plans the background merge's slices (merge-plan.ts) on a
// connection of its own, each inside one read transaction (one snapshot), and hands the
// recorded writes to the collector's thread (Staging.onPlan), which replays them in one
// IMMEDIATE transaction. It never writes the store (query_only).
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, statementCache } from './sqlite.js';
import { MergePlanner, RecordingSink, storeReads } from './merge-plan.js';
import { RawReader, rawToPoint } from './chunks/reader.js';
import { localDayStart } from '../usage/day-cache.js';
import type { PlanMessage, PlanRequest, ThreadConfig } from './merge-thread.js';

const { file, config } = workerData as { file: string; config: ThreadConfig };
const db = openDatabase(file, { fileMustExist: true });
db.exec('PRAGMA busy_timeout = 5000; PRAGMA query_only = 1; PRAGMA cache_size = -65536');
const reads = storeReads(db);
const planner = new MergePlanner(reads);
planner.segmentMin = config.segmentMin;
const finalBefore = db.prepare("SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'final_before'").pluck();
const finalNow = () => Number((finalBefore.get() as number | bigint | undefined) ?? 0);
if (config.fold) {
  const raw = new RawReader(statementCache(db));
  planner.fold = {
    maxGapMs: config.fold.maxGapMs,
    dayStart: localDayStart(config.fold.timezone),
    finalBefore: finalNow,
    sample: (series, ts) => {
      const x = raw.sample(series, ts);
      if (!x) throw new Error(`series ${series}: no stored sample at ${ts}, its newest`);
      return rawToPoint(x);
    },
  };
}

let epoch: number | undefined;
/**
 * The marker the last plan leaves (its `end`): what the store holds once it is written. A slice
 * that continues the generation in memory expects it even when asked for before that plan was
 * written (Staging.onPlan asks for the next slice first, and writes meanwhile). Its series come
 * after the last plan's, so nothing it reads is what that plan writes.
 */
let lastEnd: string | null = null;
const plan = db.transaction((maxSamples: number) => {
  const expect = planner.inGeneration() ? lastEnd : (reads.marker() ?? null);
  const final = finalNow();
  const sink = new RecordingSink(reads.exists);
  const result = planner.slice(maxSamples, sink);
  return { expect, final, result, plan: sink.plan() };
});

parentPort!.on('message', (m: PlanRequest) => {
  // The same epoch: the last plan was written (a plan not written moves the epoch).
  if (m.epoch === epoch) planner.commit();
  else planner.reset();
  epoch = m.epoch;
  try {
    const p = plan(m.maxSamples);
    const end = p.plan.end;
    lastEnd = end && end.lastSeries !== null ? `${end.upTo}:${end.lastSeries}` : null;
    const out: PlanMessage = { epoch: m.epoch, expect: p.expect, finalBefore: p.final, result: p.result, plan: p.plan };
    parentPort!.postMessage(out, [p.plan.rows, p.plan.states, p.plan.chunks.buffer, p.plan.chunkData.buffer] as ArrayBuffer[]);
  } catch (e) {
    planner.abort();
    epoch = undefined;
    parentPort!.postMessage({ error: (e as Error).message ?? String(e) });
  }
});
