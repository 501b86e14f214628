// The monthly evaluation from the store: each OPD's uplink sums and 5-minute rates for a month
// (through the day cache), the counter events behind its data-quality notes, and earlier
// months' figures for the recommendation, handed to the pure evaluator
// (collector/accounting/evaluate.ts).
import type { CollectorConfig, OpdConfig } from '../../config/collector.js';
import type { OpdUsage, UsageReport } from '../../protocol/usage.js';
import { BUCKET_MS, allocate, bucketOf, type UsageBucket } from '../accounting/buckets.js';
import { evaluateOpd, figuresOf, type MonthFigures } from '../accounting/evaluate.js';
import { addMonths, monthOf, monthRange, previousMonths } from '../accounting/months.js';
import { describeFlags, emptyFlags, type SeriesFlags } from '../accounting/series.js';
import type { DailySeries } from '../report/charts.js';
import type { Language } from '../report/i18n.js';
import type { Rollup } from '../storage/rollup.js';
import { fromI64, isStoreError, type Store } from '../storage/store.js';
import { DAY_MS, DayCache, monthSpans } from './day-cache.js';
import { otherWrites } from '../storage/other-writes.js';

export interface UsageQuery {
  month?: string;
  opd?: string;
  language?: Language;
  now?: number;
  /** false: read the buckets as they are, without first running the rollup to the end. */
  drain?: boolean;
}

/** What month figures depend on besides the buckets: the OPD's uplinks and quota. */
function fingerprint(o: OpdConfig): string {
  return JSON.stringify([o.uplinks.map((u) => `${u.device}:${u.interface}`), o.quota ?? null]);
}

const EVENT_FLAG: Record<string, keyof SeriesFlags> = {
  wrap: 'wraps', reset: 'resets', reboot: 'reboots', rebase: 'rebases', uptime_wrap: 'uptimeWraps', ambiguous: 'ambiguous', gap: 'gaps',
};

export class UsageService {
  private readonly q;
  readonly days: DayCache;
  /** Figures of complete earlier months per OPD, for the recommendation; cleared with their days. */
  private readonly history = new Map<string, Map<string, MonthFigures | null>>();

  /**
   * `drain: false` for a reader beside a running collector (`pantau report`): the collector's
   * rollup owns the dirty ranges, so that its cache is told of every rebuilt bucket; such a
   * reader reads stored days but stores none (storage/usage-days.ts).
   */
  constructor(
    private readonly cfg: CollectorConfig,
    private readonly store: Store,
    private readonly rollup: Rollup,
    private readonly opts: { drain?: boolean } = {},
  ) {
    const d = store.db;
    this.days = new DayCache(cfg, store, (series) => this.opdsOfSeries(series));
    this.monthAt = monthSpans(cfg.timezone);
    this.otherWrites = otherWrites(d);
    rollup.addListener((series, _buckets, range) => this.invalidate(series, range.from, range.to), { buckets: false });
    this.q = {
      series: d.prepare('SELECT s.id FROM series s JOIN device d ON d.id = s.device WHERE d.name = ? AND s.interface = ?').pluck(),
      buckets: d
        .prepare(
          // A long gap's day row may start up to a day before `from` (storage/spans.ts).
          'SELECT bucket, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ? AND bucket + span_ms > ? ORDER BY bucket',
        )
        .raw(true)
        .safeIntegers(true),
      figuresGet: d.prepare('SELECT fingerprint, figures FROM month_figures WHERE opd = ? AND month = ?'),
      figuresPut: d.prepare('INSERT OR REPLACE INTO month_figures (opd, month, fingerprint, figures) VALUES (?, ?, ?, ?)'),
      figuresDrop: d.prepare('DELETE FROM month_figures WHERE month = ?'),
      // The first bucket of any series: when the deployment's data begins.
      // min(bucket) over the whole table scanned all of usage5m (2.7 M rows for 300 uplinks and a
      // month, a tenth of a report); this seeks each series' first bucket on the primary key.
      dataSince: d
        .prepare(
          `WITH RECURSIVE s(x) AS (SELECT min(series) FROM usage5m UNION ALL SELECT (SELECT min(series) FROM usage5m WHERE series > x) FROM s WHERE x IS NOT NULL)
           SELECT min((SELECT min(bucket) FROM usage5m WHERE series = x)) FROM s WHERE x IS NOT NULL`,
        )
        .pluck(),
      events: d.prepare('SELECT kind, count(*) AS n, max(speed) AS speed FROM counter_event WHERE series = ? AND ts > ? AND ts <= ? GROUP BY kind'),
    };
  }

  /** The first bucket the store holds (undefined: not read yet; null: none). */
  private dataSince: number | null | undefined;

  /** The rollup rebuilt buckets of a series in [from, to). */
  invalidate(series: number, from: number, to: number): void {
    if (this.dataSince !== undefined && (this.dataSince === null || from < this.dataSince)) this.dataSince = undefined;
    this.days.invalidate(series, from, to);
    const last = this.monthAt(to - 1).month;
    for (let m = this.monthAt(from).month; m <= last; m = addMonths(m, 1)) {
      this.history.delete(m);
      // Once per month until its figures are stored again, here or by another process (the
      // merge calls this for every series it folds; data_version moves when another connection commits).
      if (this.otherWrites()) this.figuresDropped.clear();
      if (!this.figuresDropped.has(m)) this.q.figuresDrop.run(m);
      this.figuresDropped.add(m);
    }
  }

  /** Months whose stored figures were dropped and not written since (cleared when another connection wrote). */
  private readonly figuresDropped = new Set<string>();
  /** The local month of a time, with its range (the last one kept: no time-zone lookup inside it). */
  private readonly monthAt: (t: number) => { month: string; from: number; to: number };
  private readonly otherWrites: () => boolean;

  /** Pruning removed buckets: nothing cached can be trusted. */
  clear(): void {
    this.dataSince = undefined;
    this.days.clear();
    this.history.clear();
  }

  /** The evaluation of one month (default: the current month in the deployment's zone). */
  evaluate(query: UsageQuery = {}): UsageReport {
    if (this.opts.drain !== false && query.drain !== false) this.rollup.drain();
    const now = query.now ?? Date.now();
    const tz = this.cfg.timezone;
    const month = query.month ?? monthOf(now, tz);
    const language = query.language ?? this.cfg.report.language;
    const opds = this.cfg.opds.filter((o) => !query.opd || o.id === query.opd);
    const range = monthRange(month, tz);
    const current = now < range.to;
    const evaluated = opds.map((o) => this.evaluateOpd(o, month, range, now, language, this.historyOf(o, month, now, language)));
    if (this.dataSince === undefined) this.dataSince = (this.q.dataSince.get() as number | null) ?? null;
    const since = this.dataSince;
    return {
      month,
      timezone: tz,
      from: range.from,
      to: range.to,
      current,
      state: evaluated.every((o) => o.status === 'no_data') ? 'no_data' : current ? 'in_progress' : 'complete',
      ...(since !== null && since !== undefined ? { dataSince: Number(since) } : {}),
      generatedAt: now,
      opds: evaluated,
    };
  }

  /** Figures of the `evaluation.months - 1` months before `month` that have data. */
  private historyOf(o: OpdConfig, month: string, now: number, language: Language): MonthFigures[] {
    const out: MonthFigures[] = [];
    for (const m of previousMonths(month, Math.max(0, this.cfg.evaluation.months - 1))) {
      const r = monthRange(m, this.cfg.timezone);
      let perOpd = this.history.get(m);
      if (!perOpd) this.history.set(m, (perOpd = new Map()));
      let f = perOpd.get(o.id);
      if (f === undefined && now >= r.to) {
        // A complete month: figures persisted by an earlier evaluation (or another process).
        const fp = fingerprint(o);
        const row = this.q.figuresGet.get(o.id, m) as { fingerprint: string; figures: string | null } | undefined;
        if (row && row.fingerprint === fp) f = row.figures ? (JSON.parse(row.figures) as MonthFigures) : null;
        else {
          const u = this.evaluateOpd(o, m, r, now, language, []);
          f = u.status !== 'no_data' ? figuresOf(u, m, true) : null;
          try {
            this.q.figuresPut.run(o.id, m, fp, f ? JSON.stringify(f) : null);
            this.figuresDropped.delete(m);
          } catch (e) {
            // Keeping them is a speed-up only (the write lock busy past busy_timeout): the figures stand.
            if (!isStoreError(e)) throw e;
          }
        }
        perOpd.set(o.id, f);
      } else if (f === undefined || now < r.to) {
        const u = this.evaluateOpd(o, m, r, now, language, []);
        f = u.status !== 'no_data' ? figuresOf(u, m, false) : null;
      }
      if (f) out.push(f);
    }
    return out;
  }

  private dayStarts(range: { from: number; to: number }): number[] {
    const n = Math.round((range.to - range.from) / DAY_MS);
    return Array.from({ length: n }, (_, i) => range.from + i * DAY_MS);
  }

  private evaluateOpd(o: OpdConfig, month: string, range: { from: number; to: number }, now: number, language: Language, history: MonthFigures[]): OpdUsage {
    const ids = o.uplinks.map((u) => this.seriesId(u.device, u.interface));
    const known = ids.filter((x): x is number => x !== undefined);
    // The process that runs the rollup stores the ended days it reads (day-cache.ts).
    const days = this.days.get(o.id, known, this.dayStarts(range), this.opts.drain !== false ? { endedBy: now } : undefined);
    const uplinks = o.uplinks.map((u, k) => {
      const series = ids[k];
      const totals = { inBytes: 0n, outBytes: 0n, coveredMs: 0 };
      if (series !== undefined)
        for (const d of days) {
          const s = d.uplinks.get(series);
          if (!s) continue;
          totals.inBytes += s.inBytes;
          totals.outBytes += s.outBytes;
          totals.coveredMs += s.coveredMs;
        }
      return { device: u.device, interface: u.interface, buckets: [], totals, flags: series === undefined ? [] : this.flags(series, range, language) };
    });
    const runs = days.flatMap((d) => d.runs);
    const n = days.reduce((a, d) => a + d.inBps.length, 0);
    const inBps = new Float64Array(n);
    const outBps = new Float64Array(n);
    let at = 0;
    for (const d of days) {
      inBps.set(d.inBps, at);
      outBps.set(d.outBps, at);
      at += d.inBps.length;
    }
    return evaluateOpd({ opd: o, month, range, now, uplinks, rates: { inBps, outBps }, runs, history, options: { ...this.cfg.evaluation, language } });
  }

  /** Volume (in + out) per OPD per local day of `month`, for the report's daily chart. */
  daily(month: string): DailySeries[] {
    if (this.opts.drain !== false) this.rollup.drain();
    const range = monthRange(month, this.cfg.timezone);
    const starts = this.dayStarts(range);
    const [y, m] = month.split('-');
    return this.cfg.opds.map((o) => {
      const known = o.uplinks.map((u) => this.seriesId(u.device, u.interface)).filter((x): x is number => x !== undefined);
      const days = this.days.get(o.id, known, starts);
      return {
        opd: o.id,
        days: days.map((d, i) => {
          let bytes = 0n;
          for (const s of d.uplinks.values()) bytes += s.inBytes + s.outBytes;
          return { date: `${y}-${m}-${String(i + 1).padStart(2, '0')}`, bytes: bytes.toString() };
        }),
      };
    });
  }

  /** One interface's buckets in [from, to). */
  buckets(series: number, from: number, to: number): UsageBucket[] {
    const rows = this.q.buckets.all(series, from - 2 * DAY_MS, to, from) as [bigint, bigint, bigint, bigint, bigint][];
    const out: UsageBucket[] = [];
    for (const r of rows) {
      const b = Number(r[0]);
      const span = Number(r[4]);
      const inBytes = fromI64(r[1]);
      const outBytes = fromI64(r[2]);
      if (span === BUCKET_MS) {
        if (b >= from) out.push({ bucket: b, inBytes, outBytes, coveredMs: Number(r[3]) });
        continue;
      }
      // A long gap's day row: its bytes spread back over its 5-minute buckets (rates unknown).
      for (let x = Math.max(b, bucketOf(from)); x < Math.min(b + span, to); x += BUCKET_MS)
        out.push({ bucket: x, inBytes: allocate(inBytes, b, b + span, x, x + BUCKET_MS), outBytes: allocate(outBytes, b, b + span, x, x + BUCKET_MS), coveredMs: 0 });
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

  private readonly opdsBySeries = new Map<number, string[]>();

  /** The OPDs with this series as an uplink (from the config; series ids never change). */
  private opdsOfSeries(series: number): string[] {
    let l = this.opdsBySeries.get(series);
    if (!l) {
      const n = this.store.sql('SELECT d.name AS device, s.interface FROM series s JOIN device d ON d.id = s.device WHERE s.id = ?').get(series) as
        | { device: string; interface: string }
        | undefined;
      l = n ? this.cfg.opds.filter((o) => o.uplinks.some((u) => u.device === n.device && u.interface === n.interface)).map((o) => o.id) : [];
      this.opdsBySeries.set(series, l);
    }
    return l;
  }

  /** Series id of a device interface, if it was ever sampled. */
  seriesId(device: string, iface: string): number | undefined {
    return this.q.series.get(device, iface) as number | undefined;
  }
}
