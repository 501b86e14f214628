// One poll of one device: sysUpTime, then the IF-MIB columns, turned into `iface` samples
// and the device's `poll` sample. Throws on failure; the input turns that into `ok: false`.
// v2c devices are read through the shared client (bulk.ts), v3 devices through net-snmp.
import type { Limiter } from '../../concurrency.js';
import { getUptime, walkV2c } from './bulk.js';
import { COLUMNS, COLUMNS_32, OID, needs32, rowsToSamples, type DevicePoll, type IfRows } from './columns.js';
import type { DeviceSession } from './session.js';
import { snmpGet, walkIntoRows } from './walk.js';

export { OID, type DevicePoll } from './columns.js';

export async function pollDevice(
  deviceId: string,
  ds: DeviceSession,
  limiter: Limiter,
  intervalS: number,
  rowsPerRequest?: number,
): Promise<DevicePoll> {
  const rows: IfRows = new Map();
  let complete = true;
  let uptime: number | undefined;
  let ts: number;
  if (ds.kind === 'v2c') {
    uptime = await getUptime(ds.client, ds.target, limiter);
    ds.everOk = true;
    ts = Date.now();
    complete = await walkV2c(ds.client, ds.target, COLUMNS, rows, ds.names, limiter, rowsPerRequest);
    if (needs32(rows)) complete = (await walkV2c(ds.client, ds.target, COLUMNS_32, rows, ds.names, limiter, rowsPerRequest)) && complete;
    // Interfaces that are gone leave the name cache (ifIndex of dynamic PPP links keeps growing).
    for (const idx of ds.names.keys()) if (!rows.has(idx)) ds.names.delete(idx);
  } else {
    const [up] = await snmpGet(ds.session, [OID.sysUpTime], limiter);
    ds.everOk = true;
    ts = Date.now();
    uptime = typeof up?.value === 'number' ? up.value : undefined;
    await walkIntoRows(ds.session, COLUMNS, rows, limiter, rowsPerRequest);
    if (needs32(rows)) await walkIntoRows(ds.session, COLUMNS_32, rows, limiter, rowsPerRequest);
  }
  const poll = rowsToSamples(deviceId, ts, uptime, rows, intervalS);
  if (!complete) poll.warnings.push(`the interface table was cut short after ${rows.size} rows (the walk's request bound): interfaces beyond are not polled`);
  return poll;
}
