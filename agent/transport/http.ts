// The agent's HTTP client: node:http(s) directly. fetch() would do, but loading undici costs
// the agent about 13 MB of RSS for two kinds of request (docs/BENCHMARKS.md).
import http from 'node:http';
import https from 'node:https';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Buffer;
  /** Whole request, connect to last byte of the answer. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Longest answer accepted, bytes (default 1 MiB); a longer one fails the request (ETOOBIG). */
  maxAnswerBytes?: number;
}

/** Error of a request that got no HTTP answer; `code` is the system error (ECONNREFUSED, ...) or ETIMEDOUT/ABORTED. */
export class HttpError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

export function request(url: URL, o: HttpRequest): Promise<HttpAnswer> {
  return new Promise<HttpAnswer>((resolve, reject) => {
    if (o.signal?.aborted) return reject(new HttpError('aborted', 'ABORTED'));
    const lib = url.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { ...o.headers };
    if (o.body) headers['content-length'] = o.body.length;
    let settled = false;
    const finish = (err: HttpError | undefined, a?: HttpAnswer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(a!);
    };
    const req = lib.request(url, { method: o.method, headers }, (res) => {
      const chunks: Buffer[] = [];
      let kept = 0;
      const max = o.maxAnswerBytes ?? 1 << 20;
      res.on('data', (c: Buffer) => {
        kept += c.length;
        if (kept > max) finish(new HttpError(`answer of ${res.statusCode} longer than ${max} bytes`, 'ETOOBIG'));
        else chunks.push(c);
      });
      res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e: NodeJS.ErrnoException) => finish(new HttpError(e.message, e.code ?? 'ERESPONSE')));
    });
    const onAbort = (): void => finish(new HttpError('aborted', 'ABORTED'));
    const timer = setTimeout(() => finish(new HttpError(`no answer within ${o.timeoutMs} ms`, 'ETIMEDOUT')), o.timeoutMs);
    o.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => finish(new HttpError(e.message, e.code ?? 'EREQUEST')));
    req.end(o.body);
  });
}

/**
 * How a 401 or 403 is named in the agent's logs: the collector answered, and refused this
 * agent's token (unknown, or not this agent's). Not "unreachable": the fix is the token.
 */
export function tokenRefused(status: number): string | undefined {
  return status === 401 || status === 403 ? `token refused (${status})` : undefined;
}
