// Bandwidth alerts from the current month's evaluation and the latest 5-minute rates, on the
// alert engine (collector/alerts/engine.ts):
// - bandwidth_quota: one alert per OPD and month (key bandwidth_quota:<opd>:<YYYY-MM>) that
//   escalates: a month-end projection above 100 % (info, while under 80 %), counted volume at
//   80 % (warning) and 100 % (critical) of the volume quota raise the severity of that alert;
// - link_saturated: 5-minute rates above `saturationPct` of the link speed (ifHighSpeed) or of
//   the OPD's rate quota for at least `saturationMinutes`, still going on at the last bucket.
// An alert resolves only after its condition has been clear for `evaluation.clearMinutes`
// (no flapping). A link without recent data is unknown, not clear: its alert stays for up to
// an hour, then resolves. A new month's quota alert replaces the old month's at once.
import type { CollectorConfig } from '../../config/collector.js';
import { BUCKET_MS, bucketOf } from '../accounting/buckets.js';
import { saturationEpisodes } from '../accounting/evaluate.js';
import type { AlertEngine } from '../alerts/engine.js';
import { stepOf, type Step } from '../alerts/threshold.js';
import type { Store } from '../storage/store.js';
import type { UsageService } from '../usage/service.js';
import type { AlertInput } from './alert-store.js';

const KINDS = ['bandwidth_quota', 'link_saturated'];

/** A firing alert whose link has no recent data resolves after this long (unknown is not clear, but not forever). */
const STALE_MS = 3600_000;

export class BandwidthRules {
  private readonly speedQ;
  private readonly steps: Step[];

  constructor(
    private readonly cfg: CollectorConfig,
    store: Store,
    private readonly usage: UsageService,
    private readonly engine: AlertEngine,
  ) {
    this.speedQ = store.db.prepare('SELECT i.speed FROM iface_state i WHERE i.series = ?').pluck();
    this.steps = [
      { at: cfg.evaluation.warnVolumePct, severity: 'warning' },
      { at: 100, severity: 'critical' },
    ];
  }

  /** Evaluates every rule at `now`; raises what holds and resolves what no longer does. */
  evaluate(now = Date.now()): void {
    const holding: AlertInput[] = [];
    const en = this.cfg.report.language === 'en';
    const alerts = this.engine.alerts;
    // No drain: the rollup's own timer keeps up; a backlog must not block ingest every minute.
    const report = this.usage.evaluate({ now, drain: false });
    for (const o of report.opds) {
      const vol = o.usedPct.volume;
      if (vol === undefined) continue;
      const key = `bandwidth_quota:${o.opd}:${report.month}`;
      const cur = alerts.firing(key);
      const step = stepOf(vol, this.steps, cur ? this.steps.findIndex((s) => s.severity === cur.severity) : -1);
      const base = { key, kind: 'bandwidth_quota', opd: o.opd };
      const used = `${vol.toFixed(1)} %`;
      if (step >= 0)
        holding.push({ ...base, severity: this.steps[step].severity, summary: en ? `${o.name}: ${used} of the monthly volume quota used (${report.month})` : `${o.name}: ${used} kuota volume bulanan terpakai (${report.month})`, details: { usedPct: vol, month: report.month } });
      else if (o.projectedBytes && o.quota.volumeBytes && BigInt(o.projectedBytes) > BigInt(o.quota.volumeBytes)) {
        const pct = Number((BigInt(o.projectedBytes) * 10000n) / BigInt(o.quota.volumeBytes)) / 100;
        holding.push({ ...base, severity: 'info', summary: en ? `${o.name}: projected to use ${pct.toFixed(0)} % of the volume quota by month end` : `${o.name}: diproyeksikan memakai ${pct.toFixed(0)} % kuota volume pada akhir bulan`, details: { projectedPct: pct, month: report.month } });
      }
    }
    const unknown = new Set<string>();
    holding.push(...this.saturation(now, en, unknown));
    const clearMs = this.cfg.evaluation.clearMinutes * 60_000;
    const keep = new Set(holding.map((a) => a.key));
    // One transaction: the engine's state of every key is written with one commit.
    this.engine.batch('bandwidth rules', (guard) => this.observe(guard, holding, keep, unknown, now, clearMs));
  }

  private observe(guard: (step: () => void) => void, holding: AlertInput[], keep: Set<string>, unknown: Set<string>, now: number, clearMs: number): void {
    for (const a of holding) guard(() => this.engine.observe({ ...a, active: true, at: now, forMs: 0, clearMs, staleMs: STALE_MS }));
    for (const key of this.engine.knownKeys(KINDS)) {
      if (keep.has(key)) continue;
      guard(() => {
        // Last month's quota alert of an OPD that has this month's goes at once.
        const opdPrefix = key.startsWith('bandwidth_quota:') ? key.slice(0, key.lastIndexOf(':') + 1) : undefined;
        if (opdPrefix && [...keep].some((k) => k.startsWith(opdPrefix))) return this.engine.resolveNow(key, now);
        const last = this.engine.lastInput(key);
        if (last) this.engine.observe({ ...last, active: unknown.has(key) ? 'unknown' : false, at: now, clearMs, staleMs: STALE_MS });
      });
    }
  }

  private saturation(now: number, en: boolean, unknown: Set<string>): AlertInput[] {
    const ev = this.cfg.evaluation;
    const out: AlertInput[] = [];
    const lastEnd = bucketOf(now); // buckets before this one are complete
    const from = lastEnd - (ev.saturationMinutes + 30) * 60_000;
    for (const o of this.cfg.opds) {
      const rateBps = o.quota?.rateMbps !== undefined ? o.quota.rateMbps * 1e6 : undefined;
      for (const u of o.uplinks) {
        const series = this.usage.seriesId(u.device, u.interface);
        if (series === undefined) continue;
        // The rate of a bucket is its bytes over the time its samples cover (the newest bucket
        // is often covered only in part); the newest must be recent, or the link has gone quiet
        // and nothing is ongoing.
        const buckets = this.usage
          .buckets(series, from, lastEnd)
          .filter((b) => b.coveredMs >= BUCKET_MS / 2)
          .map((b) => ({ ...b, inBytes: (b.inBytes * BigInt(BUCKET_MS)) / BigInt(b.coveredMs), outBytes: (b.outBytes * BigInt(BUCKET_MS)) / BigInt(b.coveredMs) }));
        const newest = buckets.length ? buckets[buckets.length - 1].bucket + BUCKET_MS : 0;
        if (newest < lastEnd - 2 * BUCKET_MS) {
          unknown.add(`link_saturated:${u.device}:${u.interface}`);
          continue;
        }
        const speed = this.speedQ.get(series) as number | null | undefined;
        const capacities = [speed ?? undefined, rateBps].filter((x): x is number => x !== undefined && x > 0);
        if (!capacities.length) continue;
        const capacity = Math.min(...capacities);
        const ongoing = saturationEpisodes(buckets, capacity, ev.saturationPct, ev.saturationMinutes).find((e) => e.to >= newest);
        if (!ongoing) continue;
        const mbps = (ongoing.peakBps / 1e6).toFixed(0);
        const cap = (capacity / 1e6).toFixed(0);
        out.push({
          key: `link_saturated:${u.device}:${u.interface}`,
          kind: 'link_saturated',
          severity: 'warning',
          opd: o.id,
          device: u.device,
          interface: u.interface,
          summary: en
            ? `${u.device} ${u.interface} (${o.name}): above ${ev.saturationPct} % of ${cap} Mbit/s for ${ongoing.minutes} min, peak ${mbps} Mbit/s`
            : `${u.device} ${u.interface} (${o.name}): di atas ${ev.saturationPct} % dari ${cap} Mbit/s selama ${ongoing.minutes} menit, puncak ${mbps} Mbit/s`,
          details: { capacityBps: capacity, peakBps: ongoing.peakBps, since: ongoing.from, direction: ongoing.direction },
        });
      }
    }
    return out;
  }
}
