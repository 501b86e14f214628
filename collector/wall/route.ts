// The wall display and its sessions, served by the collector:
// - `GET /` the wall, `GET /opd/:id` one OPD; their scripts at `/assets/{wall,opd}.js`
//   (esbuild bundles, gzipped, dashboard/build.ts). The pages hold no data: they read it
//   with the session cookie.
// - `GET /?token=T`: a viewer's token becomes the long-lived HttpOnly wall cookie (an
//   operator's the 12-hour operator cookie) and the browser is sent to `/`, so the token
//   leaves the address bar (and the logs redact it).
// - `POST /api/v1/session` (token in the Authorization header): a viewer's token sets the
//   wall cookie, an operator's (or admin's) the operator cookie; `GET` says who is signed in,
//   `DELETE` signs the operator out (the wall stays signed in).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CollectorConfig } from '../../config/collector.js';
import type { Auth } from '../api/auth.js';
import { ApiError } from '../api/errors.js';
import { clearCookie, OPERATOR_COOKIE, OPERATOR_SESSION_S, sessionToken, setCookie, WALL_COOKIE, WALL_SESSION_S } from '../api/session.js';
import { dashboardBundle, ENTRIES, type Entry } from '../../dashboard/build.js';
import { pageHtml } from '../../dashboard/page.js';

export interface WallOptions {
  config: CollectorConfig;
  auth: Auth;
  /** Cookies get `Secure` when the collector serves HTTPS. */
  secure: boolean;
}

const PUBLIC = { access: 'public' as const };
const TOKEN = { access: 'token' as const };

export function registerWall(app: FastifyInstance, o: WallOptions): void {
  const language = o.config.report.language;
  // Built while the collector starts; the first page waits for it if need be.
  const bundle = dashboardBundle();
  bundle.catch((e) => app.log.error({ err: e }, 'building the wall display failed; / will answer 500'));

  const page = async (reply: FastifyReply, entry: Entry, opd?: string, session?: { name: string; role: string }) => {
    const b = await bundle;
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:")
      .send(pageHtml({ entry, language, etag: b.assets[entry].etag, opd, css: entry === 'opd' ? b.uplotCss : '', session }));
  };
  // Who the request's session cookie signs in, if anyone: the wall page says so in itself, so
  // that it opens its stream at once instead of asking GET /api/v1/session first (a round trip
  // and a wait for the page's first layout, 150-300 ms of a first visit on a loaded machine).
  const sessionOf = (req: FastifyRequest): { name: string; role: string } | undefined => {
    const token = sessionToken(req.headers);
    if (!token) return undefined;
    try {
      const who = o.auth.requireUser(`Bearer ${token}`, 'viewer');
      return { name: who.id, role: who.role };
    } catch (e) {
      if (e instanceof ApiError) return undefined; // unknown or revoked: the page asks for a token
      throw e;
    }
  };

  app.get<{ Querystring: { token?: string } }>('/', { config: PUBLIC }, async (req, reply) => {
    const token = req.query.token;
    if (token !== undefined) {
      let role;
      try {
        role = o.auth.requireUser(`Bearer ${token}`, 'viewer').role;
      } catch (e) {
        if (e instanceof ApiError) return reply.code(e.status).type('text/html; charset=utf-8').send(refusedHtml(e.message));
        throw e;
      }
      return reply.header('set-cookie', sessionCookie(role, token, o.secure)).header('cache-control', 'no-store').redirect('/', 303);
    }
    return page(reply, 'wall', undefined, sessionOf(req));
  });
  app.get<{ Params: { id: string } }>('/opd/:id', { config: PUBLIC }, async (req, reply) => {
    if (!o.config.opds.some((x) => x.id === req.params.id)) throw new ApiError('PANTAU_NOT_FOUND', `no OPD "${req.params.id}" in the configuration`);
    return page(reply, 'opd', req.params.id);
  });
  app.get<{ Params: { file: string } }>('/assets/:file', { config: PUBLIC }, async (req, reply) => {
    const name = req.params.file.replace(/\.js$/, '') as Entry;
    if (!req.params.file.endsWith('.js') || !ENTRIES.includes(name)) throw new ApiError('PANTAU_NOT_FOUND', `no asset ${req.params.file}`);
    const a = (await bundle).assets[name];
    reply.type('text/javascript; charset=utf-8').header('etag', a.etag).header('cache-control', 'no-cache').header('vary', 'accept-encoding');
    if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
    if (/\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) return reply.header('content-encoding', 'gzip').send(a.gzip);
    return reply.send(a.js);
  });

  app.get('/api/v1/session', { config: TOKEN }, async (req) => {
    const who = o.auth.requireUser(req.headers.authorization, 'viewer');
    return { name: who.id, role: who.role };
  });
  app.post('/api/v1/session', { config: TOKEN }, async (req, reply) => {
    const who = o.auth.requireUser(req.headers.authorization, 'viewer');
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    return reply.header('set-cookie', sessionCookie(who.role, token, o.secure)).send({ name: who.id, role: who.role });
  });
  app.delete('/api/v1/session', { config: TOKEN }, async (_req, reply) => reply.header('set-cookie', clearCookie(OPERATOR_COOKIE, o.secure)).send({ ok: true }));
}

/** A viewer's token is the wall's session (never ends); an operator's or admin's lasts 12 hours, also when given in the address. */
function sessionCookie(role: string, token: string, secure: boolean): string {
  return role === 'viewer' ? setCookie(WALL_COOKIE, token, WALL_SESSION_S, secure) : setCookie(OPERATOR_COOKIE, token, OPERATOR_SESSION_S, secure);
}

function refusedHtml(message: string): string {
  const esc = message.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html lang="id"><meta charset="utf-8"><title>Pantau</title><body style="font-family:system-ui;margin:3rem"><h1>Pantau</h1><p>Token ditolak / token refused: ${esc}</p></body></html>`;
}
