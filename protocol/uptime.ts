// GET /api/v1/uptime and the report's "Ketersediaan server" (Pasal 15): availability of each
// device over one calendar month in the deployment's time zone. Times are ms since the epoch;
// durations are seconds. Unknown time (no observation) is never counted as up nor as down.
// Down time inside a maintenance window (a silence matching the device, its OPD or the kind
// device_down) is planned maintenance, reported apart from outages:
//   availability = up / (up + down) = up / (period − maintenance − unknown).

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
  /** How it ended: `up` (observed again up), `unknown` (observation stopped), `maintenance` (a maintenance window began while it was down), `month_end`; absent while ongoing. */
  endedBy?: 'up' | 'unknown' | 'maintenance' | 'month_end';
}

/** A run of planned maintenance: down time inside maintenance windows (silences). */
export interface MaintenancePeriod {
  start: number;
  /** The end of the down time or of the window, whichever came first (now, for the current month while it goes on). */
  end: number;
  durationS: number;
  /** The silences whose windows it lies in. */
  silences: { id: number; reason: string }[];
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
  /** up / (up + down) × 100 = up / (period − maintenance − unknown) × 100; null without up or down time. */
  availabilityPct: number | null;
  /** Observed (up + down + maintenance) time as a fraction 0..1 of the month so far. */
  observed: number;
  upS: number;
  /** Down time outside maintenance windows: the outages. */
  downS: number;
  /** Down time inside maintenance windows: planned, not an outage, not in availability. */
  maintenanceS: number;
  unknownS: number;
  /** The month (so far, for the current month), seconds. */
  periodS: number;
  outages: Outage[];
  maintenance: MaintenancePeriod[];
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
