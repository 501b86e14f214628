// GET /api/v1/agents/{id}/assignment: central configuration. An agent learns from here
// which devices it polls, with which credentials, and how often.
import type { FastifyInstance } from 'fastify';
import type { CollectorConfig } from '../../config/collector.js';
import type { Assignment } from '../../protocol/assignment.js';
import type { Auth } from '../api/auth.js';
import { ApiError } from '../api/errors.js';

export function assignmentFor(cfg: CollectorConfig, agentId: string): Assignment | undefined {
  const a = cfg.agents.find((x) => x.id === agentId);
  if (!a) return undefined;
  const byId = new Map(cfg.devices.map((d) => [d.id, d]));
  return {
    agent: a.id,
    intervalSeconds: a.intervalSeconds,
    maxBodyBytes: cfg.limits.maxBodyBytes,
    devices: a.poll.map((id) => {
      const d = byId.get(id)!;
      return { id: d.id, opd: d.opd, kind: d.kind, address: d.address, snmp: d.snmp, ping: d.ping };
    }),
  };
}

export function registerAssignment(app: FastifyInstance, cfg: CollectorConfig, auth: Auth): void {
  app.get<{ Params: { id: string } }>('/api/v1/agents/:id/assignment', async (req) => {
    const who = auth.identify(req.headers.authorization);
    if (who.kind !== 'agent' || who.id !== req.params.id)
      throw new ApiError('PANTAU_FORBIDDEN', `only agent "${req.params.id}" may read its assignment`);
    const a = assignmentFor(cfg, req.params.id);
    if (!a) throw new ApiError('PANTAU_NOT_FOUND', `no agent "${req.params.id}" in the configuration`);
    return a;
  });
}
