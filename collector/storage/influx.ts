// The path to a central time-series store: points mirrored as InfluxDB line protocol over HTTP
// `/write` (InfluxDB 1.x, or VictoriaMetrics, which takes the same), every point tagged with
// this collector's `deployment` so that one store serves a province of collectors.
// SQLite stays the primary: its errors fail an ingest; the mirror's become warnings and counts,
// never a rejected batch (Prometheus' fanout storage does the same). The queue is on disk
// (mirror-spool.ts): a restart or an outage of the central store loses nothing, up to its bound.
// Mirrored (see README "Central store"): 5-minute usage buckets per interface (rewritten when the
// rollup recomputes them: same series and time, the store keeps one point), quotas, ping, poll,
// host and backup samples.
import type { CollectorConfig } from '../../config/collector.js';
import type { Logger } from '../../log/logger.js';
import type { Sample } from '../../protocol/samples.js';
import type { UsageBucket } from '../accounting/buckets.js';
import { toLine, type Point } from './line-protocol.js';
import { MirrorSpool } from './mirror-spool.js';

export type InfluxSettings = NonNullable<CollectorConfig['store']['influx']>;

export interface InfluxMirrorOptions {
  settings: InfluxSettings;
  deployment: string;
  /** The spool's folder (default: `<store.sqlite>.influx-spool`, resolved by the caller). */
  spoolDir: string;
  logger: Logger;
  flushEveryMs?: number;
  /** The longest wait between retries while the store is unreachable (default 60 s). */
  retryMaxMs?: number;
  /** device id → OPD id, for the `opd` tag. */
  opdOf: (device: string) => string | undefined;
  /** "device\0interface" → the OPD whose uplink it is: such buckets carry `uplink=true` and that OPD. */
  uplinkOf?: (device: string, iface: string) => string | undefined;
  /** OPD quotas, written as `pantau_quota` by `quotas(at)`. */
  quotas?: readonly { opd: string; volumeBytes?: bigint; rateBps?: bigint }[];
}

export class InfluxMirror {
  private readonly spool: MirrorSpool;
  private readonly writeUrl: URL;
  private readonly auth?: string;
  private timer?: NodeJS.Timeout;
  private quotaTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private failures = 0;
  private nextTry = 0;
  private databaseReady = false;
  private stopped = false;
  readonly counters = { written: 0, failedWrites: 0, rejected: 0 };

  constructor(private readonly o: InfluxMirrorOptions) {
    this.spool = new MirrorSpool({ dir: o.spoolDir, maxBytes: o.settings.spoolMaxMB * 1024 * 1024 });
    this.writeUrl = endpoint(o.settings.url, 'write');
    this.writeUrl.searchParams.set('db', o.settings.database);
    this.writeUrl.searchParams.set('precision', 'ms');
    if (o.settings.username !== undefined)
      this.auth = 'Basic ' + Buffer.from(`${o.settings.username}:${o.settings.password ?? ''}`).toString('base64');
    const waiting = this.spool.lines();
    if (waiting > 0) o.logger.info({ points: waiting, bytes: this.spool.bytes() }, 'central-store mirror: points spooled before the restart will be sent first');
  }

  /** Points dropped because the spool was full (oldest first). */
  get dropped(): number {
    return this.spool.counters.droppedLines;
  }

  /** Points waiting in the spool. */
  queued(): number {
    return this.spool.lines();
  }

  spoolBytes(): number {
    return this.spool.bytes();
  }

  /** Writes the quotas now and every hour, and sends what waits every `flushEveryMs`. */
  start(now: () => number = Date.now): void {
    this.quotas(now());
    this.timer = setInterval(() => void this.flush(), this.o.flushEveryMs ?? 1000);
    this.quotaTimer = setInterval(() => this.quotas(now()), 3_600_000);
    this.quotaTimer.unref();
  }

  /** Tries once more to send what waits, then seals the spool on disk for the next run. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.quotaTimer) clearInterval(this.quotaTimer);
    await this.flushing;
    this.nextTry = 0;
    if (this.failures === 0) await this.flush().catch(() => undefined);
    this.stopped = true;
    this.spool.close();
  }

  /** Samples of a committed batch. */
  samples(samples: readonly Sample[]): void {
    const pts: Point[] = [];
    for (const s of samples) {
      if (s.type === 'iface') continue; // interfaces arrive as 5-minute buckets from the rollup
      if (s.type === 'backup') {
        pts.push({ measurement: 'pantau_backup', tags: this.tags({ opd: s.opd }), fields: { ok: s.ok ? 1n : 0n, bytes: s.bytes }, ts: s.ts });
        continue;
      }
      const tags = this.tags({ device: s.device, opd: this.o.opdOf(s.device) ?? '' });
      if (s.type === 'ping') pts.push({ measurement: 'pantau_ping', tags, fields: { up: s.up ? 1n : 0n, rtt_ms: s.rttMs, loss_pct: s.lossPct }, ts: s.ts });
      else if (s.type === 'host') pts.push({ measurement: 'pantau_host', tags, fields: { uptime_s: s.uptimeS, cpu_pct: s.cpuPct, mem_used_pct: s.memUsedPct }, ts: s.ts });
      else if (s.type === 'poll') pts.push({ measurement: 'pantau_poll', tags, fields: { ok: s.ok ? 1n : 0n, duration_ms: s.durationMs }, ts: s.ts });
    }
    this.write(pts);
  }

  /** Buckets the rollup (re)computed for one interface; bytes are exact integers. */
  buckets(device: string, iface: string, buckets: readonly UsageBucket[]): void {
    const owner = this.o.uplinkOf?.(device, iface);
    const tags = this.tags({ device, interface: iface, opd: owner ?? this.o.opdOf(device) ?? '', uplink: owner ? 'true' : 'false' });
    this.write(
      buckets.map((b) => {
        // A long gap's day row stands for spanMs (storage/spans.ts): its average rate over that.
        const spanS = (b.spanMs ?? 300_000) / 1000;
        return {
          measurement: 'pantau_usage5m',
          tags,
          fields: { in_bytes: b.inBytes, out_bytes: b.outBytes, in_bps: Number(b.inBytes * 8n) / spanS, out_bps: Number(b.outBytes * 8n) / spanS, covered_ms: BigInt(Math.round(b.coveredMs)) },
          ts: b.bucket,
        };
      }),
    );
  }

  /** Each OPD's quota as of `at` (written at start and every hour, at the hour: rewritten points are one). */
  quotas(at: number): void {
    const ts = at - (at % 3_600_000);
    this.write((this.o.quotas ?? []).map((q) => ({ measurement: 'pantau_quota', tags: this.tags({ opd: q.opd }), fields: { volume_bytes: q.volumeBytes, rate_bps: q.rateBps, set: 1n }, ts })));
  }

  private tags(t: Record<string, string>): Record<string, string> {
    return { ...t, deployment: this.o.deployment };
  }

  private write(points: readonly Point[]): void {
    if (this.stopped) return;
    const lines: string[] = [];
    for (const p of points) {
      const l = toLine(p);
      if (l) lines.push(l);
    }
    const before = this.spool.counters.droppedLines;
    this.spool.append(lines);
    const lost = this.spool.counters.droppedLines - before;
    if (lost > 0) this.o.logger.warn({ dropped: lost, totalDropped: this.dropped }, 'central-store mirror spool full; its oldest points were dropped (SQLite keeps everything)');
  }

  /** Sends waiting segments, oldest first, until the spool is empty or a write fails. */
  flush(): Promise<void> {
    if (this.flushing || Date.now() < this.nextTry) return this.flushing ?? Promise.resolve();
    this.flushing = (async () => {
      try {
        for (let s = this.spool.next(); s; s = this.spool.next()) {
          await this.send(this.spool.read(s), s.lines);
          this.spool.done(s);
        }
      } catch (e) {
        this.failures++;
        this.counters.failedWrites++;
        const wait = Math.min(this.o.retryMaxMs ?? 60_000, 1000 * 2 ** Math.min(6, this.failures));
        this.nextTry = Date.now() + wait;
        this.o.logger.warn({ err: (e as Error).message, queued: this.spool.lines(), retryInMs: wait }, 'central-store write failed; will retry (the points wait on disk, SQLite has the data)');
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }

  private async send(body: Buffer, lines: number): Promise<void> {
    if (!this.databaseReady) await this.createDatabase();
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', ...(this.auth ? { authorization: this.auth } : {}) };
    const r = await fetch(this.writeUrl, { method: 'POST', body: new Uint8Array(body), headers, signal: AbortSignal.timeout(30_000) });
    const text = r.ok ? '' : (await r.text()).slice(0, 300);
    if (r.status === 404) this.databaseReady = false; // database dropped behind our back: create it again
    if (r.status === 400) {
      // The store refused the points themselves (a field type conflict with older data, say):
      // sending them again cannot help. Counted and logged, then the segment is let go.
      this.counters.rejected += lines;
      this.o.logger.error({ status: r.status, answer: text, points: lines }, 'central store refused mirrored points; they are not sent again (SQLite has the data)');
      return;
    }
    if (!r.ok) throw new Error(`POST ${this.writeUrl.pathname}: ${r.status} ${text}`);
    this.counters.written += lines;
    if (this.failures) this.o.logger.info({ afterFailures: this.failures }, 'central-store mirror writes again');
    this.failures = 0;
  }

  /** InfluxDB needs the database to exist; VictoriaMetrics has no /query and needs nothing (its answer is ignored). */
  private async createDatabase(): Promise<void> {
    const q = endpoint(this.o.settings.url, 'query');
    const headers: Record<string, string> = this.auth ? { authorization: this.auth } : {};
    const r = await fetch(q, { method: 'POST', headers, body: new URLSearchParams({ q: `CREATE DATABASE "${this.o.settings.database.replace(/["\\]/g, '\\$&')}"` }), signal: AbortSignal.timeout(10_000) });
    await r.arrayBuffer();
    this.databaseReady = true;
  }
}

/** `write` or `query` under the configured base: http://h:8086 → /write; http://vminsert:8480/insert/0/influx/ → …/influx/write. */
export function endpoint(base: string, what: 'write' | 'query'): URL {
  const u = new URL(base);
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return new URL(what, u);
}
