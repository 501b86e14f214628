// One poll of one device: sysUpTime, then the IF-MIB columns, turned into `iface` samples
// and the device's `poll` sample. Throws on failure; the input turns that into `ok: false`.
// Both SNMP versions read through the device's requester on the shared client (bulk.ts).
import type { Limiter } from '../../concurrency.js';
import { getUptime, walkColumns } from './bulk.js';
import { COLUMNS, moreColumns, type IfRows } from './columns.js';
import { rowsToSamples, type DevicePoll } from './interfaces.js';
import type { DeviceSession } from './session.js';

export { OID } from './columns.js';
export type { DevicePoll } from './interfaces.js';

export async function pollDevice(
  deviceId: string,
  ds: DeviceSession,
  limiter: Limiter,
  intervalS: number,
  rowsPerRequest?: number,
): Promise<DevicePoll> {
  const rows: IfRows = new Map();
  const uptime = await getUptime(ds.send, ds.where, limiter);
  const ts = Date.now();
  // A reboot (sysUpTime went down): keep the names by ifIndex of before, to tell a renumbering.
  const before = uptime !== undefined && ds.uptime !== undefined && uptime < ds.uptime && ds.names.size > 0 ? new Map(ds.names) : undefined;
  ds.uptime = uptime;
  let complete = await walkColumns(ds.send, ds.where, COLUMNS, rows, ds.names, limiter, rowsPerRequest);
  const more = moreColumns(rows); // ifDescr, ifSpeed, 32-bit counters: only when some interface needs them
  if (more.length > 0) complete = (await walkColumns(ds.send, ds.where, more, rows, ds.names, limiter, rowsPerRequest)) && complete;
  // Interfaces that are gone leave the name cache (ifIndex of dynamic PPP links keeps growing).
  for (const idx of ds.names.keys()) if (!rows.has(idx)) ds.names.delete(idx);
  const poll = rowsToSamples(deviceId, ts, uptime, rows, intervalS);
  if (before) {
    const moved = renumbering(before, ds.names);
    if (moved.length > 0) {
      const list = moved.length <= 5 ? moved.join(', ') : `${moved.slice(0, 5).join(', ')} and ${moved.length - 5} more`;
      ds.renumbered = { until: ts + 3_600_000, warning: `ifIndex renumbered at the reboot (no ifindex persist?): ${list}; counters follow the names, nothing is swapped` };
    }
  }
  if (ds.renumbered && ts < ds.renumbered.until) poll.warnings.push(ds.renumbered.warning);
  if (!complete) poll.warnings.push(`the interface table was cut short after ${rows.size} rows (the walk's request bound): interfaces beyond are not polled`);
  return poll;
}

/** `NAME was→now` for every ifName that is unique on both sides and changed its ifIndex. */
function renumbering(before: ReadonlyMap<number, string>, after: ReadonlyMap<number, string>): string[] {
  const was = uniqueIndexByName(before);
  const moved: [number, string][] = [];
  for (const [name, idx] of uniqueIndexByName(after)) {
    const old = was.get(name);
    if (old !== undefined && old !== idx) moved.push([old, `${name} ${old}→${idx}`]);
  }
  return moved.sort((a, b) => a[0] - b[0]).map((m) => m[1]);
}

function uniqueIndexByName(names: ReadonlyMap<number, string>): Map<string, number> {
  const out = new Map<string, number>();
  const dup = new Set<string>();
  for (const [idx, name] of names) {
    if (out.has(name)) dup.add(name);
    out.set(name, idx);
  }
  for (const n of dup) out.delete(n);
  return out;
}
