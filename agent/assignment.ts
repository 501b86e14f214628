// What this agent polls comes from the collector (GET /api/v1/agents/{id}/assignment). At
// start: one quick try; while the collector is unreachable the copy cached in the spool
// folder from the last run is used (or an empty assignment: host metrics only), and the fetch
// is retried with backoff until it succeeds. Afterwards refresh() runs every few cycles.
import { readFile } from 'node:fs/promises';
import type { AgentConfig } from '../config/agent.js';
import type { Logger } from '../log/logger.js';
import type { Assignment } from '../protocol/assignment.js';
import { writeFileAtomic } from './spool/atomic.js';
import { backoffMs } from './transport/backoff.js';
import { HttpError, request, tokenRefused, type TlsTrust } from './transport/http.js';

export const DEFAULT_ASSIGNMENT = (agent: string): Assignment => ({ agent, intervalSeconds: 60, devices: [], maxBodyBytes: 16 * 1024 * 1024 });

export interface AssignmentSourceOptions {
  cfg: Pick<AgentConfig, 'id' | 'collector' | 'token'>;
  cachePath: string;
  logger: Logger;
  onChange: (a: Assignment) => void;
  requestTimeoutMs?: number;
  /** https: how the collector's certificate is trusted (the assignment carries SNMP secrets). */
  tls?: TlsTrust;
}

export class AssignmentSource {
  private readonly log: Logger;
  private current: Assignment | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;

  constructor(private readonly opts: AssignmentSourceOptions) {
    this.log = opts.logger.child({ component: 'assignment' });
  }

  /** The assignment to start with; never throws, never waits long. */
  async initial(): Promise<Assignment> {
    try {
      return this.accept(await this.fetch());
    } catch (err) {
      const cached = await this.readCache();
      const why = err instanceof AssignmentError ? err.why : 'collector unreachable';
      this.log.warn(
        { err: String(err), cached: Boolean(cached) },
        cached ? `${why}: polling with the cached assignment meanwhile` : `${why} and no cached assignment: host metrics only until it answers`,
      );
      this.current = cached ?? DEFAULT_ASSIGNMENT(this.opts.cfg.id);
      this.scheduleRetry();
      return this.current;
    }
  }

  /** One fetch; on success calls onChange when the assignment changed. */
  async refresh(): Promise<void> {
    try {
      const a = await this.fetch();
      const changed = JSON.stringify(a) !== JSON.stringify(this.current);
      this.accept(a);
      if (changed) this.opts.onChange(a);
    } catch (err) {
      this.log.warn({ err: String(err) }, 'assignment refresh failed; keeping the current one');
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = backoffMs(++this.failures);
    this.retryTimer = setTimeout(async () => {
      try {
        const a = await this.fetch();
        this.accept(a);
        this.log.info({ devices: a.devices.length, intervalSeconds: a.intervalSeconds }, 'assignment received');
        this.opts.onChange(a);
      } catch (err) {
        this.log.debug({ err: String(err) }, 'assignment still unavailable');
        this.scheduleRetry();
      }
    }, delay);
  }

  private accept(a: Assignment): Assignment {
    this.current = a;
    this.failures = 0;
    writeFileAtomic(this.opts.cachePath, JSON.stringify(a)).catch((err: unknown) =>
      this.log.warn({ err: String(err), file: this.opts.cachePath }, 'could not cache the assignment'),
    );
    return a;
  }

  private async fetch(): Promise<Assignment> {
    const url = new URL(`/api/v1/agents/${encodeURIComponent(this.opts.cfg.id)}/assignment`, this.opts.cfg.collector);
    const res = await request(url, {
      method: 'GET',
      headers: { authorization: `Bearer ${this.opts.cfg.token}` },
      timeoutMs: this.opts.requestTimeoutMs ?? 10_000,
      maxAnswerBytes: 256 * 1024 * 1024, // about 300 bytes a device: far beyond any agent's fleet
      tls: this.opts.tls,
    }).catch((err: unknown) => {
      throw new Error(`GET ${url.pathname}: ${err instanceof HttpError && err.code === 'ETOOBIG' ? err.message : `collector unreachable: ${err instanceof HttpError ? (err.code === 'ECERTPIN' || err.message.startsWith('TLS') ? err.message : err.code) : String(err)}`}`);
    });
    const text = res.text;
    if (res.status < 200 || res.status > 299) {
      const why = tokenRefused(res.status) ?? `collector answered ${res.status}`;
      throw new AssignmentError(why, `GET ${url.pathname} answered ${res.status}: ${text.slice(0, 200)}`);
    }
    return validate(JSON.parse(text));
  }

  private async readCache(): Promise<Assignment | undefined> {
    try {
      return validate(JSON.parse(await readFile(this.opts.cachePath, 'utf8')));
    } catch {
      return undefined;
    }
  }
}

function validate(x: unknown): Assignment {
  const a = x as Assignment;
  if (!a || typeof a !== 'object' || !Array.isArray(a.devices) || !(a.intervalSeconds > 0) || !(a.maxBodyBytes > 0)) {
    throw new Error('assignment: expected {agent, intervalSeconds > 0, devices: [...], maxBodyBytes > 0}');
  }
  return a;
}

/** The collector answered, and not with an assignment: `why` names it for the log ("token refused (401)"). */
class AssignmentError extends Error {
  constructor(
    readonly why: string,
    message: string,
  ) {
    super(message);
  }
}
