// What the collector logs about the requests it refuses. URLs lose their secrets (a token in
// the query string is replaced); refusals anyone can cause by the thousand (no token, a
// rate limit) are counted in /metrics each time but logged at most once a minute per code,
// with the number left unlogged since the last line.
import type { FastifyBaseLogger } from 'fastify';
import type { ApiError, ApiErrorCode } from './errors.js';

const SECRET_PARAMS = /([?&](?:token|access_token|auth|key|password|secret)=)[^&#]*/gi;

/** `url` with the values of token-like query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

const NOISY = new Set<ApiErrorCode>(['PANTAU_UNAUTHORIZED', 'PANTAU_RATE_LIMITED']);

export class RefusalLog {
  private readonly last = new Map<ApiErrorCode, { at: number; unlogged: number }>();

  constructor(
    private readonly count: (labels: Record<string, string>) => void,
    /** Monotonic clock, ms. */
    private readonly now: () => number,
    private readonly everyMs = 60_000,
  ) {}

  refused(log: FastifyBaseLogger, e: ApiError, req: { method: string; url: string; ip: string }): void {
    this.count({ code: e.code });
    if (e.status === 404) return;
    const line = { status: e.status, code: e.code, path: e.path, method: req.method, url: redactUrl(req.url), client: req.ip };
    if (!NOISY.has(e.code)) return void log.warn(line, e.message);
    const t = this.now();
    const seen = this.last.get(e.code);
    if (seen && t - seen.at < this.everyMs) {
      seen.unlogged++;
      return;
    }
    this.last.set(e.code, { at: t, unlogged: 0 });
    const unlogged = seen?.unlogged ?? 0;
    log.warn(
      { ...line, unloggedSinceLast: unlogged },
      `${e.message}${unlogged ? ` (and ${unlogged} more refused with ${e.code} not logged in the last minute; see pantau_http_refused_total)` : ''}; lines like this are logged at most once a minute`,
    );
  }
}
