// WebSocket /api/v1/stream on the collector's HTTP(S) server. The token (Authorization header,
// `token` query parameter, or the wall's session cookie) is checked on the upgrade request:
// without a viewer's token the answer is 401 and no WebSocket exists. `?since=SEQ&epoch=E`
// resumes at connect (the missed events instead of a snapshot, when they are still held).
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Auth } from '../api/auth.js';
import { ApiError } from '../api/errors.js';
import { sameOrigin, sessionToken } from '../api/session.js';
import type { StreamHub } from './hub.js';

export const STREAM_PATH = '/api/v1/stream';

/** Answers an upgrade request with an HTTP error in the contract's shape and closes. */
function refuse(socket: Duplex, e: ApiError): void {
  const body = JSON.stringify(e.toBody());
  const reason = e.status === 401 ? 'Unauthorized' : e.status === 403 ? 'Forbidden' : e.status === 404 ? 'Not Found' : 'Bad Request';
  socket.end(`HTTP/1.1 ${e.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

export function registerStream(app: FastifyInstance, auth: Auth, hub: StreamHub): void {
  // Messages from displays are small (resume); anything larger is a misbehaving client.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  app.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://collector');
    if (url.pathname !== STREAM_PATH) return refuse(socket, new ApiError('PANTAU_NOT_FOUND', `no WebSocket at ${url.pathname}; the stream is ${STREAM_PATH}`));
    const query = url.searchParams.get('token');
    const cookie = sessionToken(req.headers);
    const header = req.headers.authorization ?? (query ? `Bearer ${query}` : cookie ? `Bearer ${cookie}` : undefined);
    try {
      // A page of another site must not open the stream with this browser's cookie.
      if (!req.headers.authorization && !query && cookie && !sameOrigin(req.headers))
        throw new ApiError('PANTAU_FORBIDDEN', 'the session cookie is only accepted from this server\'s own pages');
      auth.requireUser(header, 'viewer');
    } catch (e) {
      return refuse(socket, e instanceof ApiError ? e : new ApiError('PANTAU_UNAUTHORIZED', 'unknown token'));
    }
    const since = url.searchParams.get('since');
    const resume = since !== null && /^\d+$/.test(since) ? { since: Number(since), epoch: url.searchParams.get('epoch') ?? undefined } : undefined;
    wss.handleUpgrade(req, socket, head, (ws) => hub.add(ws, resume));
  });
}
