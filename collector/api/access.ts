// Who may send what, decided in `onRequest`: before Fastify reads, gunzips or parses a body.
// In order: an unknown route gets 404; the client address's rate; the token (401); the
// token's rate (429); the role the route needs (403). A request refused here with a body
// still on the wire is answered with `Connection: close`, so its body is never processed.
// Handlers keep their own checks (they need the principal, and a check at the handler costs
// nothing); this table is what makes them early.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Auth, Principal, Role } from './auth.js';
import { ApiError } from './errors.js';
import { RateLimiter } from './rate-limit.js';
import { CSRF_HEADER, sameOrigin, sessionToken } from './session.js';

/** `public`: no token. `agent`: an agent token (for `:id` routes, that agent's own). `token`: any known token. */
export type Access = 'public' | 'agent' | 'token' | Role;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Overrides ROUTE_ACCESS for this route. */
    access?: Access;
  }
}

/** Routes by `METHOD /pattern`. A route not listed needs a known token when it has a body; a GET is left to its handler. */
export const ROUTE_ACCESS: Record<string, Access> = {
  'POST /api/v1/ingest': 'agent',
  'GET /api/v1/agents/:id/assignment': 'agent',
  'GET /api/v1/status': 'viewer',
  'GET /api/v1/usage': 'viewer',
  'GET /api/v1/series': 'viewer',
  'GET /api/v1/alerts': 'viewer',
  'POST /api/v1/alerts/:id/ack': 'operator',
  'GET /healthz': 'public',
  'GET /api/v1/healthz': 'public',
  'GET /metrics': 'public',
  'GET /api/v1/metrics': 'public',
  'GET /': 'public',
};

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

export interface AccessOptions {
  auth: Auth;
  /** Requests per second per token and per client address (bursts of 10 seconds' worth). */
  ratePerToken: number;
  ratePerAddress: number;
  /** Monotonic clock of the rate limits, ms. */
  clock: () => number;
}

/** Whether the request announced a body (read or not). */
export const hasBody = (req: FastifyRequest): boolean =>
  req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');

function accessOf(req: FastifyRequest): Access | undefined {
  const own = req.routeOptions.config?.access;
  if (own) return own;
  const listed = ROUTE_ACCESS[`${req.method === 'HEAD' ? 'GET' : req.method} ${req.routeOptions.url}`];
  if (listed) return listed;
  return req.method === 'GET' || req.method === 'HEAD' ? undefined : 'token';
}

export function installAccess(app: FastifyInstance, o: AccessOptions): { addresses: () => number } {
  const perAddress = new RateLimiter(o.ratePerAddress, o.clock);
  const perToken = new RateLimiter(o.ratePerToken, o.clock);

  app.addHook('onRequest', async (req) => {
    if (req.is404) throw new ApiError('PANTAU_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`);
    adoptSession(req);
    const wait = perAddress.take(req.ip);
    if (wait) throw new ApiError('PANTAU_RATE_LIMITED', `too many requests from ${req.ip}; retry after ${wait} s`, undefined, wait);
    const access = accessOf(req);
    if (access === undefined || access === 'public') return;
    const who = o.auth.identify(req.headers.authorization);
    const tokenWait = perToken.take(`${who.kind}:${who.id}`);
    if (tokenWait) throw new ApiError('PANTAU_RATE_LIMITED', `too many requests for ${who.kind} "${who.id}"; retry after ${tokenWait} s`, undefined, tokenWait);
    if (access === 'agent') {
      if (who.kind !== 'agent') throw new ApiError('PANTAU_FORBIDDEN', `this endpoint is for agents; the token belongs to ${who.kind} "${who.id}"`);
      const id = (req.params as { id?: string } | undefined)?.id;
      if (id !== undefined && id !== who.id) throw new ApiError('PANTAU_FORBIDDEN', `the token belongs to agent "${who.id}", not "${id}"`);
    } else if (access !== 'token') {
      if (who.kind !== 'user') throw new ApiError('PANTAU_FORBIDDEN', `this endpoint is for users with role ${access} or above; the token belongs to ${who.kind} "${who.id}"`);
      if (RANK[who.role] < RANK[access]) throw new ApiError('PANTAU_FORBIDDEN', `role ${access} required; user "${who.id}" has role ${who.role}`);
    }
    req.principal = who;
  });
  return { addresses: () => perAddress.size() };
}

/** A browser's session cookie stands for its token (session.ts); a write by cookie must be same-origin and say so. */
function adoptSession(req: FastifyRequest): void {
  if (req.headers.authorization) return;
  const token = sessionToken(req.headers);
  if (!token) return;
  if (req.method !== 'GET' && req.method !== 'HEAD' && (!req.headers[CSRF_HEADER] || !sameOrigin(req.headers)))
    throw new ApiError('PANTAU_FORBIDDEN', `a write with a session cookie needs the ${CSRF_HEADER} header and this server's origin`);
  req.headers.authorization = `Bearer ${token}`;
}
