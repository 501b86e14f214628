// Bearer tokens of agents, users (viewer < operator < admin) and OPD backup scripts.
// Lookup hashes the presented token (SHA-256) and finds the digest in a map: what the lookup's
// timing could depend on is the digest, which says nothing about how much of a token was right
// (a token one character off has an unrelated digest). One lookup, whatever the number of
// tokens: a linear scan with a constant-time compare per entry cost 2 % of the collector's CPU
// at 300 agents, twice per request.
import { createHash } from 'node:crypto';
import type { CollectorConfig } from '../../config/collector.js';
import { ApiError } from './errors.js';

export type Role = 'viewer' | 'operator' | 'admin';
export type Principal =
  | { kind: 'agent'; id: string }
  | { kind: 'user'; id: string; role: Role }
  | { kind: 'backup'; id: string; opd: string };

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

const digest = (t: string): string => createHash('sha256').update(t, 'utf8').digest('base64');

export class Auth {
  /** Digest of each token → its principal (a later entry with the same token wins, as config order says). */
  private readonly entries = new Map<string, Principal>();

  constructor(cfg: CollectorConfig) {
    for (const a of cfg.agents) this.entries.set(digest(a.token), { kind: 'agent', id: a.id });
    for (const u of cfg.auth.users) this.entries.set(digest(u.token), { kind: 'user', id: u.name, role: u.role });
    for (const o of cfg.opds) if (o.backupToken) this.entries.set(digest(o.backupToken), { kind: 'backup', id: `backup:${o.id}`, opd: o.id });
  }

  /** The principal of an `Authorization: Bearer …` header (or a bare token); 401 otherwise. */
  identify(header: string | undefined): Principal {
    if (!header) throw new ApiError('PANTAU_UNAUTHORIZED', 'missing token: send "Authorization: Bearer TOKEN"');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = m ? m[1] : header.trim();
    const found = this.entries.get(digest(token));
    if (!found) throw new ApiError('PANTAU_UNAUTHORIZED', 'unknown token');
    return found;
  }

  /** A user of at least `role`; agents and backup tokens are refused with 403. */
  requireUser(header: string | undefined, role: Role): Principal & { kind: 'user' } {
    const p = this.identify(header);
    if (p.kind !== 'user') throw new ApiError('PANTAU_FORBIDDEN', `this endpoint is for users with role ${role} or above; the token belongs to ${p.kind} "${p.id}"`);
    if (RANK[p.role] < RANK[role]) throw new ApiError('PANTAU_FORBIDDEN', `role ${role} required; user "${p.id}" has role ${p.role}`);
    return p;
  }
}
