// The monthly evaluation from the store: reads each OPD's uplink buckets for a month, the
// counter events behind its data-quality notes, and earlier months' figures for the
// recommendation, then hands them to the pure evaluator (collector/accounting/evaluate.ts).
import type { CollectorConfig, OpdConfig } from '../../config/collector.js';
import type { OpdUsage, UsageReport } from '../../protocol/usage.js';
import type { UsageBucket } from '../accounting/buckets.js';
import { evaluateOpd, figuresOf, type MonthFigures } from '../accounting/evaluate.js';
import { monthOf, monthRange, previousMonths } from '../accounting/months.js';
import { describeFlags, emptyFlags, type SeriesFlags } from '../accounting/series.js';
import type { Language } from '../report/i18n.js';
import type { DailySeries } from '../report/charts.js';
import type { Rollup } from '../storage/rollup.js';
import type Database from 'better-sqlite3';
import { fromI64, type Store } from '../storage/store.js';

export interface UsageQuery {
  month?: string;
  opd?: string;
  language?: Language;
  now?: number;
}

const EVENT_FLAG: Record<string, keyof SeriesFlags> = {
  wrap: 'wraps', reset: 'resets', reboot: 'reboots', rebase: 'rebases', uptime_wrap: 'uptimeWraps', ambiguous: 'ambiguous', gap: 'gaps',
};

export class UsageService {
  private readonly q;

  constructor(
    private readonly cfg: CollectorConfig,
    private readonly store: Store,
    private readonly rollup: Rollup,
  ) {
    const d = store.db;
    this.q = {
      series: d.prepare('SELECT s.id FROM series s JOIN device d ON d.id = s.device WHERE d.name = ? AND s.interface = ?').pluck(),
      buckets: d
        .prepare('SELECT bucket, in_bytes, out_bytes, covered_ms FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ? ORDER BY bucket')
        .raw(true)
        .safeIntegers(true),
      totals: d
        .prepare('SELECT coalesce(sum(in_bytes), 0), coalesce(sum(out_bytes), 0), coalesce(sum(covered_ms), 0) FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ?')
        .raw(true)
        .safeIntegers(true),
      events: d.prepare('SELECT kind, count(*) AS n, max(speed) AS speed FROM counter_event WHERE series = ? AND ts > ? AND ts <= ? GROUP BY kind'),
    };
  }

  /** The evaluation of one month (default: the current month in the deployment's zone). */
  evaluate(query: UsageQuery = {}): UsageReport {
    this.rollup.drain();
    const now = query.now ?? Date.now();
    const tz = this.cfg.timezone;
    const month = query.month ?? monthOf(now, tz);
    const language = query.language ?? this.cfg.report.language;
    const opds = this.cfg.opds.filter((o) => !query.opd || o.id === query.opd);
    const range = monthRange(month, tz);
    const ev = this.cfg.evaluation;
    const earlier = previousMonths(month, Math.max(0, ev.months - 1));
    const history = new Map<string, MonthFigures[]>();
    for (const m of earlier) {
      const r = monthRange(m, tz);
      for (const o of opds) {
        const u = this.evaluateOpd(o, m, r, now, language, []);
        if (u.coverage > 0) history.set(o.id, [...(history.get(o.id) ?? []), figuresOf(u, m, now >= r.to)]);
      }
    }
    return {
      month,
      timezone: tz,
      from: range.from,
      to: range.to,
      current: now < range.to,
      generatedAt: now,
      opds: opds.map((o) => this.evaluateOpd(o, month, range, now, language, history.get(o.id) ?? [])),
    };
  }

  private evaluateOpd(o: OpdConfig, month: string, range: { from: number; to: number }, now: number, language: Language, history: MonthFigures[]): OpdUsage {
    // Sums in SQL (exact 64-bit integers): one row per uplink, one per bucket for the OPD.
    const ids: number[] = [];
    const uplinks = o.uplinks.map((u) => {
      const series = this.q.series.get(u.device, u.interface) as number | undefined;
      if (series === undefined) return { device: u.device, interface: u.interface, buckets: [], totals: { inBytes: 0n, outBytes: 0n, coveredMs: 0 }, flags: [] };
      ids.push(series);
      const [i, out, c] = this.q.totals.get(series, range.from, range.to) as [bigint, bigint, bigint];
      return { device: u.device, interface: u.interface, buckets: [], totals: { inBytes: i, outBytes: out, coveredMs: Number(c) }, flags: this.flags(series, range, language) };
    });
    return evaluateOpd({
      opd: o,
      month,
      range,
      now,
      uplinks,
      combined: this.combined(ids, range.from, range.to),
      history,
      options: { ...this.cfg.evaluation, language },
    });
  }

  private readonly combinedQ = new Map<number, Database.Statement>();

  /** The buckets of several interfaces summed per bucket, in [from, to). */
  combined(series: number[], from: number, to: number): UsageBucket[] {
    if (series.length === 0) return [];
    let q = this.combinedQ.get(series.length);
    if (!q) {
      q = this.store.db
        .prepare(`SELECT bucket, sum(in_bytes), sum(out_bytes), sum(covered_ms) FROM usage5m WHERE series IN (${series.map(() => '?').join(',')}) AND bucket >= ? AND bucket < ? GROUP BY bucket`)
        .raw(true)
        .safeIntegers(true);
      this.combinedQ.set(series.length, q);
    }
    const rows = q.all(...series, from, to) as [bigint, bigint, bigint, bigint][];
    return rows.map((r) => ({ bucket: Number(r[0]), inBytes: r[1], outBytes: r[2], coveredMs: Number(r[3]) }));
  }

  /** One interface's buckets in [from, to). */
  buckets(series: number, from: number, to: number): UsageBucket[] {
    const rows = this.q.buckets.all(series, from, to) as [bigint, bigint, bigint, bigint][];
    const out = new Array<UsageBucket>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      out[i] = { bucket: Number(r[0]), inBytes: fromI64(r[1]), outBytes: fromI64(r[2]), coveredMs: Number(r[3]) };
    }
    return out;
  }

  private flags(series: number, range: { from: number; to: number }, language: Language): string[] {
    const f = emptyFlags();
    for (const e of this.q.events.all(series, range.from, range.to) as { kind: string; n: number; speed: number | null }[]) {
      const k = EVENT_FLAG[e.kind];
      if (k && k !== 'ambiguousSpeedBps') (f[k] as number) += e.n;
      if (e.kind === 'ambiguous' && e.speed) f.ambiguousSpeedBps = e.speed;
    }
    return describeFlags(f, language);
  }

  /**
   * Volume (in + out) per OPD per local day of `month`, for the report's daily chart. Days are
   * 24-hour steps from local midnight of the 1st (exact in zones without daylight saving,
   * such as all of Indonesia's).
   */
  daily(month: string): DailySeries[] {
    this.rollup.drain();
    const tz = this.cfg.timezone;
    const { from, to } = monthRange(month, tz);
    const days = Math.round((to - from) / 86_400_000);
    const q = this.store.db
      .prepare('SELECT CAST((bucket - ?) / 86400000 AS INTEGER) AS day, sum(in_bytes) + sum(out_bytes) AS bytes FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ? GROUP BY day')
      .safeIntegers(true);
    return this.cfg.opds.map((o) => {
      const perDay = new Array<bigint>(days).fill(0n);
      for (const u of o.uplinks) {
        const series = this.seriesId(u.device, u.interface);
        if (series === undefined) continue;
        for (const r of q.all(from, series, from, to) as { day: bigint; bytes: bigint }[]) perDay[Number(r.day)] += r.bytes;
      }
      const [y, m] = month.split('-');
      return { opd: o.id, days: perDay.map((b, i) => ({ date: `${y}-${m}-${String(i + 1).padStart(2, '0')}`, bytes: b.toString() })) };
    });
  }

  /** Series id of a device interface, if it was ever sampled. */
  seriesId(device: string, iface: string): number | undefined {
    return this.q.series.get(device, iface) as number | undefined;
  }
}
