// The load generator: sends prepared request bodies over keep-alive HTTP, checks every answer,
// and times the run. Same code for both targets. `sendAll` keeps a fixed number of requests in
// flight over one queue; `sendStreams` runs one sequential stream per writer (an agent sends its
// batches in order), all writers at once, and keeps every request's latency. A 429 or 503 is
// sent again after its Retry-After (at most 5 s; 50 ms without one), as an agent would.
// Bodies are turned into bytes before the clock starts: an agent holds its batch as bytes, and
// encoding a string of a megabyte on every send (its UTF-8 length, then its bytes) took the
// load generator's process more CPU than sending it, on the cores both servers share.
import http from 'node:http';

export interface SendResult {
  seconds: number;
  samples: number;
  requests: number;
}

export interface SendOptions {
  headers: Record<string, string>;
  okStatus: number;
  /**
   * Reads a successful answer and returns the samples the server says it stored (Pantau's
   * acknowledgement); without it every sample of an answered request counts as stored.
   */
  stored?: (body: string, sent: number) => number;
}

/** A request body, the samples it carries, and headers of its own (an agent's token). */
export type Body = { body: string | Buffer; count: number; headers?: Record<string, string> };

/** The bodies as bytes (done before a timed window starts). */
const asBytes = (bodies: Body[]): Body[] => bodies.map((b) => (typeof b.body === 'string' ? { ...b, body: Buffer.from(b.body) } : b));

/** Answers that ask the client to come back later: both targets get the same retry, as an agent would. */
const RETRY = new Set([429, 503]);
const MAX_RETRIES = 100;

function poster(url: string, maxSockets: number, o: SendOptions) {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  let retries = 0;
  /** Resolves to the stored count, or to a delay in ms when the server asked to retry. */
  const once = (b: Body) =>
    new Promise<{ stored: number } | { retryMs: number }>((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', agent, headers: { ...o.headers, ...b.headers, 'content-length': Buffer.byteLength(b.body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if (RETRY.has(res.statusCode ?? 0)) {
              const after = Number(res.headers['retry-after']);
              return resolve({ retryMs: Number.isFinite(after) && after > 0 ? Math.min(after * 1000, 5000) : 50 });
            }
            if (res.statusCode !== o.okStatus) return reject(new Error(`${url}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
            try {
              resolve({ stored: o.stored ? o.stored(text, b.count) : b.count });
            } catch (e) {
              reject(e as Error);
            }
          });
        },
      );
      req.setTimeout(300_000, () => req.destroy(new Error(`${url}: no answer within 300 s`)));
      req.on('error', reject);
      req.end(b.body);
    });
  const post = async (b: Body): Promise<number> => {
    for (let attempt = 0; ; attempt++) {
      const r = await once(b);
      if ('stored' in r) return r.stored;
      if (attempt >= MAX_RETRIES) throw new Error(`${url}: still asked to retry after ${MAX_RETRIES} attempts`);
      retries++;
      await new Promise((ok) => setTimeout(ok, r.retryMs));
    }
  };
  return { post, retries: () => retries, close: () => agent.destroy() };
}

export async function sendAll(url: string, given: Body[], o: SendOptions & { concurrency: number }): Promise<SendResult> {
  const bodies = asBytes(given);
  const { post, close } = poster(url, o.concurrency, o);
  let next = 0;
  let samples = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (next < bodies.length) {
      const n = await post(bodies[next++]); // not `samples += await …`: that would read samples before the wait
      samples += n;
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  } finally {
    close();
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, samples, requests: bodies.length };
}

export interface StreamsResult extends SendResult {
  /** performance.now() when the first request went out and when the last answer came. */
  startedAt: number;
  endedAt: number;
  /** Every request's time from sending to the end of its answer, ms. */
  latenciesMs: Float64Array;
  /** Samples the server said it stored. */
  stored: number;
  /** Answers 429 or 503 that were retried (the latency of a request includes its retries). */
  retries: number;
}

/** One writer per stream, each sending its bodies one after the other; all writers at once. */
export async function sendStreams(url: string, given: Body[][], o: SendOptions): Promise<StreamsResult> {
  const streams = given.map(asBytes);
  const { post, retries, close } = poster(url, streams.length, o);
  const requests = streams.reduce((n, s) => n + s.length, 0);
  const latenciesMs = new Float64Array(requests);
  let done = 0;
  let samples = 0;
  let stored = 0;
  const startedAt = performance.now();
  const writer = async (stream: Body[]) => {
    for (const b of stream) {
      const t = performance.now();
      const n = await post(b);
      stored += n;
      latenciesMs[done++] = performance.now() - t;
      samples += b.count;
    }
  };
  try {
    await Promise.all(streams.map(writer));
  } finally {
    close();
  }
  const endedAt = performance.now();
  return { seconds: (endedAt - startedAt) / 1000, samples, requests, startedAt, endedAt, latenciesMs, stored, retries: retries() };
}

/** The q-quantile (nearest rank) of a list of numbers. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(xs).sort();
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : NaN;
}
