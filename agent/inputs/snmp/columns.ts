// What the SNMP input reads (IF-MIB columns by numeric OID), the row each interface's values
// are gathered into, as bulk.ts reads them (v2c or v3), and the turn
// of those rows into `iface` samples.
import type { IfaceSample } from '../../../protocol/samples.js';
import { encodeOid } from './ber.js';

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

/** One interface's values, by ifIndex. */
export interface IfRow {
  name?: string;
  hcIn?: bigint;
  hcOut?: bigint;
  in32?: bigint;
  out32?: bigint;
  oper?: number;
  /** ifHighSpeed, Mbit/s. */
  speed?: number;
}
export type IfRows = Map<number, IfRow>;

type Field = keyof IfRow;
export interface Column {
  oid: string;
  /** The OID's content octets (ber.ts), for requests and for matching answers. */
  prefix: Buffer;
  field: Field;
  kind: 'name' | 'counter' | 'number';
}

const column = (oid: string, field: Field, kind: Column['kind']): Column => ({ oid, prefix: encodeOid(oid), field, kind });

/** Walked on every poll. */
export const COLUMNS: readonly Column[] = [
  column(OID.ifName, 'name', 'name'),
  column(OID.ifHCInOctets, 'hcIn', 'counter'),
  column(OID.ifHCOutOctets, 'hcOut', 'counter'),
  column(OID.ifOperStatus, 'oper', 'number'),
  column(OID.ifHighSpeed, 'speed', 'number'),
];
/** Walked only when some interface lacks HC counters. */
export const COLUMNS_32: readonly Column[] = [column(OID.ifInOctets, 'in32', 'counter'), column(OID.ifOutOctets, 'out32', 'counter')];

export const SYS_UPTIME = encodeOid(OID.sysUpTime);

export function rowOf(rows: IfRows, index: number): IfRow {
  let r = rows.get(index);
  if (!r) rows.set(index, (r = {}));
  return r;
}

/** True when the 32-bit columns must be walked: no HC counters at all, or a named interface without them. */
export function needs32(rows: IfRows): boolean {
  let hc = 0;
  for (const r of rows.values()) {
    if (r.hcIn !== undefined) hc++;
    else if (r.name !== undefined) return true;
  }
  return hc === 0;
}

const TWO32 = 2 ** 32;

export interface DevicePoll {
  samples: IfaceSample[];
  warnings: string[];
}

/** One `iface` sample per interface with a pair of counters (64-bit where both HC counters exist). */
export function rowsToSamples(deviceId: string, ts: number, uptime: number | undefined, rows: IfRows, intervalS: number): DevicePoll {
  const samples: IfaceSample[] = [];
  const warnings: string[] = [];
  const indices = [...rows.keys()].sort((a, b) => a - b);
  for (const idx of indices) {
    const r = rows.get(idx)!;
    const is64 = r.hcIn !== undefined && r.hcOut !== undefined;
    if (!is64 && (r.in32 === undefined || r.out32 === undefined)) continue;
    const name = r.name ? r.name : `ifIndex.${idx}`;
    const s: IfaceSample = {
      type: 'iface',
      device: deviceId,
      interface: name,
      ts,
      inOctets: is64 ? r.hcIn! : r.in32!,
      outOctets: is64 ? r.hcOut! : r.out32!,
      bits: is64 ? 64 : 32,
    };
    if (uptime !== undefined) s.uptime = uptime;
    if (r.oper !== undefined) s.operUp = r.oper === 1;
    if (r.speed !== undefined && r.speed > 0) s.speedBps = r.speed * 1e6;
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
