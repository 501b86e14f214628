// The collector's side of the merge thread (merge-worker.ts): one request for a slice's plan
// at a time, answered by a message Staging writes (Staging.onPlan).
import { Worker } from 'node:worker_threads';
import type { MergePlan, SliceResult } from './merge-plan.js';

export interface ThreadConfig {
  segmentMin: number;
  /** The fold's inputs (Rollup's foldOnMerge), or none. */
  fold: { maxGapMs: number; timezone: string } | undefined;
}

export interface PlanRequest {
  /** Staging's epoch: a different one than last time means "forget what you read". */
  epoch: number;
  maxSamples: number;
}

/** One slice's plan, with what it was read from: applied only if the store still shows that. */
export interface PlanMessage {
  epoch: number;
  /** meta 'merge_gen' when it was read (null: none). */
  expect: string | null;
  /** meta 'final_before' when it was read (0: none). */
  finalBefore: number;
  result: SliceResult;
  plan: MergePlan;
}

/** Where the worker's code is: beside this module's bundle chunk (bin/pantau.js), or its TypeScript source through tsx. */
function workerSource(): { file: URL; entry?: string } {
  const self = import.meta.url;
  if (self.endsWith('.ts')) return { file: new URL('../ingest/parse-worker-tsx.mjs', self), entry: new URL('./merge-worker.ts', self).href };
  return { file: new URL('./store-merge-worker.mjs', self) };
}

export class MergeThread {
  private readonly worker: Worker;
  busy = false;
  private closed = false;

  constructor(
    file: string,
    config: ThreadConfig,
    onPlan: (m: PlanMessage) => void,
    /** `gone`: the thread ended; no more plans come. */
    onError: (message: string, gone: boolean) => void,
  ) {
    const src = workerSource();
    this.worker = new Worker(src.file, { workerData: { entry: src.entry, file, config } });
    this.worker.unref();
    this.worker.on('message', (m: PlanMessage | { error: string }) => {
      if (this.closed) return; // an answer sent before terminate() still arrives: nothing is written after close
      this.busy = false;
      if ('error' in m) onError(`the merge thread failed to plan a slice: ${m.error}`, false);
      else onPlan(m);
    });
    this.worker.on('error', (e) => onError(`the merge thread failed: ${(e as Error).message}`, false));
    this.worker.once('exit', (code) => {
      this.busy = false;
      if (!this.closed) onError(`the merge thread exited (code ${code})`, true);
    });
  }

  request(r: PlanRequest): void {
    if (this.closed) return;
    this.busy = true;
    this.worker.postMessage(r);
  }

  close(): void {
    this.closed = true;
    void this.worker.terminate();
  }
}
