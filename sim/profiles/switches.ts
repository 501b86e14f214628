// HP ProCurve (a stack that repeats a name), Ruijie (HC and 32-bit rows mixed), UniFi (rows in ifXTable only).
import { G, type DeviceProfile, type ProfileInterface } from './profile.js';

const hp = (index: number, name: string, speedMbps: number, inOctets: bigint, expectName = name): ProfileInterface => ({
  index, name, bits: 64, inOctets, outOctets: inOctets / 2n, speedMbps, operUp: true,
  ...(speedMbps === 0 ? { ifSpeedRaw: 0 } : {}), expect: { name: expectName, speedBps: speedMbps ? speedMbps * 1e6 : undefined, bits: 64 },
});

export const procurveStack: DeviceProfile = {
  id: 'hp-procurve-stack',
  family: 'HP ProCurve / Aruba 2920 stack of two, KB.16',
  source: 'the IF-MIB of a core switch stack in a data centre',
  quirks: ['two interfaces named lo0 (ifIndex 5473 and 5492): one series would silently lose one set of counters'],
  uptime: 250_000_000,
  interfaces: [
    ...Array.from({ length: 24 }, (_, k) => hp(k + 1, `1/${k + 1}`, 1000, BigInt(k + 1) * 31_000_000_000n)),
    ...Array.from({ length: 24 }, (_, k) => hp(k + 53, `2/${k + 1}`, 1000, BigInt(k + 1) * 17_000_000n)),
    hp(4097, 'DEFAULT_VLAN', 0, 9_000n),
    hp(5473, 'lo0', 0, 111_111n),
    hp(5492, 'lo0', 0, 222_222n, 'lo0#5492'),
  ],
  warnings: ['duplicate interface names kept apart as NAME#IFINDEX: lo0 \\(ifIndex 5473 and 5492: the second is lo0#5492\\)'],
};

const rj = (index: number, name: string, bits: 32 | 64, speedMbps: number, inOctets: bigint): ProfileInterface => ({
  index, name, bits, inOctets, outOctets: inOctets / 2n, speedMbps, operUp: true, expect: { name, speedBps: speedMbps * 1e6, bits },
});

export const ruijieMixed: DeviceProfile = {
  id: 'ruijie-s5750',
  family: 'Ruijie RG-S5750-28GT4XS-H, RGOS 11.4',
  source: 'the IF-MIB of a campus switch whose SVIs have only 32-bit counters',
  quirks: [
    'names with a space ("GigabitEthernet 0/1", "VLAN 10")',
    'HC counters on the ports, 32-bit counters only on the VLAN interfaces and the aggregate port: both widths on one device',
  ],
  uptime: 12_000_000,
  interfaces: [
    ...Array.from({ length: 24 }, (_, k) => rj(k + 1, `GigabitEthernet 0/${k + 1}`, 64, 1000, BigInt(k + 1) * 5_000_000_000n)),
    ...Array.from({ length: 4 }, (_, k) => rj(k + 25, `TenGigabitEthernet 0/${k + 25}`, 64, 10000, BigInt(k + 1) * 9n * 10n ** 14n)),
    rj(4097, 'AggregatePort 1', 32, 2000, 4_000_000_000n),
    rj(4353, 'VLAN 1', 32, 1000, 123n),
    rj(4362, 'VLAN 10', 32, 1000, 3_999_999_999n),
    rj(10001, 'Mgmt 0', 64, 100, 1_000n),
  ],
  warnings: [],
};

const usw = (index: number, name: string, speedMbps: number, inOctets: bigint, tables: 'both' | 'ifXTable', descr?: string): ProfileInterface => ({
  index, name, descr, bits: 64, inOctets, outOctets: inOctets / 2n, speedMbps, operUp: true, tables,
  ...(speedMbps === 0 ? { ifSpeedRaw: 0 } : {}), expect: { name, speedBps: speedMbps ? speedMbps * 1e6 : undefined, bits: 64 },
});

export const unifiSwitch: DeviceProfile = {
  id: 'ubiquiti-usw-24',
  family: 'Ubiquiti UniFi USW-24-PoE, UniFi switch firmware 6.5',
  source: 'the IF-MIB of a UniFi access switch, whose software interfaces appear in ifXTable only',
  quirks: ['interfaces at ifIndex 1000001 and up exist only in ifXTable: no ifOperStatus, no ifDescr, counters from ifHCInOctets'],
  uptime: 8_000_000,
  interfaces: [
    ...Array.from({ length: 26 }, (_, k) => usw(k + 1, `Port ${k + 1}`, k < 24 ? 1000 : 10000, BigInt(k + 1) * 4_444_444_444n, 'both', `Slot: 0 Port: ${k + 1} Gigabit - Level`)),
    usw(1000001, 'switch0', 1000, 7_000_000_000n, 'ifXTable'),
    usw(1000002, 'eth0', 1000, 6_000_000_000n, 'ifXTable'),
    usw(1000003, 'lo', 0, 50_000n, 'ifXTable'),
  ],
  warnings: [],
};
