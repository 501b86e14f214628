// Rows of the interface table → `iface` samples, the way IF-MIB means them (RFC 2863) and
// mature pollers read them; what a device gets wrong is set aside field by field and said in
// the poll's warnings, never a reason to lose the device's other interfaces.
//
// - name: ifName; if absent or empty, ifDescr; if both absent, `ifIndex.N`. Over-long names are
//   cut stably (protocol/interface-name.ts). Two interfaces of one name (a stack's two `lo0`)
//   are kept apart: the lowest ifIndex keeps the name, each other one is `NAME#IFINDEX`.
// - speed: ifHighSpeed × 10^6 unless 0 or a sentinel (4294967295, 4294901759: FortiOS on ports
//   without link); else ifSpeed when above 0 and below 2^32 − 1 (which means "4 Gbit/s or
//   more"); else unknown.
// - counters: ifHCInOctets/ifHCOutOctets (bits 64) where the interface has both, else
//   ifInOctets/ifOutOctets (bits 32); an interface with neither pair is not sampled.
// Samples are keyed by name, never by ifIndex: a device that renumbers its ifIndex at a reboot
// (Cisco without `snmp-server ifindex persist`) keeps each name's counters on that name.
import { cutInterfaceName } from '../../../protocol/interface-name.js';
import type { IfaceSample } from '../../../protocol/samples.js';
import { cleanName, hasName, usableHighSpeed, type IfRows } from './columns.js';

const TWO32 = 2 ** 32;
const GAUGE_MAX = TWO32 - 1;

export interface DevicePoll {
  samples: IfaceSample[];
  warnings: string[];
}

/** What the rows of one poll said that an operator should know, by kind (one warning per kind). */
interface Notes {
  byDescr: string[];
  byIndex: string[];
  duplicates: string[];
  cut: string[];
  sentinel: string[];
  noCounters: string[];
  saturated: string[];
  slow32: string[];
}

export function rowsToSamples(deviceId: string, ts: number, uptime: number | undefined, rows: IfRows, intervalS: number): DevicePoll {
  const samples: IfaceSample[] = [];
  const notes: Notes = { byDescr: [], byIndex: [], duplicates: [], cut: [], sentinel: [], noCounters: [], saturated: [], slow32: [] };
  const indices = [...rows.keys()].sort((a, b) => a - b);
  const taken = new Map<string, number>(); // name → the ifIndex that holds it
  for (const idx of indices) {
    const r = rows.get(idx)!;
    const is64 = r.hcIn !== undefined && r.hcOut !== undefined;
    let name = nameOf(idx, r.name, r.descr, notes);
    if (!is64 && (r.in32 === undefined || r.out32 === undefined)) {
      notes.noCounters.push(name);
      continue;
    }
    const holder = taken.get(name);
    if (holder !== undefined) {
      const kept = name;
      for (let n = 0; n < 8 && taken.has(name); n++) name = n === 0 ? `${kept}#${idx}` : `${kept}#${idx}.${n}`;
      notes.duplicates.push(`${kept} (ifIndex ${holder} and ${idx}: the second is ${name})`);
    }
    taken.set(name, idx);
    const shown = cutInterfaceName(name);
    if (shown !== name) notes.cut.push(`ifIndex ${idx} (${name.length} characters) as "${shown}"`);
    const s: IfaceSample = {
      type: 'iface',
      device: deviceId,
      interface: shown,
      ts,
      inOctets: is64 ? r.hcIn! : r.in32!,
      outOctets: is64 ? r.hcOut! : r.out32!,
      bits: is64 ? 64 : 32,
    };
    if (uptime !== undefined) s.uptime = uptime;
    if (r.oper !== undefined && r.oper >= 1 && r.oper <= 7 && r.oper !== 4) s.operUp = r.oper === 1; // 4: unknown
    const speed = speedOf(r.speed, r.speed32);
    if (speed !== undefined) s.speedBps = speed;
    if (r.speed !== undefined && r.speed !== 0 && !usableHighSpeed(r.speed)) notes.sentinel.push(`${shown} (${r.speed})`);
    if (speed === undefined && r.speed32 === GAUGE_MAX) notes.saturated.push(shown);
    samples.push(s);
    if (!is64 && speed !== undefined && (speed / 8) * intervalS > TWO32) {
      const wrapS = Math.round((TWO32 * 8) / speed);
      notes.slow32.push(
        `${shown}: 32-bit counters wrap every ${wrapS} s at ${speed / 1e6} Mbit/s but are polled every ${intervalS} s: wraps cannot be told from resets (poll faster or enable 64-bit counters)`,
      );
    }
  }
  return { samples, warnings: warningsOf(notes) };
}

/** bit/s, or undefined when the device does not say believably. */
export function speedOf(highSpeedMbps: number | undefined, ifSpeed: number | undefined): number | undefined {
  if (usableHighSpeed(highSpeedMbps)) return highSpeedMbps * 1e6;
  if (ifSpeed !== undefined && ifSpeed > 0 && ifSpeed < GAUGE_MAX) return ifSpeed;
  return undefined;
}

function nameOf(idx: number, ifName: string | undefined, ifDescr: string | undefined, notes: Notes): string {
  if (hasName(ifName)) return cleanName(ifName);
  if (hasName(ifDescr)) {
    const n = cleanName(ifDescr);
    notes.byDescr.push(n);
    return n;
  }
  const n = `ifIndex.${idx}`;
  notes.byIndex.push(n);
  return n;
}

/** At most this many names listed in one warning. */
const LIST = 5;
const list = (xs: string[]): string => (xs.length <= LIST ? xs.join(', ') : `${xs.slice(0, LIST).join(', ')} and ${xs.length - LIST} more`);
const count = (n: number): string => (n === 1 ? '1 interface' : `${n} interfaces`);

function warningsOf(n: Notes): string[] {
  const w: string[] = [];
  if (n.byDescr.length) w.push(`${count(n.byDescr.length)} without ifName (no ifXTable?) named by ifDescr: ${list(n.byDescr)}`);
  if (n.byIndex.length) w.push(`${count(n.byIndex.length)} without ifName or ifDescr named by ifIndex, which a reboot may renumber: ${list(n.byIndex)}`);
  if (n.duplicates.length) w.push(`duplicate interface names kept apart as NAME#IFINDEX: ${list(n.duplicates)}`);
  if (n.cut.length) w.push(`interface names over 128 characters cut: ${list(n.cut)}`);
  if (n.sentinel.length) w.push(`ifHighSpeed is a sentinel (no link?) on ${count(n.sentinel.length)}: speed from ifSpeed, else unknown: ${list(n.sentinel)}`);
  if (n.saturated.length) w.push(`ifSpeed 4294967295 ("4 Gbit/s or more") without a usable ifHighSpeed: speed unknown on ${count(n.saturated.length)}: ${list(n.saturated)}`);
  if (n.noCounters.length) w.push(`${count(n.noCounters.length)} without octet counters, not sampled: ${list(n.noCounters)}`);
  w.push(...n.slow32.slice(0, LIST));
  if (n.slow32.length > LIST) w.push(`and ${count(n.slow32.length - LIST)} more with 32-bit counters polled too slowly for their speed`);
  return w;
}
