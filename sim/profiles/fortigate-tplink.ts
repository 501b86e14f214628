// FortiGate (sentinel speeds on ports without link) and TP-Link JetStream (no ifName, no ifHighSpeed).
import { G, M, type DeviceProfile, type ProfileInterface } from './profile.js';

const fgt = (index: number, name: string, highSpeed: number, ifSpeed: number, speed: number | undefined, up: boolean, inOctets = 0n): ProfileInterface => ({
  index, name, bits: 64, inOctets, outOctets: inOctets / 5n, speedMbps: 0, highSpeedRaw: highSpeed, ifSpeedRaw: ifSpeed, operUp: up,
  expect: { name, speedBps: speed, bits: 64 },
});

export const fortigate: DeviceProfile = {
  id: 'fortigate-100f',
  family: 'Fortinet FortiGate 100F, FortiOS 7.2',
  source: 'the IF-MIB of an OPD firewall with most of its ports unused',
  quirks: [
    'ports without link report ifHighSpeed 4294967295 or 4294901759 (and ifSpeed 0): speed unknown, never 4.29 Pbit/s',
    'the SSL-VPN tunnel interface reports ifHighSpeed 0',
  ],
  uptime: 77_000_000,
  interfaces: [
    fgt(1, 'wan1', 1000, 1e9, G, true, 9_876_543_210_000n),
    fgt(2, 'wan2', 4294967295, 0, undefined, false),
    fgt(3, 'dmz', 1000, 1e9, G, true, 123_456_789n),
    ...Array.from({ length: 8 }, (_, k) => fgt(4 + k, `port${k + 1}`, k % 2 === 0 ? 4294967295 : 4294901759, 0, undefined, false)),
    fgt(12, 'x1', 10000, 4294967295, 10 * G, true, 5_000_000_000_000n),
    fgt(13, 'x2', 4294901759, 4294967295, undefined, false),
    fgt(14, 'ssl.root', 0, 0, undefined, true, 1_000n),
    fgt(15, 'fortilink', 1000, 1e9, G, true, 2_000n),
  ],
  warnings: ['ifHighSpeed is a sentinel .* on 10 interfaces.*wan2 \\(4294967295\\), port1 \\(4294967295\\), port2 \\(4294901759\\)', 'ifSpeed 4294967295 .* on 1 interface: x2'],
};

const jet = (index: number, descr: string, ifSpeed: number, speed: number | undefined, inOctets: bigint, up = true): ProfileInterface => ({
  index, name: '', descr, bits: 64, inOctets, outOctets: inOctets / 3n, speedMbps: 0, ifSpeedRaw: ifSpeed, operUp: up,
  omit: ['ifHighSpeed'], expect: { name: descr, speedBps: speed, bits: 64 },
});

export const tplinkJetstream: DeviceProfile = {
  id: 'tplink-t2600g',
  family: 'TP-Link JetStream T2600G-28TS, firmware 3.0',
  source: 'the IF-MIB of a managed access switch in a kecamatan office',
  quirks: [
    'ifName is an empty string: names from ifDescr, with spaces and a colon ("gigabitEthernet 1/0/12 : copper")',
    'no ifHighSpeed: speed from ifSpeed',
    'ports at ifIndex 49153 and up',
  ],
  uptime: 3_000_000,
  interfaces: [
    ...Array.from({ length: 24 }, (_, k) => jet(49153 + k, `gigabitEthernet 1/0/${k + 1} : copper`, k < 20 ? 1e9 : 100 * M, k < 20 ? G : 100 * M, BigInt(k + 1) * 1_000_000_007n, k !== 5)),
    ...Array.from({ length: 4 }, (_, k) => jet(49177 + k, `gigabitEthernet 1/0/${k + 25} : fiber`, 1e9, G, BigInt(k + 1) * 77n)),
  ],
  warnings: ['28 interfaces without ifName .* named by ifDescr: gigabitEthernet 1/0/1 : copper'],
};
