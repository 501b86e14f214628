// One poll of one device: sysUpTime, then the IF-MIB columns, turned into `iface` samples
// and the device's `poll` sample. Throws on failure; the input turns that into `ok: false`.
import type { IfaceSample } from '../../../protocol/samples.js';
import type { Limiter } from '../../concurrency.js';
import type { DeviceSession } from './session.js';
import { snmpGet, toBigInt, walkColumns } from './walk.js';

export const OID = {
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifHCInOctets: '1.3.6.1.2.1.31.1.1.1.6',
  ifHCOutOctets: '1.3.6.1.2.1.31.1.1.1.10',
  ifHighSpeed: '1.3.6.1.2.1.31.1.1.1.15',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifInOctets: '1.3.6.1.2.1.2.2.1.10',
  ifOutOctets: '1.3.6.1.2.1.2.2.1.16',
} as const;

/** Walked on every poll. The 32-bit counters are walked only when some interface lacks HC ones. */
const COLUMNS = [OID.ifName, OID.ifHCInOctets, OID.ifHCOutOctets, OID.ifOperStatus, OID.ifHighSpeed];
const COLUMNS_32 = [OID.ifInOctets, OID.ifOutOctets];
const TWO32 = 2 ** 32;

export interface DevicePoll {
  samples: IfaceSample[];
  warnings: string[];
}

export async function pollDevice(
  deviceId: string,
  ds: DeviceSession,
  limiter: Limiter,
  intervalS: number,
  rowsPerRequest?: number,
): Promise<DevicePoll> {
  const [up] = await snmpGet(ds.session, [OID.sysUpTime], limiter);
  ds.everOk = true;
  const ts = Date.now();
  const uptime = typeof up?.value === 'number' ? up.value : undefined;
  const cols = await walkColumns(ds.session, COLUMNS, limiter, rowsPerRequest);
  // Interfaces named in ifName (or the whole device, when ifXTable is missing) without HC
  // counters: read the 32-bit ifTable counters too.
  const hc = cols.get(OID.ifHCInOctets)!;
  const names = cols.get(OID.ifName)!;
  if (hc.size === 0 || [...names.keys()].some((i) => !hc.has(i))) {
    for (const [oid, m] of await walkColumns(ds.session, COLUMNS_32, limiter, rowsPerRequest)) cols.set(oid, m);
  }
  const col = (oid: string): Map<string, unknown> => cols.get(oid) ?? new Map();

  const indices = new Set([...col(OID.ifHCInOctets).keys(), ...col(OID.ifInOctets).keys()]);
  const samples: IfaceSample[] = [];
  const warnings: string[] = [];
  for (const idx of [...indices].sort((a, b) => Number(a) - Number(b))) {
    const hcIn = toBigInt(col(OID.ifHCInOctets).get(idx));
    const hcOut = toBigInt(col(OID.ifHCOutOctets).get(idx));
    const in32 = toBigInt(col(OID.ifInOctets).get(idx));
    const out32 = toBigInt(col(OID.ifOutOctets).get(idx));
    const is64 = hcIn !== undefined && hcOut !== undefined;
    if (!is64 && (in32 === undefined || out32 === undefined)) continue;
    const rawName = col(OID.ifName).get(idx);
    const name = Buffer.isBuffer(rawName) && rawName.length > 0 ? rawName.toString('utf8') : `ifIndex.${idx}`;
    const highSpeed = col(OID.ifHighSpeed).get(idx);
    const oper = col(OID.ifOperStatus).get(idx);
    const s: IfaceSample = {
      type: 'iface',
      device: deviceId,
      interface: name,
      ts,
      inOctets: is64 ? hcIn : in32!,
      outOctets: is64 ? hcOut : out32!,
      bits: is64 ? 64 : 32,
    };
    if (uptime !== undefined) s.uptime = uptime;
    if (typeof oper === 'number') s.operUp = oper === 1;
    if (typeof highSpeed === 'number' && highSpeed > 0) s.speedBps = highSpeed * 1e6;
    samples.push(s);
    if (!is64 && s.speedBps && (s.speedBps / 8) * intervalS > TWO32) {
      const wrapS = Math.round((TWO32 * 8) / s.speedBps);
      warnings.push(
        `${name}: 32-bit counters wrap every ${wrapS} s at ${s.speedBps / 1e6} Mbit/s but are polled every ${intervalS} s: wraps cannot be told from resets (poll faster or enable 64-bit counters)`,
      );
    }
  }
  return { samples, warnings };
}
