// Cisco IOS-XE: an ISR that renumbers its ifIndex at a reboot, and a Catalyst without HC counters.
import { G, M, type DeviceProfile, type ProfileInterface } from './profile.js';

const isr = (index: number, name: string, descr: string, speedMbps: number, inOctets: bigint, speed: number | undefined, extra: Partial<ProfileInterface> = {}): ProfileInterface => ({
  index, name, descr, bits: 64, inOctets, outOctets: inOctets + 1n, speedMbps, operUp: true,
  expect: { name, speedBps: speed, bits: 64 }, ...extra,
});

/** The reboot puts the physical ports in another order, as IOS-XE does without ifindex persist. */
const RENUMBER: Record<number, number> = { 1: 3, 2: 1, 3: 2, 7: 8, 8: 7 };

export const ciscoIsrRenumber: DeviceProfile = {
  id: 'cisco-isr4331-renumber',
  family: 'Cisco ISR 4331, IOS-XE 16.9, without `snmp-server ifindex persist`',
  source: 'the IF-MIB of a branch router whose ifIndex order changes at each reboot',
  quirks: [
    'a reboot renumbers the ifIndex of the ports (Gi0/0/0 at 1 before, at 3 after): a poller keyed by ifIndex swaps their counters',
    'Null0 reports ifSpeed 4294967295 and ifHighSpeed 0: speed unknown (the ifSpeed saturated is also said)',
    'a GRE tunnel has ifHighSpeed 0 but ifSpeed 100000: 100 kbit/s from ifSpeed',
  ],
  uptime: 300_000,
  interfaces: [
    isr(1, 'Gi0/0/0', 'GigabitEthernet0/0/0', 1000, 111_000_000_000n, G),
    isr(2, 'Gi0/0/1', 'GigabitEthernet0/0/1', 1000, 222_000_000_000n, G),
    isr(3, 'Gi0/0/2', 'GigabitEthernet0/0/2', 100, 333_000_000n, 100 * M),
    isr(5, 'Nu0', 'Null0', 0, 0n, undefined, { ifSpeedRaw: 4294967295 }),
    isr(7, 'Tu1', 'Tunnel1', 0, 444_000n, 100_000, { ifSpeedRaw: 100_000 }),
    isr(8, 'Gi0/0/0.100', 'GigabitEthernet0/0/0.100', 1000, 555_000n, G),
  ],
  renumberOnReboot: (index) => RENUMBER[index] ?? index,
  warnings: ['ifSpeed 4294967295 .* on 1 interface.*Nu0'],
};

const cat = (index: number, name: string, descr: string, speedBps: number, inOctets: bigint, expectSpeed: number | undefined): ProfileInterface => ({
  index, name, descr, bits: 32, inOctets, outOctets: inOctets / 2n, speedMbps: 0, ifSpeedRaw: speedBps, operUp: index % 5 !== 0,
  omit: ['ifHighSpeed'], expect: { name, speedBps: expectSpeed, bits: 32 },
});

export const catalystNoHc: DeviceProfile = {
  id: 'cisco-cat3850-nohc',
  family: 'Cisco Catalyst 3850, IOS-XE 3.6, an SNMP view without HC counters and ifHighSpeed',
  source: 'the IF-MIB of an access switch stack whose ifXTable gives ifName only',
  quirks: [
    'no ifHCInOctets/ifHCOutOctets and no ifHighSpeed: 32-bit counters, speed from ifSpeed',
    'the 10 Gbit/s uplinks read ifSpeed 4294967295 ("4 Gbit/s or more"): speed unknown, so a 32-bit wrap cannot be judged',
  ],
  uptime: 99_000_000,
  interfaces: [
    ...Array.from({ length: 24 }, (_, k) => cat(k + 1, `Gi1/0/${k + 1}`, `GigabitEthernet1/0/${k + 1}`, 1e9, BigInt(k) * 100_000_000n + 7n, G)),
    ...Array.from({ length: 4 }, (_, k) => cat(k + 37, `Te1/1/${k + 1}`, `TenGigabitEthernet1/1/${k + 1}`, 4294967295, 4_000_000_000n - BigInt(k), undefined)),
    cat(53, 'Vl1', 'Vlan1', 1e9, 12_345n, G),
  ],
  warnings: ['ifSpeed 4294967295 .* on 4 interfaces.*Te1/1/1'],
};
