// GET /api/v1/alerts and POST /api/v1/alerts/{id}/ack.
import type { FastifyInstance } from 'fastify';
import type { Auth } from '../api/auth.js';
import { ApiError } from '../api/errors.js';
import type { AlertStore } from './alert-store.js';

export function registerAlerts(app: FastifyInstance, auth: Auth, alerts: AlertStore, now: () => number = Date.now): void {
  app.get<{ Querystring: { state?: string } }>('/api/v1/alerts', async (req) => {
    auth.requireUser(req.headers.authorization, 'viewer');
    const state = req.query.state ?? 'firing';
    if (state !== 'firing' && state !== 'resolved' && state !== 'all') throw new ApiError('PANTAU_BAD_REQUEST', `state: expected firing, resolved or all, found "${state}"`, 'state');
    return { alerts: alerts.list(state) };
  });
  app.post<{ Params: { id: string }; Body: { note?: unknown } | undefined }>('/api/v1/alerts/:id/ack', async (req) => {
    const who = auth.requireUser(req.headers.authorization, 'operator');
    const id = Number(req.params.id);
    const note = req.body?.note;
    if (note !== undefined && (typeof note !== 'string' || note.length > 2000)) throw new ApiError('PANTAU_BAD_REQUEST', 'note: expected a string of at most 2000 characters', 'note');
    const a = Number.isInteger(id) ? alerts.ack(id, who.id, note as string | undefined, now()) : undefined;
    if (!a) throw new ApiError('PANTAU_NOT_FOUND', `no alert ${req.params.id}`);
    return a;
  });
}
