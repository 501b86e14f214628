// Up-time per device from the store: ping samples, SNMP poll results and host samples are the
// observations (timeline.ts); each agent's last batch (table agent_heartbeat) says whether
// anyone is watching now. Serves GET /uptime, the report section, /status and UptimeRules.
// Statements are prepared once, here. Complete past days come from memory (DayCache), else
// from their persisted rows (DayStore, table uptime_day), else from the samples; a month's
// newly computed days are written in one transaction at the end of month(). Down time inside
// a maintenance window (a silence) is reported as maintenance, apart from outages (maintenance.ts).
import type { CollectorConfig, DeviceConfig } from '../../config/collector.js';
import type { DeviceUptime, LiveState, UnknownReason, UptimeReport } from '../../protocol/uptime.js';
import { monthOf, monthRange, offsetAt } from '../accounting/months.js';
import type { Sample } from '../../protocol/samples.js';
import { DAY, DayCache } from './day-cache.js';
import { DayStore, type DayRow } from './day-store.js';
import { planned, type FigSegment, type MaintenanceSource } from './maintenance.js';
import { isStoreError, type Store } from '../storage/store.js';
import { monthFigures } from './figures.js';
import { behind, combine, observedTimeline, segmentAt, type Observation, type Segment } from './timeline.js';

/** An agent is silent after this many of its intervals without a batch. */
export const SILENT_INTERVALS = 3;
const BEAT_WRITE_MS = 10_000;
/** An observation stands for at most this many of its agent's intervals. */
export const HOLD_INTERVALS = 2;

export interface UptimeOptions {
  /** Maintenance windows of a device (the silences' windowsOf); none when absent. */
  maintenance?: MaintenanceSource;
  /**
   * Persisted days (table uptime_day): `read-write` (the collector, default), `read` (another
   * process beside the collector, such as `pantau report`: it reads rows and writes none, so it
   * never races the collector's ingest), `off` (every day from the samples).
   */
  persist?: 'read-write' | 'read' | 'off';
}

/** Where the whole days of month() reads came from (for tests and the benchmark). */
export interface DayReads {
  memory: number;
  stored: number;
  samples: number;
  /** Days that could not be persisted (the store refused the write). */
  unsaved: number;
}

export interface Live {
  state: LiveState;
  reason?: UnknownReason;
  /** Start of the current run of this state, as far back as the look-back reached. */
  since: number;
}

export class UptimeService {
  private readonly q;
  private readonly devices: Map<string, DeviceConfig>;
  private readonly agentOf = new Map<string, { id: string; intervalMs: number }>();
  private readonly days: DayCache;
  /** Each agent's newest batch, and what was last written of it to agent_heartbeat. */
  private readonly beats = new Map<string, number>();
  private readonly saved = new Map<string, number>();
  /** Heartbeats due for writing (flushBeats). */
  private readonly dueBeats = new Map<string, number>();
  private readonly writeBeats: (due: [string, number][]) => void;
  private readonly dayStore?: DayStore;
  private readonly persist: NonNullable<UptimeOptions['persist']>;
  private readonly maintenance?: MaintenanceSource;
  /** Whole days computed from samples since the last flush, to be persisted. */
  private pending: DayRow[] = [];
  /** warm()'s progress: the local day it works for and the next device. */
  private warmed = { day: -Infinity, next: 0 };
  readonly dayReads: DayReads = { memory: 0, stored: 0, samples: 0, unsaved: 0 };

  constructor(
    private readonly cfg: CollectorConfig,
    private readonly store: Store,
    opts: UptimeOptions = {},
  ) {
    const d = store.db;
    this.q = {
      // Rows as arrays [kind, ts, ok, error]: a month of 60-second samples is 43,200 rows per kind.
      observations: d
        .prepare(
          `SELECT 0, ts, up, NULL FROM ping_sample WHERE device = $id AND ts >= $from AND ts < $to
           UNION ALL SELECT 1, ts, ok, CASE WHEN ok = 0 THEN coalesce(error, '') END FROM poll_result WHERE device = $id AND ts >= $from AND ts < $to
           UNION ALL SELECT 2, ts, 1, NULL FROM host_sample WHERE device = $id AND ts >= $from AND ts < $to`,
        )
        .raw(),
      beat: d.prepare(
        'INSERT INTO agent_heartbeat (agent, last_batch) VALUES (?, ?) ON CONFLICT (agent) DO UPDATE SET last_batch = max(last_batch, excluded.last_batch)',
      ),
      beats: d.prepare('SELECT last_batch FROM agent_heartbeat WHERE agent = ?').pluck(),
    };
    this.writeBeats = d.transaction((due: [string, number][]) => {
      for (const [agent, at] of due) this.q.beat.run(agent, at);
    });
    this.devices = new Map(cfg.devices.map((x) => [x.id, x]));
    this.days = new DayCache(offsetAt(Date.now(), cfg.timezone));
    this.persist = opts.persist ?? 'read-write';
    if (this.persist !== 'off') this.dayStore = new DayStore(store);
    this.maintenance = opts.maintenance;
    for (const a of cfg.agents) for (const dev of a.poll) this.agentOf.set(dev, { id: a.id, intervalMs: a.intervalSeconds * 1000 });
  }

  /**
   * Records an agent's batch arriving at `at` (every authenticated batch is a heartbeat). Kept
   * in memory; an agent's first heartbeat in this process is due at once, later ones at most
   * every 10 s per agent: flushBeats() writes every due one in a single transaction (the
   * collector's background calls it every second, and at stop). One commit per heartbeat was an
   * fsync per agent every 10 s: 30 a second for 300 agents; writing each agent's first one by
   * itself was 300 fsyncs on the collector's thread in its first seconds. A crash loses at most
   * the last ~11 s of heartbeats (~1 s of first ones), so a restart knows when each agent was
   * last heard.
   */
  heartbeat(agent: string, at: number): void {
    const last = this.lastBatch(agent);
    if (last === undefined || at > last) this.beats.set(agent, at);
    const saved = this.saved.get(agent);
    if (saved === undefined || at - saved >= BEAT_WRITE_MS || at < saved) this.dueBeats.set(agent, Math.max(at, this.dueBeats.get(agent) ?? at));
  }

  /** Writes the heartbeats due since the last call, in one transaction; returns how many. */
  flushBeats(): number {
    const due = [...this.dueBeats];
    if (due.length === 0) return 0;
    this.dueBeats.clear();
    this.writeBeats(due);
    for (const [agent, at] of due) this.saved.set(agent, at);
    return due.length;
  }

  lastBatch(agent: string): number | undefined {
    let last = this.beats.get(agent);
    if (last === undefined) {
      last = (this.q.beats.get(agent) as number | undefined) ?? undefined;
      if (last !== undefined) this.beats.set(agent, last);
    }
    return last;
  }

  /** The interval of the agent polling `device` (60 s for a device no agent polls). */
  intervalMs(device: string): number {
    return this.agentOf.get(device)?.intervalMs ?? 60_000;
  }

  via(device: string): string | undefined {
    return this.devices.get(device)?.via;
  }

  agentOfDevice(device: string): string | undefined {
    return this.agentOf.get(device)?.id;
  }

  /** Whether `agent` counts as silent at `at`; `startedAt` stands in for a batch of an agent never heard from. */
  isSilent(agent: string, at: number, startedAt = -Infinity): boolean {
    const a = this.cfg.agents.find((x) => x.id === agent);
    const last = this.lastBatch(agent) ?? startedAt;
    return at - last >= SILENT_INTERVALS * (a ? a.intervalSeconds * 1000 : 60_000);
  }

  /** The device's timeline over [from, to), `via` applied. */
  timeline(device: string, from: number, to: number, memo = new Map<string, Segment[]>(), completeBefore = -Infinity, depth = 0): Segment[] {
    const known = memo.get(device);
    if (known) return known;
    const own = this.observed(device, from, to, completeBefore);
    const via = this.devices.get(device)?.via;
    const segs = via === undefined || depth > this.devices.size ? own : behind(own, this.timeline(via, from, to, memo, completeBefore, depth + 1), from, to);
    memo.set(device, segs);
    return segs;
  }

  /**
   * The device's own observations over [from, to), whatever it stands behind. Whole local days
   * that ended by `completeBefore` come from the day cache (read once).
   */
  observed(device: string, from: number, to: number, completeBefore = -Infinity): Segment[] {
    if (completeBefore <= from) return this.read(device, from, to);
    const hold = HOLD_INTERVALS * this.intervalMs(device);
    let id: number | undefined | null = null; // the device's row id, looked up once when memory lacks a day
    let stored: Map<number, Segment[]> | undefined; // the persisted days of the range, read once when memory lacks a day
    // Per day: [a, b), whether whole, and its segments when memory or the stored days have them.
    const parts: { a: number; b: number; whole: boolean; segs?: Segment[] }[] = [];
    for (let a = from; a < to; ) {
      const day = this.days.dayStart(a);
      const b = Math.min(day + DAY, to);
      const whole = a === day && b === day + DAY && b <= completeBefore;
      let segs = whole ? this.days.get(device, day) : undefined;
      if (segs) this.dayReads.memory++;
      else if (whole) {
        if (id === null) id = this.store.knownDeviceId(device);
        if (this.dayStore && id !== undefined) {
          stored ??= this.dayStore.days(id, day, Math.min(to, completeBefore), hold);
          segs = stored.get(day);
        }
        if (segs) {
          this.dayReads.stored++;
          this.days.set(device, day, segs);
        }
      }
      parts.push({ a, b, whole, segs });
      a = b;
    }
    // Whole days from samples: read once for all of them (3 queries per device, not per day), each day cut from it.
    const fromSamples = parts.filter((p) => p.whole && !p.segs);
    const rows = fromSamples.length > 1 ? this.rows(device, fromSamples[0].a - hold, fromSamples[fromSamples.length - 1].b) : undefined;
    const out: Segment[] = [];
    for (const p of parts) {
      let segs = p.segs;
      if (!segs && p.whole) {
        segs = rows ? this.timelineOf(rows, hold, p.a, p.b) : this.read(device, p.a, p.b);
        this.dayReads.samples++;
        if (this.persist === 'read-write' && id !== undefined && id !== null) this.pending.push({ device: id, day: p.a, holdMs: hold, segs });
        this.days.set(device, p.a, segs);
      } else if (!segs) segs = this.read(device, p.a, p.b);
      for (const x of segs) {
        const last = out[out.length - 1];
        if (last && last.state === x.state && last.to === x.from) out[out.length - 1] = { ...last, to: x.to };
        else out.push(x);
      }
    }
    return out;
  }

  /**
   * Drops cached days that newly stored samples change (ingest calls it after each batch; the
   * persisted rows were deleted in the batch's transaction), and any not yet written day they reach.
   */
  stored(samples: readonly Sample[]): void {
    this.days.stored(samples, (d) => HOLD_INTERVALS * this.intervalMs(d));
    if (this.pending.length) this.pending = [];
  }

  /**
   * Writes the whole days computed from samples since the last flush (one transaction). Called
   * at the end of month(), in the same synchronous run as the reads, so no batch can land in
   * between (ingest runs on this thread).
   */
  private flush(): void {
    const rows = this.pending;
    this.pending = [];
    try {
      this.dayStore?.put(rows);
    } catch (e) {
      // Persisting is a speed-up only: the days stay in memory and a later start computes them again.
      if (!isStoreError(e)) throw e;
      this.dayReads.unsaved += rows.length;
    }
  }

  private read(device: string, from: number, to: number): Segment[] {
    const hold = HOLD_INTERVALS * this.intervalMs(device);
    return this.timelineOf(this.rows(device, from - hold, to), hold, from, to);
  }

  /** The device's ping, poll and host observations with ts in [from, to), each kind in time order. */
  private rows(device: string, from: number, to: number): Observation[][] {
    const id = this.store.knownDeviceId(device);
    if (id === undefined) return [];
    // The three kinds in one statement, [kind, ts, ok, error]. No ORDER BY: SQLite sorted each
    // arm in a temporary B-tree for it (a month is 43,200 rows a kind), while each arm reads its
    // primary key (device, ts) in order anyway; a kind found out of order is sorted here.
    const kinds: Observation[][] = [[], [], []];
    for (const [kind, ts, ok, error] of this.q.observations.all({ id, from, to }) as [number, number, number, string | null][])
      kinds[kind].push({ ts, ok: ok === 1 || (error !== null && !pollSaysDown(error)) });
    for (const list of kinds) if (list.some((o, i) => i > 0 && o.ts < list[i - 1].ts)) list.sort((a, b) => a.ts - b.ts);
    return kinds;
  }

  /** The timeline of [from, to) from the observations with ts in [from − hold, to) of each kind (as one query for the range would give them). */
  private timelineOf(kinds: Observation[][], hold: number, from: number, to: number): Segment[] {
    const lines = kinds
      .map((obs) => obs.slice(firstAtOrAfter(obs, from - hold), firstAtOrAfter(obs, to)))
      .filter((obs) => obs.length > 0)
      .map((obs) => observedTimeline(obs, hold, from, to));
    return combine(lines, from, to);
  }

  /** The device's state at `at`, looking back `lookbackMs` for the start of its current run. */
  /**
   * live() of each device at `at`, in order. The devices share their reads: a router's timeline
   * is read once for all that stand behind it, not once per device (the stream asks this for
   * every device each interval, and at 2,000 devices each read is a few queries).
   */
  liveAll(devices: Iterable<string>, at: number): Live[] {
    const memos = new Map<number, Map<string, Segment[]>>(); // per `from`: a device's interval decides it
    const out: Live[] = [];
    for (const d of devices) {
      const from = at - HOLD_INTERVALS * this.intervalMs(d);
      let memo = memos.get(from);
      if (!memo) memos.set(from, (memo = new Map()));
      out.push(this.live(d, at, 0, memo));
    }
    return out;
  }

  live(device: string, at: number, lookbackMs = 0, memo?: Map<string, Segment[]>): Live {
    const agent = this.agentOf.get(device);
    const hold = HOLD_INTERVALS * this.intervalMs(device);
    const from = at - Math.max(lookbackMs, hold);
    if (agent && this.isSilent(agent.id, at)) return { state: 'unknown', reason: 'agent_silent', since: this.lastBatch(agent.id) ?? from };
    const segs = this.timeline(device, from, at + 1, memo);
    const seg = segmentAt(segs, at)!;
    if (seg.state !== 'unknown') return { state: seg.state, since: seg.from };
    // Unknown now because the device it stands behind is down, while its own observation says down?
    if (this.devices.get(device)?.via !== undefined && segmentAt(this.observed(device, from, at + 1), at)?.state === 'down')
      return { state: 'unknown', reason: 'via_down', since: seg.from };
    return { state: 'unknown', reason: 'no_observation', since: seg.from };
  }

  /**
   * Computes and persists, device by device, the complete days of the previous and the current
   * month that are neither in memory nor stored, for at most about `budgetMs` per call (one
   * device at least), so days are persisted once they are over rather than on the first read
   * after a restart. The collector calls it on a timer; returns true once every device is done
   * for the latest complete day (then calls are cheap until the next day ends).
   */
  warm(now: number, budgetMs: number): boolean {
    if (this.persist !== 'read-write' || this.cfg.devices.length === 0) return true;
    const today = this.days.dayStart(now);
    if (this.warmed.day === today && this.warmed.next >= this.cfg.devices.length) return true;
    if (this.warmed.day !== today) this.warmed = { day: today, next: 0 };
    const from = monthRange(monthOf(monthRange(monthOf(today, this.cfg.timezone), this.cfg.timezone).from - 1, this.cfg.timezone), this.cfg.timezone).from;
    const t0 = performance.now();
    do {
      const d = this.cfg.devices[this.warmed.next++];
      if (today > from) this.observed(d.id, from, today, today);
    } while (this.warmed.next < this.cfg.devices.length && performance.now() - t0 < budgetMs);
    this.flush();
    return this.warmed.next >= this.cfg.devices.length;
  }

  /** Every configured device's month (the current month up to `now`). */
  month(month: string | undefined, now: number): UptimeReport {
    const tz = this.cfg.timezone;
    const m = month ?? monthOf(now, tz);
    const range = monthRange(m, tz);
    const current = now < range.to;
    const to = current ? Math.max(range.from, now) : range.to;
    const memo = new Map<string, Segment[]>(); // a router's timeline is read once, not again for each device behind it
    const devices = this.cfg.devices.map((d) => this.device(d, range.from, to, current, now, memo));
    this.flush();
    const anyObserved = devices.some((d) => d.state !== 'no_data');
    return {
      month: m,
      timezone: tz,
      from: range.from,
      to: range.to,
      current,
      state: !anyObserved ? 'no_data' : current ? 'in_progress' : 'complete',
      generatedAt: now,
      devices,
    };
  }

  private device(d: DeviceConfig, from: number, to: number, current: boolean, now: number, memo: Map<string, Segment[]>): DeviceUptime {
    // The current month: one ms past now, so an observation made at this instant is seen.
    const end = current ? to + 1 : to;
    const windows = this.maintenance?.(d.id, from, end) ?? [];
    const all = planned(this.timeline(d.id, from, end, memo, now), windows);
    const segs = current ? clip(all, to) : all;
    const f = monthFigures(segs, from, to, current ? (segmentAt(all, to)?.state ?? 'unknown') : 'month_end', windows);
    const out: DeviceUptime = { device: d.id, opd: d.opd, kind: d.kind, state: 'no_data', ...f };
    const agent = this.agentOfDevice(d.id);
    if (agent) out.agent = agent;
    if (d.via) out.via = d.via;
    const everObserved = f.upS + f.downS + f.maintenanceS > 0;
    if (everObserved) {
      if (current) {
        const l = this.live(d.id, now);
        out.state = l.state;
        if (l.reason) out.reason = l.reason;
      } else {
        const last = segs[segs.length - 1];
        out.state = last.state === 'maintenance' ? 'down' : last.state;
        if (last.state === 'unknown') out.reason = 'no_observation';
      }
    }
    const t = this.target(d.kind);
    if (t !== undefined)
      out.target = { pct: t, result: f.availabilityPct === null ? 'no_data' : f.availabilityPct >= t ? 'met' : 'not_met' };
    return out;
  }

  private target(kind: string): number | undefined {
    const t = this.cfg.uptime.targetPct;
    return typeof t === 'number' ? t : t?.[kind as keyof typeof t];
  }
}

/** The segments before `to`. */
function clip<S extends Segment | FigSegment>(segs: S[], to: number): S[] {
  return segs.filter((s) => s.from < to).map((s) => (s.to > to ? { ...s, to } : s));
}

/**
 * A failed SNMP poll is evidence of "down" only when the device did not answer (timeout, no
 * answer, unreachable). A device that answered with a refusal (wrong key, unknown user) is
 * reachable: up, while /status shows the poll error.
 */
export function pollSaysDown(error: string): boolean {
  return error === '' || /no answer|did not finish|timed? ?out|unreach|ECONNREFUSED/i.test(error);
}

/**
 * For /status: the device's state as up-time judges it, where that differs from the latest
 * samples: `unknown` (with a note) while its agent is silent or the device it stands behind is
 * down; `down` instead of a poll `error` when the device did not answer at all.
 */
export function statusJudgement(uptime: UptimeService, device: string, at: number, lang: 'id' | 'en', current: string): { state: 'unknown' | 'down'; note?: string } | undefined {
  const l = uptime.live(device, at);
  if (l.reason === 'agent_silent') {
    const agent = uptime.agentOfDevice(device);
    return { state: 'unknown', note: lang === 'en' ? `agent ${agent} is silent: state unknown` : `agen ${agent} tidak mengirim data: status tidak diketahui` };
  }
  if (l.reason === 'via_down') {
    const via = uptime.via(device);
    return { state: 'unknown', note: lang === 'en' ? `behind ${via}, which is down: state unknown` : `di belakang ${via} yang sedang mati: status tidak diketahui` };
  }
  if (l.state === 'down' && current === 'error') return { state: 'down' };
  return undefined;
}

/** First index of `obs` (in time order) with ts >= t. */
function firstAtOrAfter(obs: readonly Observation[], t: number): number {
  let lo = 0;
  let hi = obs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (obs[mid].ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
