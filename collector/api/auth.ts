// Bearer tokens of agents, users (viewer < operator < admin) and OPD backup scripts.
// Lookup hashes the presented token and compares digests in constant time, so response
// timing says nothing about how much of a token was right.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { CollectorConfig } from '../../config/collector.js';
import { ApiError } from './errors.js';

export type Role = 'viewer' | 'operator' | 'admin';
export type Principal =
  | { kind: 'agent'; id: string }
  | { kind: 'user'; id: string; role: Role }
  | { kind: 'backup'; id: string; opd: string };

const RANK: Record<Role, number> = { viewer: 1, operator: 2, admin: 3 };

const digest = (t: string): Buffer => createHash('sha256').update(t, 'utf8').digest();

export class Auth {
  private readonly entries: { hash: Buffer; who: Principal }[] = [];

  constructor(cfg: CollectorConfig) {
    for (const a of cfg.agents) this.entries.push({ hash: digest(a.token), who: { kind: 'agent', id: a.id } });
    for (const u of cfg.auth.users) this.entries.push({ hash: digest(u.token), who: { kind: 'user', id: u.name, role: u.role } });
    for (const o of cfg.opds) if (o.backupToken) this.entries.push({ hash: digest(o.backupToken), who: { kind: 'backup', id: `backup:${o.id}`, opd: o.id } });
  }

  /** The principal of an `Authorization: Bearer …` header (or a bare token); 401 otherwise. */
  identify(header: string | undefined): Principal {
    if (!header) throw new ApiError('PANTAU_UNAUTHORIZED', 'missing token: send "Authorization: Bearer TOKEN"');
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const token = m ? m[1] : header.trim();
    const h = digest(token);
    let found: Principal | undefined;
    // Compare against every entry, no early exit.
    for (const e of this.entries) if (timingSafeEqual(e.hash, h)) found = e.who;
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
