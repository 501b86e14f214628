// What the SNMP input reads (IF-MIB columns by numeric OID) and the row each interface's values
// are gathered into, as bulk.ts reads them (v2c or v3). Five columns are walked on every poll;
// ifDescr, ifSpeed and the 32-bit counters only when some interface needs them (a device
// without ifXTable, without ifName, without ifHighSpeed or without HC counters), so a healthy
// router costs no more than before.
import { encodeOid } from './ber.js';

export const OID = {
  sysUpTime: '1.3.6.1.2.1.1.3.0',
  ifDescr: '1.3.6.1.2.1.2.2.1.2',
  ifSpeed: '1.3.6.1.2.1.2.2.1.5',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifInOctets: '1.3.6.1.2.1.2.2.1.10',
  ifOutOctets: '1.3.6.1.2.1.2.2.1.16',
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifHCInOctets: '1.3.6.1.2.1.31.1.1.1.6',
  ifHCOutOctets: '1.3.6.1.2.1.31.1.1.1.10',
  ifHighSpeed: '1.3.6.1.2.1.31.1.1.1.15',
} as const;

/** One interface's values, by ifIndex, as the device gave them. */
export interface IfRow {
  name?: string;
  descr?: string;
  hcIn?: bigint;
  hcOut?: bigint;
  in32?: bigint;
  out32?: bigint;
  oper?: number;
  /** ifHighSpeed, Mbit/s. */
  speed?: number;
  /** ifSpeed, bit/s (a Gauge32: 4294967295 means "4 Gbit/s or more"). */
  speed32?: number;
}
export type IfRows = Map<number, IfRow>;

type Field = keyof IfRow;
export interface Column {
  oid: string;
  /** The OID's content octets (ber.ts), for requests and for matching answers. */
  prefix: Buffer;
  field: Field;
  /** `name`: ifName, decoded once per ifIndex while its bytes stay the same; `text`: decoded each time. */
  kind: 'name' | 'text' | 'counter' | 'number';
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
const DESCR = column(OID.ifDescr, 'descr', 'text');
const SPEED32 = column(OID.ifSpeed, 'speed32', 'number');
const COUNTERS_32 = [column(OID.ifInOctets, 'in32', 'counter'), column(OID.ifOutOctets, 'out32', 'counter')];

export const SYS_UPTIME = encodeOid(OID.sysUpTime);

export function rowOf(rows: IfRows, index: number): IfRow {
  let r = rows.get(index);
  if (!r) rows.set(index, (r = {}));
  return r;
}

/** ifHighSpeed values that mean "unknown" (FortiOS on ports without link), besides 0. */
export const SPEED_SENTINELS: ReadonlySet<number> = new Set([4294967295, 4294901759]);
export const usableHighSpeed = (mbps: number | undefined): mbps is number => mbps !== undefined && mbps > 0 && !SPEED_SENTINELS.has(mbps);
export const hasName = (s: string | undefined): s is string => s !== undefined && cleanName(s) !== '';


/**
 * The columns the rows read so far still need: ifDescr for an interface without an ifName,
 * ifSpeed for one without a usable ifHighSpeed, the 32-bit counters for one without both HC
 * counters (or when there are no rows at all: a device without ifXTable whose ifTable has no
 * ifOperStatus either).
 */
export function moreColumns(rows: IfRows): Column[] {
  let descr = false;
  let speed = false;
  let c32 = rows.size === 0;
  for (const r of rows.values()) {
    if (!descr && !hasName(r.name)) descr = true;
    if (!speed && !usableHighSpeed(r.speed)) speed = true;
    if (!c32 && (r.hcIn === undefined || r.hcOut === undefined)) c32 = true;
    if (descr && speed && c32) break;
  }
  return [...(descr ? [DESCR] : []), ...(speed ? [SPEED32] : []), ...(c32 ? COUNTERS_32 : [])];
}

/**
 * A name as shown: trailing NULs (some firmware pads ifDescr) and surrounding blanks removed,
 * control characters replaced by U+FFFD. Spaces, colons, brackets, slashes and UTF-8 stay.
 */
export function cleanName(s: string): string {
  if (s.length > 0 && s.charCodeAt(0) > 0x20 && s.charCodeAt(s.length - 1) > 0x20 && !CONTROL.test(s)) return s; // the usual case
  return s.replace(/\0+$/, '').trim().replace(CONTROL_ALL, '\ufffd');
}
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f]/g;
