// Optional second store: time series mirrored to InfluxDB 1.x (`store.influx`), for teams that
// chart in Grafana. SQLite stays the primary: its errors fail an ingest; InfluxDB's become
// warnings and a counted drop, never a rejected batch (Prometheus' fanout storage does the same).
// Mirrored: 5-minute usage buckets per interface (rewritten when the rollup recomputes them;
// InfluxDB overwrites a point with the same series and time), ping, host and poll samples.
import { InfluxDB, type IPoint } from 'influx';
import type { CollectorConfig } from '../../config/collector.js';
import type { Logger } from '../../log/logger.js';
import type { Sample } from '../../protocol/samples.js';
import type { UsageBucket } from '../accounting/buckets.js';

export type InfluxSettings = NonNullable<CollectorConfig['store']['influx']>;

export interface InfluxMirrorOptions {
  settings: InfluxSettings;
  logger: Logger;
  /** Points kept in memory while InfluxDB is unreachable; the oldest are dropped beyond it. */
  maxQueue?: number;
  flushEveryMs?: number;
  /** device id → OPD id, for the `opd` tag. */
  opdOf: (device: string) => string | undefined;
}

export class InfluxMirror {
  private readonly db: InfluxDB;
  private queue: IPoint[] = [];
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  private failures = 0;
  private nextTry = 0;
  readonly counters = { written: 0, dropped: 0, failedWrites: 0 };

  constructor(private readonly o: InfluxMirrorOptions) {
    const u = new URL(o.settings.url);
    this.db = new InfluxDB({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'https:' ? 443 : 8086)),
      protocol: u.protocol === 'https:' ? 'https' : 'http',
      database: o.settings.database,
      username: o.settings.username,
      password: o.settings.password,
    });
  }

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.o.flushEveryMs ?? 1000);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flushing;
    this.nextTry = 0;
    await this.flush().catch(() => undefined);
  }

  /** Samples of a committed batch. */
  samples(samples: readonly Sample[]): void {
    for (const s of samples) {
      const tags = { device: 'device' in s ? s.device : '', opd: ('device' in s && this.o.opdOf(s.device)) || ('opd' in s ? s.opd : '') };
      const timestamp = new Date(s.ts);
      if (s.type === 'ping') this.push({ measurement: 'pantau_ping', tags, fields: { up: s.up, ...(s.rttMs !== undefined ? { rtt_ms: s.rttMs } : {}), ...(s.lossPct !== undefined ? { loss_pct: s.lossPct } : {}) }, timestamp });
      else if (s.type === 'host') this.push({ measurement: 'pantau_host', tags, fields: { uptime_s: s.uptimeS, cpu_pct: s.cpuPct, mem_used_pct: s.memUsedPct }, timestamp });
      else if (s.type === 'poll') this.push({ measurement: 'pantau_poll', tags, fields: { ok: s.ok, ...(s.durationMs !== undefined ? { duration_ms: s.durationMs } : {}) }, timestamp });
    }
  }

  /** Buckets the rollup (re)computed for one interface. Bytes above 2^53 are sent as floats. */
  buckets(device: string, iface: string, buckets: readonly UsageBucket[]): void {
    const tags = { device, interface: iface, opd: this.o.opdOf(device) ?? '' };
    for (const b of buckets)
      this.push({
        measurement: 'pantau_usage5m',
        tags,
        fields: {
          in_bytes: Number(b.inBytes),
          out_bytes: Number(b.outBytes),
          // A long gap's day row stands for spanMs (storage/spans.ts): its average rate over that.
          in_bps: Number(b.inBytes * 8n) / ((b.spanMs ?? 300_000) / 1000),
          out_bps: Number(b.outBytes * 8n) / ((b.spanMs ?? 300_000) / 1000),
          covered_ms: b.coveredMs,
        },
        timestamp: new Date(b.bucket),
      });
  }

  private push(p: IPoint): void {
    this.queue.push(p);
    const max = this.o.maxQueue ?? 200_000;
    if (this.queue.length > max) {
      const n = this.queue.length - max;
      this.queue.splice(0, n);
      this.counters.dropped += n;
      this.o.logger.warn({ dropped: n, totalDropped: this.counters.dropped }, 'InfluxDB mirror queue full; oldest points dropped (SQLite keeps everything)');
    }
  }

  flush(): Promise<void> {
    if (this.flushing || this.queue.length === 0 || Date.now() < this.nextTry) return this.flushing ?? Promise.resolve();
    const batch = this.queue.splice(0, 5000);
    this.flushing = (async () => {
      try {
        if (this.failures > 0 || this.counters.written === 0) await this.db.createDatabase(this.o.settings.database);
        await this.db.writePoints(batch, { precision: 'ms' });
        this.counters.written += batch.length;
        if (this.failures) this.o.logger.info({ afterFailures: this.failures }, 'InfluxDB mirror writes again');
        this.failures = 0;
      } catch (e) {
        this.queue.unshift(...batch);
        this.failures++;
        this.counters.failedWrites++;
        this.nextTry = Date.now() + Math.min(60_000, 1000 * 2 ** Math.min(6, this.failures));
        this.o.logger.warn({ err: (e as Error).message, queued: this.queue.length, retryInMs: this.nextTry - Date.now() }, 'InfluxDB mirror write failed; will retry (SQLite has the data)');
      } finally {
        this.flushing = undefined;
      }
    })();
    return this.flushing;
  }
}
