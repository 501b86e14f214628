// Posts batches to the collector: gzip'd JSON (`Content-Encoding: gzip`), split so the
// uncompressed body stays under maxBodyBytes, halved again on 413. Says for each batch
// whether it was stored, must be retried (and when), or was refused for good.
import type { Logger } from '../../log/logger.js';
import { OncePer } from '../../log/once-per.js';
import type { IngestAck, IngestBatch } from '../../protocol/samples.js';
import { parseRetryAfter } from './backoff.js';
import { gzipBatch } from './encode.js';
import { HttpError, request, tokenRefused, type HttpAnswer, type TlsTrust } from './http.js';
import { halve, splitBySizes } from './split.js';

/** A batch on its way, with its gzip'd body once encoded (kept for the spool if it must wait). */
export type Part = IngestBatch & { gz?: Buffer };

export interface SenderOptions {
  /** Collector base URL, e.g. http://127.0.0.1:8080. */
  collector: string;
  token: string;
  logger: Logger;
  /** The current limit (it comes with the assignment and may change). */
  maxBodyBytes: () => number;
  /** Per-request timeout, ms (default 30 000). */
  requestTimeoutMs?: number;
  /** https: how the collector's certificate is trusted; a collector that fails it is never sent the token. */
  tls?: TlsTrust;
  /** Bytes in the agent's spool now, sent as `X-Pantau-Spool-Bytes` so the collector's /metrics shows it. */
  spoolBytes?: () => number;
}

export interface SendResult {
  /** Parts the collector acknowledged (stored or duplicate). */
  acked: IngestAck[];
  /** Parts refused for good (a malformed batch: 400 without a sample's path), already logged. */
  dropped: number;
  /** Samples the collector refused by themselves (in its acknowledgement, or by an older collector's 400/403 naming them). */
  refusedSamples: number;
  /** Set when the rest must wait: these parts, not yet stored, go to the spool. */
  retry?: { remaining: Part[]; reason: string; retryAfterMs?: number };
  /** sendSpooled() only: nothing was taken and the spooled batch stays as it is. */
  untouched?: boolean;
}

export class Sender {
  private readonly log: Logger;
  private readonly url: URL;
  /** What the collector refused or set aside is logged once per device per hour. */
  private readonly said = new OncePer();

  constructor(private readonly opts: SenderOptions) {
    this.log = opts.logger.child({ component: 'sender' });
    this.url = new URL('/api/v1/ingest', opts.collector);
  }

  async send(batch: IngestBatch, signal?: AbortSignal): Promise<SendResult> {
    const max = this.opts.maxBodyBytes();
    const sizes: number[] = [];
    const gz = await gzipBatch(batch, max, sizes);
    const queue: Part[] =
      gz || batch.samples.length <= 1 ? [{ agent: batch.agent, batch: batch.batch, samples: batch.samples, gz }] : splitBySizes(batch, sizes, max);
    const result: SendResult = { acked: [], dropped: 0, refusedSamples: 0 };
    // Bounded: every round sends a part, and takes it off the queue, halves it or takes a sample out of it.
    while (queue.length > 0) {
      const part = queue[0];
      const r = await this.post(part, signal);
      if (r.kind === 'ok') {
        result.acked.push(r.ack);
        result.refusedSamples += r.ack.refusedCount ?? r.ack.refused?.length ?? 0;
        this.tell(r.ack);
        queue.shift();
      } else if (r.kind === 'too-large') {
        const halves = halve(part);
        queue.shift();
        if (halves) queue.unshift(...halves);
        else {
          result.dropped++;
          this.log.error({ batch: part.batch, status: 413 }, 'collector refuses even a single sample as too large; dropped');
        }
      } else if (r.kind === 'refused') {
        queue.shift();
        const bad = /^samples\[(\d+)\]/.exec(r.path ?? '');
        const i = bad ? Number(bad[1]) : -1;
        if (i >= 0 && i < part.samples.length) {
          // An older collector refuses the whole batch for one sample (an unknown or unassigned
          // device, a value out of range): drop that sample, send the rest, however many times it
          // takes. A rejected batch stored nothing, so the rest goes under an id of its own.
          result.refusedSamples++;
          if (part.samples.length > 1) queue.unshift({ agent: part.agent, batch: `${part.batch}.x${i}`, samples: part.samples.filter((_, k) => k !== i) });
          const device = (part.samples[i] as { device?: string }).device ?? '(none)';
          if (this.said.due(`${device}\u0000refused`)) {
            this.log.error({ batch: part.batch, device, status: r.status, error: r.error, path: r.path }, 'collector refused a sample; dropped it and resending the others (said once an hour per device)');
          }
        } else {
          result.dropped++;
          this.log.error(
            { batch: part.batch, status: r.status, error: r.error, path: r.path, samples: part.samples.length },
            'collector refused the batch as malformed; dropped (resending would fail the same way)',
          );
        }
      } else {
        result.retry = { remaining: queue, reason: r.reason, retryAfterMs: r.retryAfterMs };
        break;
      }
    }
    return result;
  }

  /**
   * Sends a spooled batch as it lies on disk: its file (gzip'd JSON) is the request body, so a
   * backlog replays without decoding and encoding each batch again. Its samples are read
   * (`load`) only when the collector wants it split (413) or refuses a sample; a file that
   * cannot be read then is dropped, counted and logged.
   */
  async sendSpooled(spooled: { batch: string; samples: number; gz: Buffer }, load: () => Promise<IngestBatch>, signal?: AbortSignal): Promise<SendResult> {
    const r = await this.post({ agent: '', batch: spooled.batch, samples: [], gz: spooled.gz }, signal, spooled.samples);
    if (r.kind === 'ok') {
      this.tell(r.ack);
      return { acked: [r.ack], dropped: 0, refusedSamples: r.ack.refusedCount ?? r.ack.refused?.length ?? 0 };
    }
    if (r.kind === 'retry') return { acked: [], dropped: 0, refusedSamples: 0, untouched: true, retry: { remaining: [], reason: r.reason, retryAfterMs: r.retryAfterMs } };
    try {
      const batch = await load();
      if (!batch || typeof batch.batch !== 'string' || !Array.isArray(batch.samples)) throw new Error('not a batch {agent, batch, samples}');
      return await this.send(batch, signal);
    } catch (err) {
      // Unreadable, or not a batch this agent can encode (a hand edit, another version): it
      // would fail the same way forever and hold up the backlog behind it.
      this.log.error({ batch: spooled.batch, err: String(err) }, 'unreadable spooled batch dropped');
      return { acked: [], dropped: 1, refusedSamples: 0 };
    }
  }

  /** Logs what an acknowledgement refused or set aside, once per device and kind per hour. */
  private tell(ack: IngestAck): void {
    for (const x of ack.refused ?? []) {
      if (!this.said.due(`${x.device ?? '(none)'}\u0000refused`)) continue;
      this.log.error({ batch: ack.batch, device: x.device, reason: x.reason, error: x.error, refused: ack.refusedCount }, 'collector refused samples of this device (the rest of the batch is stored; said once an hour per device)');
    }
    for (const x of ack.setAside ?? []) {
      if (!this.said.due(`${x.device ?? '(none)'}\u0000aside`)) continue;
      this.log.warn({ batch: ack.batch, device: x.device, field: x.field, error: x.error, setAside: ack.setAsideCount }, 'collector set aside a field of this device as unknown (the sample is stored; said once an hour per device)');
    }
  }

  private async post(part: Part, signal?: AbortSignal, count = part.samples.length): Promise<PostOutcome> {
    part.gz ??= await gzipBatch(part);
    let res: HttpAnswer;
    try {
      res = await request(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-encoding': 'gzip',
          authorization: `Bearer ${this.opts.token}`,
          ...(this.opts.spoolBytes ? { 'x-pantau-spool-bytes': String(this.opts.spoolBytes()) } : {}),
        },
        body: part.gz,
        timeoutMs: this.opts.requestTimeoutMs ?? 30_000,
        signal,
        tls: this.opts.tls,
      });
    } catch (err) {
      const code = err instanceof HttpError ? err.code : undefined;
      // A certificate that fails verification is named in full: the operator must act.
      const why = err instanceof HttpError && (code === 'ECERTPIN' || err.message.startsWith('TLS')) ? err.message : code;
      return { kind: 'retry', reason: `collector unreachable: ${why ?? (err instanceof Error ? err.message : String(err))}` };
    }
    const text = res.text;
    if (res.status === 200 || res.status === 201) {
      try {
        return { kind: 'ok', ack: JSON.parse(text) as IngestAck };
      } catch {
        return { kind: 'ok', ack: { ok: true, batch: part.batch, stored: count, duplicate: false } };
      }
    }
    let error = text.slice(0, 500);
    let path: string | undefined;
    try {
      const j = JSON.parse(text) as { error?: string; path?: string };
      error = j.error ?? error;
      path = j.path;
    } catch {
      /* not JSON: keep the text */
    }
    if (res.status === 413) return { kind: 'too-large' };
    if (res.status === 429 || res.status === 503) {
      return { kind: 'retry', reason: `collector answered ${res.status}: ${error}`, retryAfterMs: parseRetryAfter(firstHeader(res.headers['retry-after'])) };
    }
    if (res.status >= 500) return { kind: 'retry', reason: `collector answered ${res.status}: ${error}` };
    // Refused for good: only what the collector says is wrong with the batch itself.
    if (res.status === 400 || (res.status === 403 && /^samples\[/.test(path ?? ''))) return { kind: 'refused', status: res.status, error, path };
    // Anything else says nothing against the batch: a token the collector does not know (yet),
    // an agent id it does not recognise, a redirect (not followed: a proxy must not get the
    // batches), or no collector at this URL. Keep everything spooled and retry slowly; the
    // operator fixes the token, the id or the URL.
    const refused = tokenRefused(res.status);
    if (refused) return { kind: 'retry', reason: `${refused}: ${error} (check the token in the agent's config and under agents in the collector's)`, retryAfterMs: 60_000 };
    const hint =
      res.status >= 300 && res.status < 400
        ? `a redirect to ${firstHeader(res.headers.location) ?? '(no Location)'}: set the agent's collector URL to where it points`
        : `is ${this.url.origin} the Pantau collector?`;
    return { kind: 'retry', reason: `collector answered ${res.status}: ${error} (${hint})`, retryAfterMs: 60_000 };
  }
}

type PostOutcome =
  | { kind: 'ok'; ack: IngestAck }
  | { kind: 'too-large' }
  | { kind: 'refused'; status: number; error: string; path?: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

const firstHeader = (h: string | string[] | undefined): string | null => (Array.isArray(h) ? h[0] : h) ?? null;
