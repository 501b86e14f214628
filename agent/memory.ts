// Keeps the agent's memory close to what it really holds. A cycle over a large fleet makes
// many short-lived objects (decoded values, request buffers, sample JSON); V8 grows its heap to
// hold that garbage and keeps the pages, so the RSS stays far above the live set (16 MB
// between cycles for 300 routers of 49 interfaces, against 195 MB RSS). A full collection
// after each cycle, and every `everyDevices` devices within one, bounds the peak; each costs
// a few milliseconds because the live set is small. Measured in docs/BENCHMARKS.md.
import v8 from 'node:v8';
import vm from 'node:vm';

let gcFn: (() => void) | undefined | null;

function gc(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g === 'function') return (gcFn = g);
  try {
    // Exposes V8's collector to a fresh context without a command-line flag.
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/** Runs a full garbage collection now, where the runtime allows it. */
export function collectGarbage(): void {
  gc()?.();
}

/** Calls collectGarbage() every `every` calls of the returned function (0: never). */
export function collectEvery(every: number): () => void {
  let n = 0;
  return () => {
    if (every > 0 && ++n % every === 0) collectGarbage();
  };
}
