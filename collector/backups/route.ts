// POST /api/v1/backups (an OPD's backup token for its own OPD, or an agent token for an OPD it
// watches): a run's start or end, or a finished run. GET /api/v1/backups (viewer): per OPD the
// status, last good backup, next due, recent runs and the month's counts. The token and its
// kind are checked on onRequest (route config `access`), before the body is read.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CollectorConfig } from '../../config/collector.js';
import type { Auth, Principal } from '../api/auth.js';
import { ApiError } from '../api/errors.js';
import { isMonth, monthOf, monthRange } from '../accounting/months.js';
import { acceptanceWindow } from '../ingest/validate.js';
import type { NewBackupRow } from './ledger.js';
import type { BackupService } from './service.js';

const RUN_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const KEYS = ['opd', 'ts', 'phase', 'run', 'ok', 'bytes', 'path', 'durationS', 'sha256', 'reason', 'exitCode'];
const OUTCOME = ['ok', 'bytes', 'durationS', 'sha256', 'reason', 'exitCode'];

const bad = (path: string, expected: string, found: unknown): never => {
  const shown = found === undefined ? 'nothing' : typeof found === 'string' ? JSON.stringify(found.length > 40 ? found.slice(0, 37) + '...' : found) : Array.isArray(found) ? 'an array' : found === null ? 'null' : typeof found === 'object' ? 'an object' : `${typeof found} ${String(found)}`;
  throw new ApiError('PANTAU_BAD_REQUEST', `${path}: expected ${expected}, found ${shown}`, path);
};

/** The body of POST /backups as a row (without source); 400 with the path of the first bad field. */
export function parseBackupReport(body: unknown, now: number, maxAgeMs: number): Omit<NewBackupRow, 'source'> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('(body)', 'a JSON object {opd, ts?, phase?, run?, ok?, bytes?, path?, durationS?, sha256?, reason?, exitCode?}', body);
  const o = body as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KEYS.includes(k)) bad(k, `no such field (expected one of ${KEYS.join(', ')})`, o[k]);
  if (typeof o.opd !== 'string' || o.opd.length === 0 || o.opd.length > 64) bad('opd', 'the id of an OPD', o.opd);
  const phase = o.phase === undefined ? undefined : o.phase;
  if (phase !== undefined && phase !== 'start' && phase !== 'end') bad('phase', '"start" or "end" (or nothing, for a finished run)', phase);
  const row: Omit<NewBackupRow, 'source'> = { opd: o.opd as string, ts: now, phase: phase === 'start' ? 'start' : 'end' };
  if (o.ts !== undefined) {
    if (typeof o.ts !== 'number' || !Number.isSafeInteger(o.ts) || o.ts < 0) bad('ts', 'milliseconds since the epoch (UTC)', o.ts);
    const win = acceptanceWindow(now, maxAgeMs);
    const t = o.ts as number;
    if (t < win.from || t > win.to) bad('ts', `a time within ${new Date(win.from).toISOString()} to ${new Date(win.to).toISOString()}`, t);
    row.ts = t;
  }
  if (o.run !== undefined) {
    if (typeof o.run !== 'string' || !RUN_ID.test(o.run)) bad('run', 'a run id of 1 to 128 letters, digits, ".", "_", ":" or "-"', o.run);
    row.run = o.run as string;
  }
  if (phase === 'start') {
    for (const k of OUTCOME) if (o[k] !== undefined) bad(k, 'nothing in a start (the outcome comes with the end)', o[k]);
  } else {
    if (o.ok !== undefined && typeof o.ok !== 'boolean') bad('ok', 'true or false', o.ok);
    row.ok = o.ok === undefined ? true : (o.ok as boolean);
  }
  if (o.bytes !== undefined) {
    const v = o.bytes;
    if (typeof v === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(v) && BigInt(v) < 1n << 63n) row.bytes = BigInt(v);
    else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) row.bytes = BigInt(v);
    else bad('bytes', 'a size in bytes (an unsigned integer, or a decimal string above 2^53)', v);
  }
  if (o.path !== undefined && (typeof o.path !== 'string' || o.path.length === 0 || o.path.length > 4096)) bad('path', 'a non-empty string of at most 4096 characters', o.path);
  if (o.path !== undefined) row.path = o.path as string;
  if (o.durationS !== undefined) {
    if (typeof o.durationS !== 'number' || !Number.isFinite(o.durationS) || o.durationS < 0 || o.durationS > 31 * 86400) bad('durationS', 'seconds from 0 to 2678400 (31 days)', o.durationS);
    row.durationS = o.durationS as number;
  }
  if (o.sha256 !== undefined) {
    if (typeof o.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(o.sha256)) bad('sha256', 'a SHA-256 of 64 hexadecimal digits', o.sha256);
    row.sha256 = (o.sha256 as string).toLowerCase();
  }
  if (o.reason !== undefined) {
    if (typeof o.reason !== 'string' || o.reason.length === 0 || o.reason.length > 500) bad('reason', 'a non-empty string of at most 500 characters', o.reason);
    row.reason = o.reason as string;
  }
  if (o.exitCode !== undefined) {
    if (typeof o.exitCode !== 'number' || !Number.isInteger(o.exitCode) || o.exitCode < -255 || o.exitCode > 255) bad('exitCode', 'an exit status from -255 to 255', o.exitCode);
    row.exitCode = o.exitCode as number;
  }
  return row;
}

export interface BackupRouteOptions {
  config: CollectorConfig;
  auth: Auth;
  backups: BackupService;
  now: () => number;
}

export function registerBackups(app: FastifyInstance, o: BackupRouteOptions): void {
  const opds = new Map(o.config.opds.map((x) => [x.id, x]));
  const devices = new Map(o.config.devices.map((d) => [d.id, d.opd]));
  const watched = new Map(o.config.agents.map((a) => [a.id, new Set(a.poll.map((d) => devices.get(d)))]));
  const maxAgeMs = Math.min(o.config.limits.maxSampleAgeDays ?? Infinity, o.config.store.rawDays) * 86_400_000;

  const notUser = (who: Principal): void => {
    if (who.kind === 'user') throw new ApiError('PANTAU_FORBIDDEN', `backups are reported with an OPD's backup token or an agent token; the token belongs to user "${who.id}"`);
  };
  // The route's own onRequest runs after access.ts has identified the token: a user token is refused before the body is read too.
  const early = async (req: FastifyRequest) => {
    if (req.principal) notUser(req.principal);
  };
  app.post('/api/v1/backups', { config: { access: 'token' }, onRequest: early }, async (req, reply) => {
    const who = req.principal ?? o.auth.identify(req.headers.authorization);
    notUser(who);
    const now = o.now();
    if (who.kind === 'backup' && body(req.body)?.opd !== undefined && body(req.body)!.opd !== who.opd)
      throw new ApiError('PANTAU_FORBIDDEN', `the backup token belongs to OPD "${who.opd}", not "${String(body(req.body)!.opd)}"`, 'opd');
    const row = parseBackupReport(req.body, now, maxAgeMs);
    if (!opds.has(row.opd)) throw new ApiError('PANTAU_NOT_FOUND', `opd: no OPD "${row.opd}" in the configuration`, 'opd');
    if (who.kind === 'agent' && !watched.get(who.id)?.has(row.opd))
      throw new ApiError('PANTAU_FORBIDDEN', `OPD "${row.opd}" is not watched by agent "${who.id}" (none of its assigned devices belongs to it)`, 'opd');
    const r = o.backups.ledger.add({ ...row, source: who.kind === 'agent' ? `api:agent:${who.id}` : `api:${who.id}` });
    const cfg = opds.get(row.opd)!;
    const e = o.backups.evaluate(cfg, now);
    return reply.code(r.duplicate ? 200 : 201).send({
      ok: true,
      id: r.id,
      duplicate: r.duplicate,
      opd: row.opd,
      phase: row.phase,
      ...(row.run ? { run: row.run } : {}),
      ts: row.ts,
      status: e?.status ?? 'not_configured',
    });
  });

  app.get<{ Querystring: { month?: string } }>('/api/v1/backups', { config: { access: 'viewer' } }, async (req) => {
    o.auth.requireUser(req.headers.authorization, 'viewer');
    const { month } = req.query;
    const now = o.now();
    if (month !== undefined && !isMonth(month)) throw new ApiError('PANTAU_BAD_REQUEST', `month: expected YYYY-MM such as 2026-10, found "${month}"`, 'month');
    if (month !== undefined && monthRange(month, o.config.timezone).from > now)
      throw new ApiError('PANTAU_BAD_REQUEST', `month: ${month} has not begun in ${o.config.timezone}; expected this month (${monthOf(now, o.config.timezone)}) or an earlier one`, 'month');
    return o.backups.view(now, month);
  });
}

const body = (b: unknown): Record<string, unknown> | undefined => (b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : undefined);
