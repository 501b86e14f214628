// The alert engine: conditions observed over time become alerts in the AlertStore.
// - A condition fires once it has held for `forMs` and resolves once it has been clear for
//   `clearMs` (no flapping); an `unknown` observation (stale data) is neither: it never fires
//   and never clears, and a firing alert with `staleMs` resolves after that long unknown.
// - Flapping (Nagios-style, see flapping.ts) fires one alert flagged `details.flapping`, which
//   stays until the flapping stops and the condition is clear: one alert, not a storm.
// - Escalation: a higher severity of the same key updates that alert (recorded 'escalated').
// - Dependencies: `isHeldBack` (e.g. the device's `via` router is down, or its agent silent)
//   keeps a condition from firing; one outage is one alert.
// State per key (for and clear periods, flap history) is kept in the store when the engine
// has one (engine-state.ts), so a collector restart continues the periods where they were.
import type { Alert, AlertInput, AlertStore, Severity } from '../rules/alert-store.js';
import type { EngineState, SavedKey } from './engine-state.js';
import { FlapDetector, type FlapOptions } from './flapping.js';

export interface Observation extends AlertInput {
  /** Whether the condition holds; 'unknown' when its data is stale or missing. */
  active: boolean | 'unknown';
  at: number;
  /** How long the condition must hold before the alert fires (default: the engine's `forMs`). */
  forMs?: number;
  /** How long it must be clear before the alert resolves (default: the engine's `clearMs`). */
  clearMs?: number;
  /** A firing alert whose condition stays unknown this long after it last held resolves (default: never). */
  staleMs?: number;
  /**
   * When the condition began to hold (or to be clear), when the data says so (e.g. a device
   * down since its first failed poll): the for or clear period runs from there rather than
   * from the first observation that saw it.
   */
  since?: number;
  /** The agent the condition's data comes through (not stored): while it is silent, the condition is held back, as a device's behind it. */
  agent?: string;
}

export type HeldBack = (o: Pick<Observation, 'key' | 'kind' | 'device' | 'opd' | 'agent'>, at: number) => boolean;

export interface EngineOptions {
  alerts: AlertStore;
  forMs?: number;
  clearMs?: number;
  flapping?: FlapOptions;
  /** Dependencies: true keeps the observation from firing (its alert is held back). */
  isHeldBack?: HeldBack;
  language?: 'id' | 'en';
  /** Where the state per key is kept across restarts (default: memory only). */
  state?: EngineState;
}

export type KeyStatus = 'inactive' | 'pending' | 'firing' | 'held' | 'unknown';

interface KeyState {
  kind: string;
  device?: string;
  pendingSince?: number;
  clearSince?: number;
  lastActiveAt?: number;
  last?: boolean;
  flap: FlapDetector;
  status: KeyStatus;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export class AlertEngine {
  private readonly keys = new Map<string, KeyState>();
  /** Keys whose condition held at their last observation, by kind and device (what dependencies ask, for thousands of devices). */
  private readonly holding = new Map<string, Set<string>>();
  private heldBack: HeldBack | undefined;

  constructor(private readonly o: EngineOptions) {
    this.heldBack = o.isHeldBack;
    for (const k of o.state?.load() ?? []) {
      const flap = new FlapDetector(o.flapping);
      flap.restore(k.flap, k.flapping);
      const st: KeyState = { kind: k.kind, device: k.device, pendingSince: k.pendingSince, clearSince: k.clearSince, lastActiveAt: k.lastActiveAt, last: k.last, flap, status: k.status as KeyStatus };
      this.keys.set(k.key, st);
      this.setLast(k.key, st, k.last);
    }
  }

  /** Plugs in the dependency check (the up-time capability may bring its own). */
  setHeldBack(fn: HeldBack | undefined): void {
    this.heldBack = fn;
  }

  get alerts(): AlertStore {
    return this.o.alerts;
  }

  /** Feeds one observation of a condition; returns where its key stands now. */
  observe(ob: Observation): KeyStatus {
    const st = this.state(ob);
    const status = this.judge(ob, st);
    this.save(ob.key, st);
    return status;
  }

  private judge(ob: Observation, st: KeyState): KeyStatus {
    const firing = this.o.alerts.firing(ob.key);
    const at = ob.at;
    if (ob.active === 'unknown') {
      if (firing && ob.staleMs !== undefined) {
        st.lastActiveAt ??= at;
        if (at - st.lastActiveAt >= ob.staleMs) return this.resolve(ob.key, st, at);
      }
      return (st.status = firing ? 'firing' : 'unknown');
    }
    const active = ob.active;
    const wasFlapping = st.flap.isFlapping;
    const flapping = st.flap.record(active);
    this.setLast(ob.key, st, active);
    if (active) {
      st.clearSince = undefined;
      st.lastActiveAt = at;
    } else st.pendingSince = undefined;

    if (firing) {
      if (flapping !== wasFlapping) this.markFlapping(firing, flapping, at);
      if (active) {
        this.update(ob, firing, flapping);
        return (st.status = 'firing');
      }
      if (flapping) return (st.status = 'firing'); // resolves only once the flapping stops
      st.clearSince = ob.since ?? st.clearSince ?? at;
      if (at - st.clearSince >= (ob.clearMs ?? this.o.clearMs ?? 0)) return this.resolve(ob.key, st, at);
      return (st.status = 'firing');
    }
    if (!active && !flapping) return (st.status = 'inactive');
    if (this.heldBack?.(ob, at)) {
      st.pendingSince = undefined;
      return (st.status = 'held');
    }
    if (active) st.pendingSince = ob.since ?? st.pendingSince ?? at;
    const held = st.pendingSince !== undefined && at - st.pendingSince >= (ob.forMs ?? this.o.forMs ?? 0);
    if (!held && !flapping) return (st.status = 'pending');
    const { active: _a, at: _t, forMs: _f, clearMs: _c, staleMs: _s, since: _b, agent: _g, ...input } = ob;
    const alert = this.o.alerts.fire(flapping ? this.flappingInput(input) : input, at);
    if (flapping) this.o.alerts.record(alert.id, 'flapping', 'pantau', undefined, at);
    return (st.status = 'firing');
  }

  /**
   * Runs a rules pass in one transaction (the engine's state commits once). Each `guard`ed step
   * fails alone: alerts the others fired stay, with their notifications. Failures are thrown
   * together once the rest is committed.
   */
  batch(what: string, fn: (guard: (step: () => void) => void) => void): void {
    const errors: unknown[] = [];
    this.o.alerts.transaction(() => {
      fn((step) => {
        try {
          step();
        } catch (e) {
          errors.push(e);
        }
      });
      this.o.state?.flush(); // the pass's remembered periods commit with it
    });
    if (errors.length) throw new AggregateError(errors, `${what}: ${errors.length} step(s) failed, the rest was observed; first: ${(errors[0] as Error)?.message ?? errors[0]}`);
  }

  /** Where a key stands (without observing it). */
  status(key: string): KeyStatus {
    return this.keys.get(key)?.status ?? (this.o.alerts.firing(key) ? 'firing' : 'inactive');
  }

  /** Whether a condition of `kind` on `device` holds now (pending, firing or held), as last observed. */
  isActive(kind: string, device: string): boolean {
    return (this.holding.get(`${kind}\0${device}`)?.size ?? 0) > 0;
  }

  /** Keys of `kinds` the engine tracks or that fire in the store (to observe what no longer holds). */
  knownKeys(kinds: readonly string[]): string[] {
    const out = new Set<string>();
    for (const [k, s] of this.keys) if (kinds.includes(s.kind) && s.status !== 'inactive') out.add(k);
    for (const kind of kinds) for (const a of this.o.alerts.firingOfKind(kind)) out.add(a.key);
    return [...out];
  }

  /** The alert of `key` as last fired (to observe it again as clear or unknown). */
  lastInput(key: string): AlertInput | undefined {
    const a = this.o.alerts.firing(key);
    if (!a) return undefined;
    return { key: a.key, kind: a.kind, severity: a.severity, opd: a.opd, device: a.device, interface: a.interface, summary: a.summary, details: a.details };
  }

  /** Resolves `key` at once (the condition was replaced, e.g. by a new month's). */
  resolveNow(key: string, at: number): void {
    const st = this.keys.get(key);
    if (st) {
      this.resolve(key, st, at);
      this.save(key, st);
    } else this.o.alerts.resolve(key, at);
  }

  private state(ob: Observation): KeyState {
    let st = this.keys.get(ob.key);
    if (!st) this.keys.set(ob.key, (st = { kind: ob.kind, device: ob.device, flap: new FlapDetector(this.o.flapping), status: 'inactive' }));
    return st;
  }

  private resolve(key: string, st: KeyState, at: number): KeyStatus {
    this.o.alerts.resolve(key, at);
    // A condition that comes back starts its for period afresh; the flap history stays, so
    // a condition that fires and resolves on every other poll is caught as flapping.
    st.pendingSince = st.clearSince = st.lastActiveAt = undefined;
    st.status = 'inactive';
    return 'inactive';
  }

  private setLast(key: string, st: KeyState, last: boolean | undefined): void {
    st.last = last;
    if (st.device === undefined) return;
    const k = `${st.kind}\0${st.device}`;
    let set = this.holding.get(k);
    if (last === true) {
      if (!set) this.holding.set(k, (set = new Set()));
      set.add(key);
    } else if (set?.delete(key) && set.size === 0) this.holding.delete(k);
  }

  /** Keeps the key's state in the store, or forgets it when nothing of it is worth keeping. */
  private save(key: string, st: KeyState): void {
    const s = this.o.state;
    if (!s) return;
    // lastActiveAt matters only to a firing alert (staleMs).
    const trivial = st.pendingSince === undefined && st.clearSince === undefined && st.status !== 'firing' && !st.flap.isFlapping && !st.flap.hasChanges();
    if (trivial) return s.save(key, undefined);
    const k: SavedKey = { key, kind: st.kind, device: st.device, status: st.status, pendingSince: st.pendingSince, clearSince: st.clearSince, lastActiveAt: st.status === 'firing' ? st.lastActiveAt : undefined, last: st.last, flap: st.flap.history(), flapping: st.flap.isFlapping };
    s.save(key, k);
  }

  private update(ob: Observation, cur: Alert, flapping: boolean): void {
    // The same alert follows the condition; a higher severity is an escalation.
    const { active: _a, at, forMs: _f, clearMs: _c, staleMs: _s, since: _b, agent: _g, ...input } = ob;
    const next = flapping ? this.flappingInput(input) : { ...input, details: { ...(input.details ?? {}), ...(cur.details?.flapping ? { flapping: false } : {}) } };
    const updated = this.o.alerts.fire(next, at);
    if (RANK[updated.severity] > RANK[cur.severity]) this.o.alerts.record(cur.id, 'escalated', 'pantau', `${cur.severity} → ${updated.severity}`, at);
    else if (RANK[updated.severity] < RANK[cur.severity]) this.o.alerts.record(cur.id, 'deescalated', 'pantau', `${cur.severity} → ${updated.severity}`, at);
  }

  private markFlapping(a: Alert, flapping: boolean, at: number): void {
    this.o.alerts.patchDetails(a.id, { flapping });
    this.o.alerts.record(a.id, flapping ? 'flapping' : 'flapping_stopped', 'pantau', undefined, at);
  }

  private flappingInput(input: AlertInput): AlertInput {
    const en = this.o.language === 'en';
    const suffix = en ? ' (flapping)' : ' (naik-turun)';
    return { ...input, summary: input.summary.endsWith(suffix) ? input.summary : input.summary + suffix, details: { ...(input.details ?? {}), flapping: true } };
  }
}
