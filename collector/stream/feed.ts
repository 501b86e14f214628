// What the stream carries: the snapshot (current state only: /status, the firing alerts, this
// month's usage per OPD, backup states) and the events that follow it. Status changes from
// ingest are coalesced: devices touched by batches are marked, and `flush(at)` (a timer, one
// flush per `coalesceMs` on average, at once for a lone change (FlushWindow); or the test) sends one
// `status` event with each device that changed since the last one, however many samples arrived
// meanwhile. Alerts go out as they change.
import type { CollectorConfig } from '../../config/collector.js';
import { agentClocks, buildStatus, deviceStatuses, opdStatuses, type DeviceStateName, type DeviceStatus } from '../status/route.js';
import type { ClockSkew } from '../rules/clock-skew.js';
import type { AlertStore } from '../rules/alert-store.js';
import type { UsageService } from '../usage/service.js';
import type { Store } from '../storage/store.js';
import type { OpdUsage } from '../../protocol/usage.js';
import { IngestNotes } from '../ingest/notes.js';
import { StreamHub, type HubOptions } from './hub.js';

/** A backup state as GET /api/v1/backups gives it per OPD (the backup capability plugs in here). */
export interface BackupState {
  opd: string;
  status: 'ok' | 'running' | 'missing' | 'failed' | 'small' | 'not_configured';
  lastGood?: number;
  nextDue?: number;
}

/** A device's availability as GET /api/v1/uptime judges it (the up-time capability plugs in here). */
export interface UptimeState {
  device: string;
  state: 'up' | 'down' | 'unknown';
}

/** Optional sources of capabilities merged later; without them the wall shows their states as unknown ("—"). */
export interface StreamProviders {
  backups?: () => BackupState[];
  /** Every device's state, or with `only` those devices' (a flush of a few devices asks only for them and what stands behind them). */
  uptime?: (only?: ReadonlySet<string>) => UptimeState[];
}

/** The part of an OPD's monthly evaluation a tile shows. */
export interface UsageSummary {
  opd: string;
  status: OpdUsage['status'];
  usedPct: OpdUsage['usedPct'];
  countedBytes: string;
  projectedBytes?: string;
  quota: OpdUsage['quota'];
  coverage: number;
}

export interface FeedOptions extends Pick<HubOptions, 'ringSize' | 'ringBytes' | 'maxBufferedBytes' | 'onDrop'> {
  config: CollectorConfig;
  store: Store;
  alerts: AlertStore;
  usage: UsageService;
  clocks?: ClockSkew;
  providers?: StreamProviders;
  now: () => number;
  /** Timers: coalescing, heartbeats, rechecks. false: the caller drives flush, heartbeat and refreshUsage. */
  background: boolean;
  /** Status changes within this window become one event (default 1000 ms). */
  coalesceMs?: number;
  /** Ping every client this often; one missing pong drops it (default 30 s). */
  heartbeatMs?: number;
  /** This month's usage is evaluated again this often (default 5 min). */
  usageEveryMs?: number;
}

const summarize = (u: OpdUsage): UsageSummary => ({
  opd: u.opd,
  status: u.status,
  usedPct: u.usedPct,
  countedBytes: u.countedBytes,
  ...(u.projectedBytes !== undefined ? { projectedBytes: u.projectedBytes } : {}),
  quota: u.quota,
  coverage: u.coverage,
});

/** A coalesced flush waits at least this many times its predecessor's cost: status flushes take at most ~1/20 of the thread. */
export const COST_FACTOR = 20;
/**
 * How long to wait before the coalesced status flush, ms (0: now): until `allowedAt` (see
 * FlushWindow). Staged samples do not hold it up: the status read takes their interface states
 * from memory (store.stagedStates) and merges nothing.
 */
export function flushDelay(o: { now: number; allowedAt: number }): number {
  return Math.max(0, o.allowedAt - o.now);
}

/**
 * When the next coalesced flush may run: at most one flush per window on average, with room
 * for one more (a token bucket of two, kept as GCRA's theoretical time). Leading edge: a lone
 * change goes out at once. The window grows with the flush's cost (COST_FACTOR times it), and
 * then the next flush waits for all of it, room or not: at 50,000 interfaces a status read takes
 * a hundred milliseconds or more, and flushed every second it took a quarter of the collector's
 * thread under ingest load.
 * The room for one more is what keeps a steady source from being held back: with a strict "one
 * per window from the last flush", an agent batch every second against a 1 s window kept the
 * worst delay it ever met, batch after batch (a batch 40 ms late moved every later window by
 * 40 ms): the stream benchmark's p50 went from 12 to 37 ms that way.
 */
export class FlushWindow {
  /** The theoretical time of the next flush; one window earlier than it is allowed. */
  private tat = -Infinity;
  private windowMs: number;
  /** After a flush that cost more than the window allows (COST_FACTOR), no flush before this, room or not. */
  private notBefore = -Infinity;

  constructor(readonly coalesceMs: number) {
    this.windowMs = coalesceMs;
  }

  /** How long a flush waits at `now`. */
  delay(now: number): number {
    return flushDelay({ now, allowedAt: Math.max(this.tat - this.windowMs, this.notBefore) });
  }

  /** A flush ran at `at` and took `costMs`. */
  flushed(at: number, costMs: number): void {
    this.windowMs = Math.max(this.coalesceMs, COST_FACTOR * costMs);
    this.tat = Math.max(this.tat, at) + this.windowMs;
    this.notBefore = this.windowMs > this.coalesceMs ? at + this.windowMs : -Infinity;
  }
}

export class StreamFeed {
  readonly hub: StreamHub;
  private readonly dirty = new Set<string>();
  private readonly sentDevice = new Map<string, string>();
  /** Each device's state as last read by a flush (a flush of a few devices judges its OPDs with the others' from here). */
  private readonly stateOf = new Map<string, DeviceStateName>();
  private readonly sentOpd = new Map<string, string>();
  private usageSent = new Map<string, string>();
  private usageNow: UsageSummary[] | undefined;
  private readonly backups = new Map<string, BackupState>();
  private readonly uptimeSent = new Map<string, UptimeState['state']>();
  /** True once a full flush (`all`) ran: what was sent then holds every device, OPD and up-time state (see snapshot()). */
  private baseline = false;
  private readonly notes: IngestNotes;
  private readonly timers: NodeJS.Timeout[] = [];
  private pending: NodeJS.Timeout | undefined;
  /** The coalesced flush's window, in performance.now() time (real time: the window is real, whatever the injected clock says). */
  private readonly window: FlushWindow;
  readonly coalesceMs: number;
  readonly heartbeatMs: number;
  /** The shortest polling interval of any agent, ms: the display's staleness unit. */
  readonly intervalMs: number;

  constructor(private readonly o: FeedOptions) {
    this.coalesceMs = o.coalesceMs ?? 1000;
    this.window = new FlushWindow(this.coalesceMs);
    this.heartbeatMs = o.heartbeatMs ?? 30_000;
    this.intervalMs = Math.min(60_000, ...o.config.agents.map((a) => a.intervalSeconds * 1000));
    this.notes = IngestNotes.of(o.store.db);
    this.hub = new StreamHub({ ringSize: o.ringSize, ringBytes: o.ringBytes, maxBufferedBytes: o.maxBufferedBytes, onDrop: o.onDrop, snapshot: () => this.snapshot() });
    o.alerts.onChange((c) => this.hub.publish('alert', { what: c.what, alert: c.alert }));
  }

  start(): void {
    if (!this.o.background) return;
    const every = (ms: number, fn: () => void) => this.timers.push(setInterval(fn, ms));
    every(this.heartbeatMs, () => this.hub.heartbeat(this.o.now()));
    // Devices go stale without any batch arriving: look at all of them once an interval.
    every(this.intervalMs, () => this.flush(this.o.now(), true));
    every(this.o.usageEveryMs ?? 300_000, () => this.refreshUsage(this.o.now()));
    // The baseline at once, not after the first interval, and before any display can connect
    // (the collector calls start() in the same turn as its server starts listening): the first
    // display's snapshot comes from it instead of a cold status and up-time read. (This month's
    // usage: warmUsage(), which the collector calls right after.)
    this.flush(this.o.now(), true);
  }

  /** Evaluates this month's usage for the snapshot unless it was (the collector calls it at start: it fills the usage cache too). */
  warmUsage(): void {
    this.usageOf(this.o.now());
  }

  stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    if (this.pending) clearTimeout(this.pending);
    return this.hub.close();
  }

  /**
   * Ingest stored samples of these devices: their state goes out with the next flush. Leading
   * edge: when FlushWindow allows a flush now, it runs at once (on the next turn of the event
   * loop, after the batch's answer), so a lone batch reaches the displays without waiting a
   * window; otherwise changes gather and go out together when it allows the next.
   */
  devicesChanged(devices: Iterable<string>): void {
    for (const d of devices) this.dirty.add(d);
    if (!this.o.background || this.pending || this.dirty.size === 0) return;
    this.schedule();
  }

  /** Plans the coalesced flush (see flushDelay). */
  private schedule(): void {
    this.pending = setTimeout(() => {
      this.pending = undefined;
      if (this.dirty.size === 0) return;
      const at = performance.now();
      this.flush(this.o.now());
      this.window.flushed(at, performance.now() - at);
    }, this.window.delay(performance.now()));
  }

  /**
   * One `status` event with each marked device (every device with `all`) whose state differs
   * from what was last sent, and the OPDs whose overall state changed. Returns its seq, or
   * undefined when nothing changed.
   */
  flush(at: number, all = false): number | undefined {
    if (!all && this.dirty.size === 0) return undefined;
    // A flush of a few devices reads only theirs once every device's state is known (the
    // baseline); the OPDs are judged with the other devices' states as last read, which the
    // flush of all each interval brings up to date with time (staleness), as it does for devices.
    const partial = !all && this.stateOf.size > 0;
    const read = partial ? deviceStatuses(this.o.config, this.o.store, at, this.notes, undefined, this.dirty) : buildStatus(this.o.config, this.o.store, at, this.notes, this.o.clocks).devices;
    const devices: DeviceStatus[] = [];
    for (const d of read) {
      this.stateOf.set(d.id, d.state);
      if (!all && !this.dirty.has(d.id)) continue;
      const text = JSON.stringify(d);
      if (this.sentDevice.get(d.id) === text) continue;
      this.sentDevice.set(d.id, text);
      devices.push(d);
    }
    // Up-time states (when that capability is present) ride along when they change: those of the
    // marked devices and of everything behind them (a router's sample can make them unknown);
    // changes that come with time alone (silence) are caught by the `all` flush each interval.
    const only = all ? undefined : this.withDependents(this.dirty);
    this.dirty.clear();
    const opds = opdStatuses(this.o.config, (id) => this.stateOf.get(id) ?? 'unknown').filter((x) => {
      const text = JSON.stringify(x);
      if (this.sentOpd.get(x.id) === text) return false;
      this.sentOpd.set(x.id, text);
      return true;
    });
    const uptime = (this.o.providers?.uptime?.(only) ?? []).filter((u) => {
      if (this.uptimeSent.get(u.device) === u.state) return false;
      this.uptimeSent.set(u.device, u.state);
      return true;
    });
    if (all) this.baseline = true;
    if (devices.length === 0 && opds.length === 0 && uptime.length === 0) return undefined;
    return this.hub.publish('status', { at, devices, opds, ...(uptime.length ? { uptime } : {}) });
  }

  /** The devices and every device standing behind one of them (`via`, transitively). */
  private withDependents(devices: ReadonlySet<string>): Set<string> {
    const out = new Set(devices);
    for (let grew = true; grew; ) {
      grew = false;
      for (const d of this.o.config.devices)
        if (d.via !== undefined && out.has(d.via) && !out.has(d.id)) {
          out.add(d.id);
          grew = true;
        }
    }
    return out;
  }

  /** Evaluates this month's usage again and sends the OPDs whose figures changed. */
  refreshUsage(at: number): number | undefined {
    const before = this.usageSent;
    this.usageNow = this.evaluateUsage(at);
    this.usageSent = new Map(this.usageNow.map((u) => [u.opd, JSON.stringify(u)]));
    const changed = this.usageNow.filter((u) => before.get(u.opd) !== this.usageSent.get(u.opd));
    if (changed.length === 0) return undefined;
    return this.hub.publish('usage', { at, opds: changed });
  }

  /** The backup capability calls this when an OPD's backup state changes. */
  backupChanged(b: BackupState): number | undefined {
    const prev = this.backups.get(b.opd);
    this.backups.set(b.opd, b);
    if (prev && JSON.stringify(prev) === JSON.stringify(b)) return undefined;
    return this.hub.publish('backup', { backup: b });
  }

  /**
   * The snapshot body. With the background running and a baseline sent, it is the state the
   * events up to the current seq have sent (every device, OPD and up-time state as last sent,
   * kept here as JSON text), so it is consistent with its seq by construction: what changed
   * since is in the next flush, which this client receives like every other display. That costs
   * no store read (a fresh status and every device's up-time took 100-650 ms at 2,000 devices,
   * on each connect). Without the background (tests drive the flushes) or before the first full
   * flush, it is read fresh.
   */
  snapshot(): Record<string, unknown> | string {
    const at = this.o.now();
    if (this.o.background && this.baseline) return this.sentSnapshot(at);
    const uptime = this.o.providers?.uptime;
    return { ...this.snapshotMembers(at), status: buildStatus(this.o.config, this.o.store, at, this.notes, this.o.clocks), ...(uptime ? { uptime: uptime() } : {}) };
  }

  /** The snapshot's members other than status and uptime, the same either way it is built. */
  private snapshotMembers(at: number): Record<string, unknown> {
    const p = this.o.providers ?? {};
    const backups = p.backups ? p.backups() : this.backups.size ? [...this.backups.values()] : undefined;
    return { at, timezone: this.o.config.timezone, intervalMs: this.intervalMs, heartbeatMs: this.heartbeatMs, alerts: this.o.alerts.list('firing'), usage: this.usageOf(at), ...(backups ? { backups } : {}) };
  }

  /** The snapshot as JSON text from what was sent (see snapshot()); the same members as the fresh one. */
  private sentSnapshot(at: number): string {
    const cfg = this.o.config;
    const texts = (ids: Iterable<string>, sent: Map<string, string>) => {
      const out: string[] = [];
      for (const id of ids) {
        const t = sent.get(id);
        if (t !== undefined) out.push(t);
      }
      return out.join(',');
    };
    const agents = agentClocks(cfg, at, this.o.clocks);
    const status = `{"generatedAt":${at},"opds":[${texts(cfg.opds.map((o) => o.id), this.sentOpd)}],"devices":[${texts(cfg.devices.map((d) => d.id), this.sentDevice)}]${agents ? `,"agents":${JSON.stringify(agents)}` : ''}}`;
    const head = JSON.stringify(this.snapshotMembers(at));
    if (!this.o.providers?.uptime) return `${head.slice(0, -1)},"status":${status}}`;
    const uptime: UptimeState[] = [];
    for (const d of cfg.devices) {
      const state = this.uptimeSent.get(d.id);
      if (state !== undefined) uptime.push({ device: d.id, state });
    }
    return `${head.slice(0, -1)},"status":${status},"uptime":${JSON.stringify(uptime)}}`;
  }

  /** This month's usage as last evaluated (evaluated now when it never was). */
  private usageOf(at: number): UsageSummary[] {
    if (!this.usageNow) {
      this.usageNow = this.evaluateUsage(at);
      this.usageSent = new Map(this.usageNow.map((u) => [u.opd, JSON.stringify(u)]));
    }
    return this.usageNow;
  }

  private evaluateUsage(at: number): UsageSummary[] {
    // No drain: the rollup's own timer keeps the buckets current; the wall never waits for it.
    return this.o.usage.evaluate({ now: at, drain: false }).opds.map(summarize);
  }
}
