// A real HTTP peer on loopback that plays the collector for agent tests: decodes gzip'd
// ingest bodies, records them, deduplicates batch ids as the collector does, and answers
// what the test scripts (413 over a limit, 429/503 with Retry-After, 400 with a path, ...).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { Assignment } from '../../protocol/assignment.js';

export interface Received {
  at: number;
  batch: string;
  samples: Record<string, unknown>[];
  rawBytes: number;
  gzip: boolean;
}

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

export interface CollectorPeer {
  url: string;
  received: Received[];
  /** Unique batch ids stored. */
  stored: Set<string>;
  /** Attempt times of every ingest request, including refused ones. */
  attempts: { at: number; status: number; bytes: number }[];
  assignment: Assignment | undefined;
  /** Decides the answer to an ingest request (default: store and 200). */
  script: (r: Received) => Answer | undefined;
  /** Bodies larger than this (uncompressed) get 413. */
  limit: number;
  close(): Promise<void>;
}

export async function startCollectorPeer(token = 'test-token-0123456789'): Promise<CollectorPeer> {
  const peer: CollectorPeer = {
    url: '',
    received: [],
    stored: new Set(),
    attempts: [],
    assignment: undefined,
    script: () => undefined,
    limit: Infinity,
    close: async () => undefined,
  };
  const send = (res: ServerResponse, a: Answer): void => {
    res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
    res.end(JSON.stringify(a.body ?? {}));
  };
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, { status: 401, body: { error: 'unknown token' } });
    if (req.method === 'GET' && req.url?.endsWith('/assignment')) {
      if (!peer.assignment) return send(res, { status: 503, body: { error: 'no assignment yet' } });
      return send(res, { status: 200, body: peer.assignment });
    }
    if (req.method !== 'POST' || req.url !== '/api/v1/ingest') return send(res, { status: 404, body: { error: 'not found' } });
    const gzip = req.headers['content-encoding'] === 'gzip';
    const raw = gzip ? gunzipSync(Buffer.concat(chunks)) : Buffer.concat(chunks);
    const body = JSON.parse(raw.toString('utf8')) as { batch: string; samples: Record<string, unknown>[] };
    const r: Received = { at: Date.now(), batch: body.batch, samples: body.samples, rawBytes: raw.length, gzip };
    const scripted = raw.length > peer.limit ? { status: 413, body: { error: 'body too large' } } : peer.script(r);
    peer.attempts.push({ at: r.at, status: scripted?.status ?? 200, bytes: raw.length });
    if (scripted) return send(res, scripted);
    const duplicate = peer.stored.has(body.batch);
    if (!duplicate) {
      peer.stored.add(body.batch);
      peer.received.push(r);
    }
    send(res, { status: 200, body: { ok: true, batch: body.batch, stored: duplicate ? 0 : body.samples.length, duplicate } });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return peer;
}
