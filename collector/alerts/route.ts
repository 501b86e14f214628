// Silences and the audit trail over HTTP:
//   GET /api/v1/silences[?all=1] (viewer), POST /api/v1/silences and DELETE /api/v1/silences/{id} (operator),
//   GET /api/v1/audit?from=&to=&limit= (operator or admin): every alert state change, ack,
//   notification and silence, newest first, with who and when.
import type { FastifyInstance } from 'fastify';
import type { CollectorConfig } from '../../config/collector.js';
import type { Auth } from '../api/auth.js';
import { ApiError } from '../api/errors.js';
import type { Store } from '../storage/store.js';
import type { SilenceInput, Silences } from './silences.js';

const KIND = /^[a-z][a-z0-9_]{0,63}$/;
/** The longest maintenance window accepted: 90 days. */
const MAX_WINDOW_MS = 90 * 86_400_000;

const bad = (message: string, path: string) => new ApiError('PANTAU_BAD_REQUEST', message, path);

function time(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isFinite(v) && v > 946_684_800_000) return Math.round(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const t = Date.parse(v);
    if (Number.isFinite(t)) return t;
  }
  throw bad(`${path}: expected milliseconds since the epoch or an ISO 8601 time with its offset (2026-12-02T22:00:00+07:00), found ${JSON.stringify(v)}`, path);
}

/** Validates a silence request; every problem names its field. */
export function parseSilence(body: unknown, cfg: Pick<CollectorConfig, 'opds' | 'devices'>, now: number): SilenceInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('expected a JSON object {opd?, device?, kind?, reason, start?, end}', '');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!['opd', 'device', 'kind', 'reason', 'start', 'end'].includes(k)) throw bad(`${k}: unknown field; expected opd, device, kind, reason, start, end`, k);
  const out: SilenceInput = { reason: '', start: 0, end: 0 };
  if (b.opd !== undefined) {
    if (typeof b.opd !== 'string' || !cfg.opds.some((o) => o.id === b.opd)) throw bad(`opd: expected the id of a configured OPD, found ${JSON.stringify(b.opd)}`, 'opd');
    out.opd = b.opd;
  }
  if (b.device !== undefined) {
    if (typeof b.device !== 'string' || !cfg.devices.some((d) => d.id === b.device)) throw bad(`device: expected the id of a configured device, found ${JSON.stringify(b.device)}`, 'device');
    out.device = b.device;
  }
  if (b.kind !== undefined) {
    if (typeof b.kind !== 'string' || !KIND.test(b.kind)) throw bad(`kind: expected an alert kind such as device_down, found ${JSON.stringify(b.kind)}`, 'kind');
    out.kind = b.kind;
  }
  if (out.opd === undefined && out.device === undefined && out.kind === undefined) throw bad('expected at least one of opd, device or kind (a silence of everything is refused)', 'opd');
  if (typeof b.reason !== 'string' || !b.reason.trim() || b.reason.length > 500) throw bad('reason: expected a text of 1 to 500 characters', 'reason');
  out.reason = b.reason.trim();
  out.start = b.start === undefined ? now : time(b.start, 'start');
  out.end = time(b.end, 'end');
  if (out.end <= out.start) throw bad('end: expected a time after start', 'end');
  if (out.end <= now) throw bad('end: expected a time in the future (this window is already over)', 'end');
  if (out.end - out.start > MAX_WINDOW_MS) throw bad('end: expected a window of at most 90 days', 'end');
  return out;
}

export function registerSilences(app: FastifyInstance, o: { auth: Auth; config: CollectorConfig; store: Store; silences: Silences; now: () => number }): void {
  const { auth, silences, now } = o;
  const db = o.store.db;
  const audit = db.prepare(`
    SELECT * FROM (
      SELECT e.ts, e.id AS seq, e.what, e.who, e.note, a.id AS alert, a.key, a.kind, a.opd, a.device, NULL AS silence
        FROM alert_event e JOIN alert a ON a.id = e.alert WHERE e.ts >= @from AND e.ts < @to
      UNION ALL
      SELECT created_at, 0, 'silence_created', created_by, reason, NULL, NULL, kind, opd, device, id FROM silence WHERE created_at >= @from AND created_at < @to
      UNION ALL
      SELECT deleted_at, 0, 'silence_deleted', deleted_by, reason, NULL, NULL, kind, opd, device, id FROM silence WHERE deleted_at >= @from AND deleted_at < @to
    ) ORDER BY ts DESC, seq DESC LIMIT @limit`);

  app.get<{ Querystring: { all?: string } }>('/api/v1/silences', { config: { access: 'viewer' } }, async (req) => {
    auth.requireUser(req.headers.authorization, 'viewer');
    return { silences: silences.list(now(), req.query.all === '1' || req.query.all === 'true') };
  });
  app.post('/api/v1/silences', { config: { access: 'operator' } }, async (req, reply) => {
    const who = auth.requireUser(req.headers.authorization, 'operator');
    const t = now();
    const s = silences.create(parseSilence(req.body, o.config, t), who.id, t);
    return reply.code(201).send(s);
  });
  app.delete<{ Params: { id: string } }>('/api/v1/silences/:id', { config: { access: 'operator' } }, async (req) => {
    const who = auth.requireUser(req.headers.authorization, 'operator');
    const id = Number(req.params.id);
    const s = Number.isInteger(id) ? silences.delete(id, who.id, now()) : undefined;
    if (!s) throw new ApiError('PANTAU_NOT_FOUND', `no silence ${req.params.id} in force`);
    return s;
  });
  app.get<{ Querystring: { from?: string; to?: string; limit?: string } }>('/api/v1/audit', { config: { access: 'operator' } }, async (req) => {
    auth.requireUser(req.headers.authorization, 'operator');
    const num = (v: string | undefined, d: number, path: string) => {
      if (v === undefined) return d;
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw bad(`${path}: expected a non-negative number, found "${v}"`, path);
      return n;
    };
    const from = num(req.query.from, 0, 'from');
    const to = num(req.query.to, Number.MAX_SAFE_INTEGER, 'to');
    const limit = Math.min(10_000, Math.max(1, Math.floor(num(req.query.limit, 1000, 'limit'))));
    const rows = audit.all({ from, to, limit }) as Record<string, unknown>[];
    // Newest first; at one instant, silence changes come before what they did to alerts.
    return { events: rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k, v]) => v !== null && k !== 'seq'))) };
  });
}
