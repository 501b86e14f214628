// The agent's HTTP client: node:http(s) directly. fetch() would do, but loading undici costs
// the agent about 13 MB of RSS for two kinds of request (docs/BENCHMARKS.md).
// Over https the TLS connection is made and verified first (the CA, a pinned fingerprint);
// only a verified connection is handed to the request, so the token never reaches a server
// that failed verification.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { ConfigError } from '../../config/load.js';

/** How the collector's certificate is trusted: a CA (PEM), a pinned SHA-256 fingerprint, or both. */
export interface TlsTrust {
  ca?: string | Buffer;
  /** Hex, colons optional, any case. */
  fingerprint?: string;
}

/** The trust of an agent's `tls:` config key (reads the CA file; throws naming it). */
export function loadTrust(cfg: { ca?: string; fingerprint?: string } | undefined): TlsTrust | undefined {
  if (!cfg) return undefined;
  let ca: Buffer | undefined;
  if (cfg.ca) {
    try {
      ca = readFileSync(cfg.ca);
    } catch (e) {
      throw new ConfigError(cfg.ca, [`tls.ca: expected a readable PEM file, found: ${(e as Error).message}`]);
    }
  }
  return { ca, fingerprint: cfg.fingerprint };
}

const normal = (fp: string): string => fp.replace(/:/g, '').toUpperCase();

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
  /** https: what to trust instead of (or beside) the system's CAs. */
  tls?: TlsTrust;
}

/** Error of a request that got no HTTP answer; `code` is the system error (ECONNREFUSED, ...) or ETIMEDOUT/ABORTED. */
export class HttpError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

export async function request(url: URL, o: HttpRequest): Promise<HttpAnswer> {
  if (url.protocol !== 'https:') return send(url, o);
  const started = Date.now();
  const socket = await connectVerified(url, o.tls, o.timeoutMs);
  if (o.signal?.aborted) {
    socket.destroy();
    throw new HttpError('aborted', 'ABORTED');
  }
  return send(url, { ...o, timeoutMs: Math.max(1, o.timeoutMs - (Date.now() - started)) }, socket);
}

function send(url: URL, o: HttpRequest, socket?: tls.TLSSocket): Promise<HttpAnswer> {
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
    // No agent: the request goes over this verified socket (with `agent: false` Node would open its own).
    const via = socket ? { createConnection: () => socket } : {};
    const req = lib.request(url, { method: o.method, headers, ...via }, (res) => {
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

/**
 * A TLS connection to `url`'s host, verified against `trust` (the system's CAs without it)
 * before anything is written: a certificate that fails is never sent a byte of the request.
 */
function connectVerified(url: URL, trust: TlsTrust | undefined, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const pinned = trust?.fingerprint ? normal(trust.fingerprint) : undefined;
    const socket = tls.connect({
      host,
      port: Number(url.port || 443),
      servername: net.isIP(host) ? undefined : host,
      ca: trust?.ca,
      // A pinned certificate alone may be self-signed: the pin is the trust then.
      rejectUnauthorized: !(pinned && !trust?.ca),
      minVersion: 'TLSv1.2',
    });
    const timer = setTimeout(() => fail(new HttpError(`no TLS handshake within ${timeoutMs} ms`, 'ETIMEDOUT')), timeoutMs);
    const fail = (e: HttpError): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(e);
    };
    socket.once('error', (e: NodeJS.ErrnoException) => fail(new HttpError(`TLS: ${e.message}`, e.code ?? 'ETLS')));
    socket.once('secureConnect', () => {
      if (pinned) {
        const got = socket.getPeerCertificate().fingerprint256;
        if (!got || normal(got) !== pinned)
          return fail(new HttpError(`TLS: the collector's certificate has SHA-256 fingerprint ${got ?? '(none)'}, not the pinned ${trust!.fingerprint}; nothing sent`, 'ECERTPIN'));
      }
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}
