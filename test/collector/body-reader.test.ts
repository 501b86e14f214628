// The ingest body reader (collector/ingest/body.ts) against a stream of its own: the rules
// Fastify's reader had (the limit on decompressed and compressed bytes, the declared length,
// stream errors), and room held for what arrived, not for what was declared.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { FIRST_BYTES, readBody } from '../../collector/ingest/body.js';
import { BufferPool } from '../../collector/ingest/buffers.js';

type Done = { err: (Error & { code?: string; statusCode?: number }) | null; body?: Buffer };

/** Reads `chunks` through readBody; `taken` lists the sizes asked of the pool. */
function read(headers: Record<string, string>, chunks: (Buffer | Error)[], o: { limit?: number; gzip?: (sent: number) => number } = {}) {
  const pool = new BufferPool();
  const taken: number[] = [];
  const take = pool.take.bind(pool);
  pool.take = (n: number) => (taken.push(n), take(n));
  const payload = new PassThrough() as PassThrough & { receivedEncodedLength?: number };
  if (o.gzip) payload.receivedEncodedLength = 0;
  const result = new Promise<Done>((resolve) => readBody({ headers } as unknown as FastifyRequest, payload, o.limit ?? 1 << 24, pool, (err, body) => resolve({ err, body })));
  let sent = 0;
  for (const c of chunks) {
    if (c instanceof Error) payload.destroy(c);
    else {
      sent += c.length;
      if (o.gzip) payload.receivedEncodedLength = o.gzip(sent);
      payload.write(c);
    }
  }
  if (!chunks.some((c) => c instanceof Error)) payload.end();
  return { result, taken };
}

describe('the ingest body reader', () => {
  it('reads a body in many chunks into one buffer, whole', async () => {
    const text = 'x'.repeat(700_000);
    const chunks = Array.from({ length: 70 }, (_, k) => Buffer.from(text.slice(k * 10_000, (k + 1) * 10_000)));
    const { result, taken } = read({ 'content-length': String(text.length) }, chunks);
    const r = await result;
    expect(r.err).toBeNull();
    expect(r.body!.toString()).toBe(text);
    expect(taken[0]).toBe(FIRST_BYTES); // not the declared 700,000 before they arrive
    expect(Math.max(...taken)).toBeLessThanOrEqual(2 * text.length);
  });

  it('holds little for a client that declares a big body and sends a byte', async () => {
    const { taken } = read({ 'content-length': String(15 << 20) }, []);
    expect(taken).toEqual([FIRST_BYTES]);
  });

  it('refuses a declared length over the limit before reading, and a body growing over it', async () => {
    const early = await read({ 'content-length': '2000' }, [Buffer.alloc(10)], { limit: 1024 }).result;
    expect(early.err?.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
    const late = await read({}, [Buffer.alloc(800), Buffer.alloc(800)], { limit: 1024 }).result;
    expect(late.err?.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
    // gzip: the compressed bytes count too (a stream reporting more than the limit)
    const bomb = await read({ 'content-length': '100' }, [Buffer.alloc(100)], { limit: 1024, gzip: () => 5000 }).result;
    expect(bomb.err?.code).toBe('FST_ERR_CTP_BODY_TOO_LARGE');
  });

  it('answers a body shorter than declared, and a stream error, with a 400', async () => {
    const short = await read({ 'content-length': '100' }, [Buffer.alloc(60)]).result;
    expect([short.err?.code, short.err?.statusCode]).toEqual(['FST_ERR_CTP_INVALID_CONTENT_LENGTH', 400]);
    const broken = await read({}, [Buffer.alloc(10), new Error('unexpected end of file')]).result;
    expect([broken.err?.message, broken.err?.statusCode]).toEqual(['unexpected end of file', 400]);
    // gzip: the declared length is the compressed one
    const gz = await read({ 'content-length': '40' }, [Buffer.from('{"a":1}')], { gzip: () => 40 }).result;
    expect([gz.err, gz.body?.toString()]).toEqual([null, '{"a":1}']);
  });
});
