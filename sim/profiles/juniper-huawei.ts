// Juniper JunOS without ifXTable, and a Huawei VRP switch stack of 200+ interfaces.
import { G, M, type DeviceProfile, type ProfileInterface } from './profile.js';

const junos = (index: number, descr: string, ifSpeed: number, inOctets: bigint, speed: number | undefined): ProfileInterface => ({
  index, name: '', descr, bits: 32, inOctets, outOctets: inOctets / 4n, speedMbps: 0, ifSpeedRaw: ifSpeed, operUp: true,
  tables: 'ifTable', expect: { name: descr, speedBps: speed, bits: 32 },
});

export const junosNoIfx: DeviceProfile = {
  id: 'juniper-vmx-noifx',
  family: 'Juniper vMX, JunOS 18.2, with an SNMP view that leaves out ifXTable',
  source: 'the IF-MIB of a virtual MX used as an OPD aggregation router, with its Junos ifIndex numbering',
  quirks: [
    'no ifXTable at all: no ifName (names from ifDescr: xe-0/0/9.10), no HC counters, no ifHighSpeed',
    'the 10 Gbit/s ports read ifSpeed 4294967295: speed unknown',
  ],
  uptime: 50_000_000,
  interfaces: [
    junos(1, 'fxp0', 1e9, 1_000_000n, G),
    junos(6, 'lo0', 0, 0n, undefined),
    junos(16, 'lo0.0', 0, 5_000n, undefined),
    junos(511, 'ge-0/0/0', 1e9, 3_000_000_000n, G),
    junos(520, 'ge-0/0/0.0', 1e9, 2_900_000_000n, G),
    junos(530, 'xe-0/0/9', 4294967295, 4_200_000_000n, undefined),
    junos(545, 'xe-0/0/9.10', 4294967295, 4_100_000_000n, undefined),
  ],
  warnings: ['without ifName .* named by ifDescr: fxp0, lo0, lo0.0, ge-0/0/0, ge-0/0/0.0 and 2 more', 'ifSpeed 4294967295 .* on 2 interfaces.*xe-0/0/9'],
};

const vrp = (index: number, name: string, speedMbps: number, speed: number | undefined, inOctets: bigint): ProfileInterface => ({
  index, name, descr: name, bits: 64, inOctets, outOctets: inOctets / 2n, speedMbps, operUp: index % 7 !== 0,
  ...(speedMbps === 0 ? { ifSpeedRaw: 0 } : {}), expect: { name, speedBps: speed, bits: 64 },
});

function vrpStack(): ProfileInterface[] {
  const out: ProfileInterface[] = [vrp(1, 'InLoopBack0', 0, undefined, 0n), vrp(2, 'NULL0', 0, undefined, 0n), vrp(3, 'MEth0/0/1', 100, 100 * M, 9_999n)];
  let idx = 5;
  for (const slot of [0, 1]) {
    for (let p = 1; p <= 48; p++) out.push(vrp(idx++, `GigabitEthernet${slot}/0/${p}`, 1000, G, BigInt(idx) * 1_000_003n));
    for (let p = 1; p <= 4; p++) out.push(vrp(idx++, `XGigabitEthernet${slot}/0/${p}`, 10000, 10 * G, BigInt(idx) * 987_654_321n));
  }
  out.push(vrp(idx++, 'Eth-Trunk1', 20000, 20 * G, 5n * 10n ** 15n));
  for (let v = 10; v < 1010; v += 10) out.push(vrp(idx++, `Vlanif${v}`, 1000, G, BigInt(v) * 12_345n));
  return out;
}

export const huaweiVrpStack: DeviceProfile = {
  id: 'huawei-s5720-stack',
  family: 'Huawei S5720-52X-EI stack of two, VRP V200R011',
  source: 'the IF-MIB of a data-centre distribution stack with a hundred Vlanif interfaces',
  quirks: ['208 interfaces in one table: a walk of many requests', 'NULL0 and InLoopBack0 with ifHighSpeed 0: speed unknown'],
  uptime: 400_000_000,
  interfaces: vrpStack(),
  warnings: [],
};
