// The wall's picture of the network, kept current from the stream: the snapshot replaces it,
// events patch it. What changed recently is remembered (`changed`) so the wall can highlight
// it; the map holds one entry per OPD and alert at most, so memory stays flat for months.
export interface Device {
  id: string;
  opd: string;
  kind: string;
  state: string;
  lastSeen?: number;
}
export interface Opd {
  id: string;
  name: string;
  state: string;
  devices: string[];
}
export interface Alert {
  id: number;
  key: string;
  kind: string;
  severity: 'critical' | 'warning' | 'info';
  opd?: string;
  device?: string;
  summary: string;
  state: 'firing' | 'resolved';
  since: number;
  ackBy?: string;
  ackAt?: number;
  silenced?: boolean;
}
export interface Usage {
  opd: string;
  status: string;
  usedPct: { volume?: number; rate?: number };
  countedBytes: string;
  quota: { volumeBytes?: string; rateBps?: number };
}
export interface Backup {
  opd: string;
  status: string;
}

/** How long an item stays highlighted after it changed, ms. */
export const FRESH_MS = 120_000;

export class Model {
  devices = new Map<string, Device>();
  opds = new Map<string, Opd>();
  opdOrder: string[] = [];
  alerts = new Map<number, Alert>();
  usage = new Map<string, Usage>();
  /** undefined: no backup source on this collector (the tile shows "—"). */
  backups: Map<string, Backup> | undefined;
  /** Device states of the up-time capability, when the collector has it (they take precedence for the counts). */
  uptime = new Map<string, string>();
  timezone = 'Asia/Jakarta';
  intervalMs = 60_000;
  heartbeatMs = 30_000;
  /** Server time minus page time, ms (the server's clock is the truth; tests inject it). */
  offset = 0;
  /** key (`opd:ID`, `alert:ID`) → page time it changed. */
  changed = new Map<string, number>();
  loaded = false;

  serverNow(): number {
    return Date.now() + this.offset;
  }

  private mark(key: string): void {
    this.changed.set(key, Date.now());
  }

  isFresh(key: string): boolean {
    const t = this.changed.get(key);
    return t !== undefined && Date.now() - t < FRESH_MS;
  }

  /** Forgets highlights that are over (called on each render). */
  expire(): void {
    const now = Date.now();
    for (const [k, t] of this.changed) if (now - t >= FRESH_MS) this.changed.delete(k);
  }

  setServerTime(at: number): void {
    if (typeof at === 'number') this.offset = at - Date.now();
  }

  /** Applies one stream message; returns the alerts that newly fired (for the sound). */
  apply(m: any): Alert[] {
    const fired: Alert[] = [];
    if (m.type === 'snapshot') {
      const before = this.loaded ? new Map([...this.opds].map(([k, v]) => [k, v.state])) : undefined;
      const beforeAlerts = this.loaded ? new Set(this.alerts.keys()) : undefined;
      this.setServerTime(m.at);
      this.timezone = m.timezone ?? this.timezone;
      this.intervalMs = m.intervalMs ?? this.intervalMs;
      this.heartbeatMs = m.heartbeatMs ?? this.heartbeatMs;
      this.devices = new Map((m.status?.devices ?? []).map((d: Device) => [d.id, d]));
      this.opds = new Map((m.status?.opds ?? []).map((o: Opd) => [o.id, o]));
      this.opdOrder = (m.status?.opds ?? []).map((o: Opd) => o.id);
      this.alerts = new Map((m.alerts ?? []).map((a: Alert) => [a.id, a]));
      this.usage = new Map((m.usage ?? []).map((u: Usage) => [u.opd, u]));
      this.backups = m.backups ? new Map(m.backups.map((b: Backup) => [b.opd, b])) : undefined;
      this.uptime = new Map((m.uptime ?? []).map((u: { device: string; state: string }) => [u.device, u.state]));
      if (before) for (const [id, o] of this.opds) if (before.get(id) !== o.state) this.mark(`opd:${id}`);
      if (beforeAlerts) for (const a of this.alerts.values()) if (!beforeAlerts.has(a.id)) this.mark(`alert:${a.id}`);
      this.loaded = true;
    } else if (m.type === 'status') {
      this.setServerTime(m.at);
      for (const d of m.devices ?? []) {
        const prev = this.devices.get(d.id);
        if (prev?.state !== d.state) this.mark(`opd:${d.opd}`);
        this.devices.set(d.id, d);
      }
      for (const u of m.uptime ?? []) this.uptime.set(u.device, u.state);
      for (const o of m.opds ?? []) {
        if (this.opds.get(o.id)?.state !== o.state) this.mark(`opd:${o.id}`);
        this.opds.set(o.id, o);
      }
    } else if (m.type === 'alert') {
      const a: Alert = m.alert;
      if (a.state === 'resolved') this.alerts.delete(a.id);
      else {
        if (m.what === 'fired' && !this.alerts.has(a.id)) fired.push(a);
        this.alerts.set(a.id, a);
        this.mark(`alert:${a.id}`);
      }
      if (a.opd) this.mark(`opd:${a.opd}`);
    } else if (m.type === 'usage') {
      for (const u of m.opds ?? []) {
        if (this.usage.get(u.opd)?.status !== u.status) this.mark(`opd:${u.opd}`);
        this.usage.set(u.opd, u);
      }
    } else if (m.type === 'backup') {
      const b: Backup = m.backup;
      this.backups ??= new Map();
      if (this.backups.get(b.opd)?.status !== b.status) this.mark(`opd:${b.opd}`);
      this.backups.set(b.opd, b);
    } else if (m.type === 'time') this.setServerTime(m.at);
    return fired;
  }

  /** A device's state as the wall shows it: data older than two intervals is stale, never fine. */
  deviceState(d: Device): string {
    if (d.lastSeen !== undefined && this.serverNow() - d.lastSeen > 2 * this.intervalMs) return 'stale';
    return this.uptime.get(d.id) ?? d.state;
  }

  /** The newest data of any device (server time), or undefined when there is none. */
  newestData(): number | undefined {
    let t: number | undefined;
    for (const d of this.devices.values()) if (d.lastSeen !== undefined && (t === undefined || d.lastSeen > t)) t = d.lastSeen;
    return t;
  }

  /** No data at all, or none within two intervals: the wall says stale. */
  isStale(): boolean {
    const t = this.newestData();
    return t === undefined || this.serverNow() - t > 2 * this.intervalMs;
  }
}
