// The HTTP server: Fastify with the contract's error shape, gzip request bodies, the body
// limit, and the routes each component registers. Routes live with their domain
// (collector/ingest/route.ts, collector/status/route.ts, …).
import Fastify, { LogController, type FastifyInstance, type FastifyError } from 'fastify';
import { createGunzip } from 'node:zlib';
import type { Logger } from '../../log/logger.js';
import { ApiError } from './errors.js';
import { StoreUnavailableError } from '../storage/store.js';

export interface ServerOptions {
  maxBodyBytes: number;
  logger: Logger;
}

export function createServer(opts: ServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: opts.maxBodyBytes,
    loggerInstance: opts.logger.child({ component: 'http' }) as unknown as import('fastify').FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    return503OnClosing: true,
  });

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
      e = new ApiError('PANTAU_BODY_TOO_LARGE', `request body over the limit of ${opts.maxBodyBytes} bytes (after decompression); split the batch`);
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
      e = new ApiError('PANTAU_UNSUPPORTED_MEDIA', `Content-Type ${req.headers['content-type'] ?? '(none)'} is not supported; expected application/json`);
    else if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError)
      e = new ApiError('PANTAU_INVALID_JSON', `malformed JSON body: ${err.message}`);
    else if ((err as { code?: string }).code === 'Z_DATA_ERROR' || (err as { code?: string }).code === 'Z_BUF_ERROR')
      e = new ApiError('PANTAU_BAD_REQUEST', `body is not valid gzip: ${err.message}`);
    else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) e = new ApiError('PANTAU_BAD_REQUEST', err.message);
    else {
      req.log.error({ err, url: req.url }, 'request failed');
      return reply.code(500).send(new ApiError('PANTAU_INTERNAL', 'internal error (logged by the collector)').toBody());
    }
    if (e.status >= 500 || e.status === 429) reply.header('Retry-After', String(e.retryAfter ?? 5));
    if (e.status !== 404) req.log.warn({ status: e.status, code: e.code, path: e.path, url: req.url }, e.message);
    return reply.code(e.status).send(e.toBody());
  });

  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send(new ApiError('PANTAU_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`).toBody()),
  );
  return app;
}
