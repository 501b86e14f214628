// The collector's look at the background merge once ingest went idle (collector/main.ts): the
// merge's quiet rule (Store.maintain's `idleMs`) is checked IDLE_QUIET_MS after the last ingest
// answer, not at the next 50 ms tick.

export interface AfterIdle {
  /** Ingest went idle now: (re-)arms the call, `ms` from now. */
  idle(): void;
  /** No call from now on. */
  stop(): void;
}

/** Calls `fn` `ms` after the last `idle()` (each one re-arms it) until `stop()`; what it throws goes to `onError`. */
export function afterIdle(ms: number, fn: () => void, onError: (e: unknown) => void): AfterIdle {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  return {
    idle() {
      if (stopped) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        try {
          fn();
        } catch (e) {
          onError(e);
        }
      }, ms);
      timer.unref();
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
