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
  let complete = await walkColumns(ds.send, ds.where, COLUMNS, rows, ds.names, limiter, rowsPerRequest);
  const more = moreColumns(rows); // ifDescr, ifSpeed, 32-bit counters: only when some interface needs them
  if (more.length > 0) complete = (await walkColumns(ds.send, ds.where, more, rows, ds.names, limiter, rowsPerRequest)) && complete;
  // Interfaces that are gone leave the name cache (ifIndex of dynamic PPP links keeps growing).
  for (const idx of ds.names.keys()) if (!rows.has(idx)) ds.names.delete(idx);
  const poll = rowsToSamples(deviceId, ts, uptime, rows, intervalS);
  if (!complete) poll.warnings.push(`the interface table was cut short after ${rows.size} rows (the walk's request bound): interfaces beyond are not polled`);
  return poll;
}
