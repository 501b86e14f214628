// GET /api/v1/status: the current state of every OPD and device, as the wall display shows it.
// A device that answers but whose figures are partly unknown (poll warnings from the agent,
// samples refused or fields set aside by ingest within the hour) is `warning`, never a plain
// `up`: its `warnings` say what, in the words an operator acts on.
import type { FastifyInstance } from 'fastify';
import type { CollectorConfig } from '../../config/collector.js';
import type { Auth } from '../api/auth.js';
import { describeNote, IngestNotes } from '../ingest/notes.js';
import type { Store } from '../storage/store.js';
import type { StagedState } from '../storage/staging.js';
import type { ClockJudgement, ClockSkew } from '../rules/clock-skew.js';
import { statusJudgement, type UptimeService } from '../uptime/service.js';

export type DeviceStateName = 'up' | 'warning' | 'down' | 'error' | 'stale' | 'unknown';

export interface DeviceStatus {
  id: string;
  opd: string;
  kind: string;
  address: string;
  agent?: string;
  state: DeviceStateName;
  /** The latest poll's warnings and ingest's notes of the last hour; empty when none. */
  warnings: string[];
  lastSeen?: number;
  poll?: { ts: number; ok: boolean; error?: string; warnings?: string[] };
  ping?: { ts: number; up: boolean; rttMs?: number; lossPct?: number };
  host?: { ts: number; uptimeS: number; cpuPct: number; memUsedPct: number; disks: { mount: string; usedPct: number }[] };
  interfaces: { name: string; ts: number; operUp?: boolean; speedBps?: number; bits: number }[];
}

export interface StatusView {
  generatedAt: number;
  opds: { id: string; name: string; state: DeviceStateName; devices: string[] }[];
  devices: DeviceStatus[];
  /** Per agent: its clock as judged from its batches' arrival (`ahead`/`behind`: clock_skew). */
  agents?: { id: string; clock: ClockJudgement }[];
}

interface StateRow {
  name: string; agent: string | null; last_seen: number | null;
  poll_ts: number | null; poll_ok: number | null; poll_error: string | null; poll_warnings: string | null;
  ping_ts: number | null; ping_up: number | null; ping_rtt: number | null; ping_loss: number | null;
  host_ts: number | null; host: string | null;
}

const WORST: DeviceStateName[] = ['down', 'error', 'stale', 'unknown', 'warning', 'up'];

export function buildStatus(cfg: CollectorConfig, store: Store, now = Date.now(), notes = IngestNotes.of(store.db), clocks?: ClockSkew, uptime?: UptimeService): StatusView {
  const devices = deviceStatuses(cfg, store, now, notes, uptime);
  const states = new Map(devices.map((d) => [d.id, d.state]));
  const opds = opdStatuses(cfg, (id) => states.get(id) ?? 'unknown');
  const agents = agentClocks(cfg, now, clocks);
  return { generatedAt: now, opds, devices, ...(agents ? { agents } : {}) };
}

const ONLY = ' WHERE d.name IN (SELECT value FROM json_each(?))';

/**
 * The status of every configured device, or with `only` of those devices alone (in config
 * order either way): the stream's flush of the devices a batch touched reads their rows, not
 * every device's and interface's (at 2,000 devices the whole read is most of a flush).
 */
export function deviceStatuses(cfg: CollectorConfig, store: Store, now: number, notes: IngestNotes, uptime?: UptimeService, only?: ReadonlySet<string>): DeviceStatus[] {
  // Staged interface samples are not merged first: their newest states come from memory
  // (store.stagedStates), the newer of those and iface_state's rows per interface (read-your-writes).
  store.flushSeen(); // devices' last_seen kept in memory since the last second
  const noted = new Map<string, string[]>();
  for (const n of notes.recent(now)) noted.set(n.device, [...(noted.get(n.device) ?? []), describeNote(n)]);
  const names = only ? [JSON.stringify([...only])] : [];
  const rows = new Map(
    (store.sql(`SELECT d.name, s.* FROM device_state s JOIN device d ON d.id = s.device${only ? ONLY : ''}`).all(...names) as StateRow[]).map((r) => [r.name, r]),
  );
  const ifaces = store
    .sql(`SELECT d.name AS device, s.interface AS name, i.ts, i.oper_up, i.speed, i.bits FROM iface_state i JOIN series s ON s.id = i.series JOIN device d ON d.id = s.device${only ? ONLY : ''} ORDER BY s.interface`)
    .all(...names) as { device: string; name: string; ts: number; oper_up: number | null; speed: number | null; bits: number }[];
  // Grouped once: filtering every interface row for each device is quadratic at 2,000 devices.
  const ifacesOf = new Map<string, typeof ifaces>();
  for (const i of ifaces) {
    const list = ifacesOf.get(i.device);
    if (list) list.push(i);
    else ifacesOf.set(i.device, [i]);
  }
  const interval = new Map<string, number>();
  for (const a of cfg.agents) for (const d of a.poll) interval.set(d, a.intervalSeconds * 1000);

  return (only ? cfg.devices.filter((d) => only.has(d.id)) : cfg.devices).map((d) => {
    const r = rows.get(d.id);
    const st: DeviceStatus = { id: d.id, opd: d.opd, kind: d.kind, address: d.address, state: 'unknown', warnings: [], interfaces: [] };
    if (!r) return st;
    st.agent = r.agent ?? undefined;
    st.lastSeen = r.last_seen ?? undefined;
    if (r.poll_ts !== null) st.poll = { ts: r.poll_ts, ok: r.poll_ok === 1, error: r.poll_error ?? undefined, warnings: r.poll_warnings ? JSON.parse(r.poll_warnings) : undefined };
    if (r.ping_ts !== null) st.ping = { ts: r.ping_ts, up: r.ping_up === 1, rttMs: r.ping_rtt ?? undefined, lossPct: r.ping_loss ?? undefined };
    if (r.host_ts !== null && r.host) st.host = { ts: r.host_ts, ...JSON.parse(r.host) };
    st.interfaces = interfacesOf(ifacesOf.get(d.id) ?? [], store.stagedStates.of(d.id));
    const period = interval.get(d.id) ?? 60_000;
    if (st.ping && !st.ping.up && (!st.poll || !st.poll.ok)) st.state = 'down';
    else if (st.poll && !st.poll.ok) st.state = 'error';
    else if (st.ping && !st.ping.up && !st.poll) st.state = 'down';
    else if (st.lastSeen !== undefined && now - st.lastSeen > 3 * period) st.state = 'stale';
    else st.state = 'up';
    if (st.poll?.ok && st.poll.warnings) st.warnings.push(...st.poll.warnings);
    st.warnings.push(...(noted.get(d.id) ?? []));
    if (st.state === 'up' && st.warnings.length > 0) st.state = 'warning';
    // Its agent silent, or the device it stands behind down: unknown, as up-time and its alerts judge it.
    const judged = uptime && statusJudgement(uptime, d.id, now, cfg.report.language, st.state);
    if (judged) {
      st.state = judged.state;
      if (judged.note) st.warnings.push(judged.note);
    }
    return st;
  });
}

/** A device's interfaces from its iface_state rows (sorted by name) and its staged newest states, the newer of the two per interface. */
function interfacesOf(rows: { name: string; ts: number; oper_up: number | null; speed: number | null; bits: number }[], staged: ReadonlyMap<string, StagedState> | undefined): DeviceStatus['interfaces'] {
  const out = rows.map((i) => ({ name: i.name, ts: i.ts, operUp: i.oper_up === null ? undefined : i.oper_up === 1, speedBps: i.speed ?? undefined, bits: i.bits }));
  if (!staged) return out;
  const at = new Map(out.map((x, k) => [x.name, k]));
  let added = false;
  for (const [name, st] of staged) {
    const k = at.get(name);
    if (k !== undefined && out[k].ts >= st.ts) continue;
    const x = { name, ts: st.ts, operUp: st.operUp ?? undefined, speedBps: st.speed ?? undefined, bits: st.bits };
    if (k === undefined) {
      out.push(x);
      added = true;
    } else out[k] = x;
  }
  if (added) out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** Each OPD's overall state (its worst device's) from its devices' states, in config order. */
export function opdStatuses(cfg: CollectorConfig, stateOf: (device: string) => DeviceStateName): StatusView['opds'] {
  const byOpd = new Map<string, string[]>();
  for (const d of cfg.devices) {
    const list = byOpd.get(d.opd);
    if (list) list.push(d.id);
    else byOpd.set(d.opd, [d.id]);
  }
  return cfg.opds.map((o) => {
    const ids = byOpd.get(o.id) ?? [];
    const states = new Set(ids.map(stateOf));
    const state = ids.length ? WORST.find((w) => states.has(w))! : 'unknown';
    return { id: o.id, name: o.name, state, devices: ids };
  });
}

/** Each agent's clock judgement at `now` (the status's `agents`), or undefined without the clock rule. */
export function agentClocks(cfg: CollectorConfig, now: number, clocks?: ClockSkew): StatusView['agents'] {
  return clocks ? cfg.agents.map((a) => ({ id: a.id, clock: clocks.judge(a.id, now) })) : undefined;
}

export function registerStatus(app: FastifyInstance, cfg: CollectorConfig, auth: Auth, store: Store, now: () => number = Date.now, clocks?: ClockSkew, uptime?: UptimeService): void {
  const notes = IngestNotes.of(store.db);
  app.get('/api/v1/status', async (req) => {
    auth.requireUser(req.headers.authorization, 'viewer');
    return buildStatus(cfg, store, now(), notes, clocks, uptime);
  });
}
