// The HTTP(S) server: Fastify with the contract's error shape, gzip request bodies, the body
// limit, timeouts, the connection bound, and access decided before any body is read
// (access.ts). Routes live with their domain (collector/ingest/route.ts, …).
import Fastify, { LogController, type FastifyInstance, type FastifyError, type FastifyServerOptions } from 'fastify';
import type { Socket } from 'node:net';
import { createGunzip } from 'node:zlib';
import type { Logger } from '../../log/logger.js';
import type { CollectorConfig } from '../../config/collector.js';
import { ApiError } from './errors.js';
import { StoreUnavailableError } from '../storage/store.js';
import type { Auth } from './auth.js';
import type { Metrics } from './metrics.js';
import { hasBody, installAccess } from './access.js';
import { guardConnections } from './connections.js';
import { RefusalLog, redactUrl } from './refusals.js';
import type { TlsMaterial } from './tls.js';
import { lazyChildLogger } from './lazy-logger.js';

export interface ServerOptions {
  limits: CollectorConfig['limits'];
  logger: Logger;
  auth: Auth;
  metrics: Metrics;
  /** HTTPS with this certificate; plain HTTP without. */
  tls?: TlsMaterial;
  /** Monotonic clock of rate limits and log limits, ms (default performance.now). */
  clock?: () => number;
}

/** TLS settings given both at start and on every reload (setSecureContext replaces them all). */
export const TLS_CONTEXT = { minVersion: 'TLSv1.2' } as const;

export function createServer(opts: ServerOptions): FastifyInstance {
  const l = opts.limits;
  const clock = opts.clock ?? (() => performance.now());
  // Node checks header and request timeouts every connectionsCheckingInterval (30 s by default).
  const nodeTimeouts = { headersTimeout: l.headersTimeoutSeconds * 1000, connectionsCheckingInterval: 1000 };
  const options: FastifyServerOptions & { https?: object; http?: object } = {
    bodyLimit: l.maxBodyBytes,
    loggerInstance: opts.logger.child({ component: 'http' }) as unknown as import('fastify').FastifyBaseLogger,
    childLoggerFactory: lazyChildLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    return503OnClosing: true,
    requestTimeout: l.requestTimeoutSeconds * 1000,
    connectionTimeout: l.idleTimeoutSeconds * 1000,
    keepAliveTimeout: l.keepAliveSeconds * 1000,
    clientErrorHandler: answerClientError,
    frameworkErrors: (err, _req, reply) => {
      void (reply as unknown as import('fastify').FastifyReply).code(400).send(new ApiError('PANTAU_BAD_REQUEST', `malformed request: ${err.message}`).toBody());
    },
  };
  if (opts.tls) options.https = { cert: opts.tls.cert, key: opts.tls.key, ...TLS_CONTEXT, handshakeTimeout: l.headersTimeoutSeconds * 1000, ...nodeTimeouts };
  else options.http = nodeTimeouts;
  const app = Fastify(options as FastifyServerOptions) as unknown as FastifyInstance;

  const accepted = opts.metrics.counter('pantau_http_connections_accepted_total', 'Connections taken');
  const refusedConn = opts.metrics.counter('pantau_http_connections_refused_total', 'Connections closed by the connection bound, by reason (evicted: the oldest idle one, for a new one)');
  const openConns = guardConnections(app.server, { max: l.maxConnections, perAddress: l.maxConnectionsPerAddress }, (e) => (e === 'accepted' ? accepted() : refusedConn({ reason: e })));
  opts.metrics.gauge('pantau_http_connections_open', 'Open HTTP connections', openConns);
  const refusals = new RefusalLog(opts.metrics.counter('pantau_http_refused_total', 'Requests refused, by error code (401 and 429 included)'), clock);

  // Only JSON is parsed (Fastify also parses text/plain by default: that is a 415 here).
  app.removeContentTypeParser('text/plain');
  installAccess(app, { auth: opts.auth, ratePerToken: l.ratePerToken, ratePerAddress: l.ratePerAddress, clock });

  // Agents send gzip bodies; the limit applies to the decompressed size (no gzip bombs).
  app.addHook('preParsing', async (req, _reply, payload) => {
    const enc = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (enc === 'identity') return payload;
    if (enc !== 'gzip') throw new ApiError('PANTAU_UNSUPPORTED_MEDIA', `Content-Encoding ${enc} is not supported; expected gzip or none`);
    const gunzip = createGunzip() as ReturnType<typeof createGunzip> & { receivedEncodedLength?: number };
    gunzip.receivedEncodedLength = 0;
    payload.on('data', (c: Buffer) => (gunzip.receivedEncodedLength! += c.length));
    payload.on('error', (e) => gunzip.destroy(e));
    payload.pipe(gunzip);
    return gunzip;
  });

  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err instanceof StoreUnavailableError) e = new ApiError('PANTAU_STORE_UNAVAILABLE', err.message, undefined, 5);
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413)
      e = new ApiError('PANTAU_BODY_TOO_LARGE', `request body over the limit of ${l.maxBodyBytes} bytes (after decompression); split the batch`);
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415)
      e = new ApiError('PANTAU_UNSUPPORTED_MEDIA', `Content-Type ${req.headers['content-type'] ?? '(none)'} is not supported; expected application/json`);
    else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError)
      e = new ApiError('PANTAU_INVALID_JSON', `malformed JSON body: ${err.message}`);
    else if ((err as { code?: string }).code === 'Z_DATA_ERROR' || (err as { code?: string }).code === 'Z_BUF_ERROR')
      e = new ApiError('PANTAU_BAD_REQUEST', `body is not valid gzip: ${err.message}`);
    else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) e = new ApiError('PANTAU_BAD_REQUEST', err.message);
    else {
      req.log.error({ err, url: redactUrl(req.url) }, 'request failed');
      return reply.code(500).send(new ApiError('PANTAU_INTERNAL', 'internal error (logged by the collector)').toBody());
    }
    if (e.status >= 500 || e.status === 429) reply.header('Retry-After', String(e.retryAfter ?? 5));
    // Refused before its body was read: close, so the body is never read at all.
    if (hasBody(req) && req.body === undefined) reply.header('connection', 'close');
    refusals.refused(req.log, e, req);
    return reply.code(e.status).send(e.toBody());
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(new ApiError('PANTAU_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`).toBody()),
  );
  return app;
}

/** A request Node's parser refused (bad syntax, headers too large, too slow): the contract's shape, then close. */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
  const timeout = err.code === 'ERR_HTTP_REQUEST_TIMEOUT';
  const e = timeout
    ? new ApiError('PANTAU_REQUEST_TIMEOUT', 'the request did not arrive in time; connection closed')
    : new ApiError('PANTAU_BAD_REQUEST', `malformed HTTP request (${err.code ?? err.message}); connection closed`);
  const body = JSON.stringify(e.toBody());
  const reason = timeout ? 'Request Timeout' : 'Bad Request';
  socket.end(`HTTP/1.1 ${e.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
