// Retry timing for the collector: exponential backoff with jitter from 1 s to 60 s, unless
// the collector said when (Retry-After on 429/503, in seconds or as an HTTP date).

export interface BackoffOptions {
  minMs?: number;
  maxMs?: number;
  random?: () => number;
}

/** Delay before attempt number `failures` (1 = after the first failure): "equal jitter". */
export function backoffMs(failures: number, o: BackoffOptions = {}): number {
  const min = o.minMs ?? 1000;
  const max = o.maxMs ?? 60_000;
  const ceiling = Math.min(max, min * 2 ** Math.max(0, failures - 1));
  const r = (o.random ?? Math.random)();
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

/** Retry-After header → ms, or undefined when absent or unreadable. Capped at one hour. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.min(3_600_000, Math.round(Number(s) * 1000));
  const at = Date.parse(s);
  if (Number.isNaN(at)) return undefined;
  return Math.min(3_600_000, Math.max(0, at - now));
}
