// GET /api/v1/uptime and the report's "Ketersediaan server" (Pasal 15): availability of each
// device over one calendar month in the deployment's time zone. Times are ms since the epoch;
// durations are seconds. Unknown time (no observation) is never counted as up nor as down.

/** A device's state: `unknown` when nothing observes it now (agent silent, the device it stands behind down, no recent sample). */
export type LiveState = 'up' | 'down' | 'unknown';

/** Why a device is unknown now. */
export type UnknownReason = 'agent_silent' | 'via_down' | 'no_observation';

export interface Outage {
  /** The first failed observation (or the month's start when the outage began before it). */
  start: number;
  /** The first good observation after it, the start of unobserved time, or the month's end; null while it goes on. */
  end: number | null;
  /** Down time within the month, seconds (to `end`, or to now while it goes on). */
  durationS: number;
  /** How it ended: `up` (observed again up), `unknown` (observation stopped), `month_end`; absent while ongoing. */
  endedBy?: 'up' | 'unknown' | 'month_end';
}

export interface DeviceUptime {
  device: string;
  opd: string;
  kind: string;
  agent?: string;
  via?: string;
  /**
   * The current month: the state now; a past month: the state at its end. `no_data` when the
   * month holds no observation of the device at all (its availability is then null, never 100 %).
   */
  state: LiveState | 'no_data';
  /** Why `state` is `unknown`. */
  reason?: UnknownReason;
  /** up / (up + down) × 100; null without observed time. */
  availabilityPct: number | null;
  /** Observed (up + down) time as a fraction 0..1 of the month so far. */
  observed: number;
  upS: number;
  downS: number;
  unknownS: number;
  /** The month (so far, for the current month), seconds. */
  periodS: number;
  outages: Outage[];
  /** Mean duration of the outages that ended with the device up again, seconds; null when none did. */
  mttrS: number | null;
  /** Up time over the number of outages, seconds; null without an outage. */
  mtbfS: number | null;
  /** The target of the device's kind (config `uptime.targetPct`); absent when none is set. */
  target?: { pct: number; result: 'met' | 'not_met' | 'no_data' };
}

export interface UptimeReport {
  month: string;
  timezone: string;
  from: number;
  to: number;
  /** True while the month is not over: figures stop at `generatedAt`. */
  current: boolean;
  /** `no_data`: no device was observed in the month. */
  state: 'complete' | 'in_progress' | 'no_data';
  generatedAt: number;
  devices: DeviceUptime[];
}
