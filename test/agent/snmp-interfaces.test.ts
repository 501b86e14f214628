// Rows of an interface table → samples (agent/inputs/snmp/interfaces.ts): naming, speed,
// duplicates and cut names, on rows as bulk.ts gathers them; and the hourly log gate.
import { describe, expect, it } from 'vitest';
import { moreColumns, OID, type IfRows } from '../../agent/inputs/snmp/columns.js';
import { rowsToSamples, speedOf } from '../../agent/inputs/snmp/interfaces.js';
import { OncePer } from '../../log/once-per.js';
import { cutInterfaceName } from '../../protocol/interface-name.js';

const rows = (entries: [number, object][]): IfRows => new Map(entries as [number, never][]);
const names = (r: IfRows) => rowsToSamples('d', 1, 100, r, 60).samples.map((s) => s.interface);

describe('interface names', () => {
  it('takes ifName, else ifDescr, else ifIndex.N, and says which interfaces were named how', () => {
    const r = rows([
      [1, { name: 'ether1', hcIn: 1n, hcOut: 2n }],
      [2, { name: '', descr: 'gigabitEthernet 1/0/12 : copper', in32: 1n, out32: 2n }],
      [3, { name: '  \0', descr: 'xe-0/0/9.10\0\0', in32: 1n, out32: 2n }],
      [4, { in32: 1n, out32: 2n }],
    ]);
    const p = rowsToSamples('d', 1, 100, r, 60);
    expect(p.samples.map((s) => s.interface)).toEqual(['ether1', 'gigabitEthernet 1/0/12 : copper', 'xe-0/0/9.10', 'ifIndex.4']);
    expect(p.warnings).toEqual([
      '2 interfaces without ifName (no ifXTable?) named by ifDescr: gigabitEthernet 1/0/12 : copper, xe-0/0/9.10',
      '1 interface without ifName or ifDescr named by ifIndex, which a reboot may renumber: ifIndex.4',
    ]);
  });

  it('keeps two interfaces of one name apart: the lowest ifIndex keeps it, the other is NAME#IFINDEX', () => {
    expect(names(rows([[5492, { name: 'lo0', hcIn: 2n, hcOut: 2n }], [5473, { name: 'lo0', hcIn: 1n, hcOut: 1n }], [9, { name: 'lo0#5492', hcIn: 3n, hcOut: 3n }]]))).toEqual([
      'lo0#5492',
      'lo0',
      'lo0#5492.1',
    ]);
  });

  it('cuts an over-long name stably with a visible marker, keeping names that share a prefix apart', () => {
    const a = 'A'.repeat(200);
    const b = 'A'.repeat(150) + 'B';
    expect(cutInterfaceName(a)).toMatch(/^A{119}…[0-9a-f]{8}$/);
    expect(cutInterfaceName(a)).toHaveLength(128);
    expect(cutInterfaceName(a)).toBe(cutInterfaceName('A'.repeat(200)));
    expect(cutInterfaceName(b)).not.toBe(cutInterfaceName(a));
    expect(cutInterfaceName('x'.repeat(128))).toBe('x'.repeat(128));
    // A surrogate pair at the cut is not split.
    const emoji = 'x'.repeat(118) + '🛰️' + 'y'.repeat(50);
    expect(cutInterfaceName(emoji).startsWith('x'.repeat(118) + '…')).toBe(true);
    const w = rowsToSamples('d', 1, 100, rows([[1, { name: a, hcIn: 1n, hcOut: 1n }]]), 60).warnings;
    expect(w).toEqual([expect.stringMatching(/^interface names over 128 characters cut: ifIndex 1 \(200 characters\) as "A{119}…[0-9a-f]{8}"$/)]);
  });
});

describe('interface speed', () => {
  it.each([
    ['ifHighSpeed in Mbit/s', 1000, 5, 1e9],
    ['ifSpeed when ifHighSpeed is 0', 0, 100_000, 100_000],
    ['ifSpeed when there is no ifHighSpeed', undefined, 1e8, 1e8],
    ['ifSpeed when ifHighSpeed is the sentinel 4294967295', 4294967295, 1e9, 1e9],
    ['unknown when ifHighSpeed is the sentinel 4294901759 and ifSpeed is 0', 4294901759, 0, undefined],
    ['unknown when ifSpeed is saturated at 4294967295 (4 Gbit/s or more)', undefined, 4294967295, undefined],
    ['unknown when neither is there', undefined, undefined, undefined],
  ])('reads %s', (_what, high, low, want) => {
    expect(speedOf(high as number | undefined, low as number | undefined)).toBe(want);
  });

  it('walks ifDescr, ifSpeed and the 32-bit counters only when some interface needs them', () => {
    const oids = (r: IfRows) => moreColumns(r).map((c) => c.oid);
    expect(oids(rows([[1, { name: 'a', hcIn: 1n, hcOut: 1n, speed: 1000 }]]))).toEqual([]);
    expect(oids(rows([[1, { name: 'a', hcIn: 1n, hcOut: 1n, speed: 0 }]]))).toEqual([OID.ifSpeed]);
    expect(oids(rows([[1, { name: '', hcIn: 1n, hcOut: 1n, speed: 1000 }]]))).toEqual([OID.ifDescr]);
    expect(oids(rows([[1, { oper: 1 }]]))).toEqual([OID.ifDescr, OID.ifSpeed, OID.ifInOctets, OID.ifOutOctets]);
    expect(oids(new Map())).toEqual([OID.ifInOctets, OID.ifOutOctets]); // no ifXTable and no ifOperStatus either
  });
});

describe('the hourly log gate', () => {
  it('says a thing once per key per hour, on an injected clock', () => {
    let t = Date.UTC(2026, 10, 1);
    const once = new OncePer(3_600_000, () => t);
    expect(once.due('fortigate')).toBe(true);
    t += 60_000;
    expect(once.due('fortigate')).toBe(false);
    expect(once.due('junos')).toBe(true);
    t += 3_600_000;
    expect(once.due('fortigate')).toBe(true);
  });

  it('stays bounded in keys', () => {
    let t = 0;
    const once = new OncePer(1000, () => t, 3);
    for (const k of ['a', 'b', 'c']) once.due(k);
    t = 2000;
    expect(once.due('d')).toBe(true); // a, b, c expired and forgotten
    expect(once.due('a')).toBe(true);
  });
});
