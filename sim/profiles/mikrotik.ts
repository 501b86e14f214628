// MikroTik RouterOS 6 and 7: the most common OPD edge routers.
import { G, M, TWO53, type DeviceProfile, type ProfileInterface } from './profile.js';

const i = (index: number, name: string, speedMbps: number, inOctets: bigint, expectSpeed: number | undefined, extra: Partial<ProfileInterface> = {}): ProfileInterface => ({
  index, name, bits: 64, inOctets, outOctets: inOctets / 3n, speedMbps, operUp: true,
  expect: { name, speedBps: expectSpeed, bits: 64 }, ...extra,
});

export const mikrotikRos6: DeviceProfile = {
  id: 'mikrotik-ros6',
  family: 'MikroTik RouterOS 6.49 (RB1100AHx4)',
  source: 'the IF-MIB of a RouterOS 6 edge router with a PPPoE uplink, a bridge and an unplugged SFP',
  quirks: [
    'ether1 has carried more than 2^53 octets: its Counter64 is past what a JavaScript number holds exactly',
    'bridge, PPPoE client and an SFP without module report ifHighSpeed 0 and ifSpeed 0: speed unknown',
  ],
  uptime: 8_640_000_00,
  interfaces: [
    i(1, 'ether1-gateway', 1000, TWO53 + 123_456_789n, G),
    i(2, 'ether2-dinkes', 1000, 987_654_321_000n, G),
    i(3, 'ether3', 100, 12_345_678n, 100 * M),
    i(4, 'sfp1', 0, 0n, undefined, { operUp: false, ifSpeedRaw: 0 }),
    i(5, 'bridge-lan', 0, 55_555_555_555n, undefined, { ifSpeedRaw: 0 }),
    i(6, 'pppoe-out1', 0, TWO53 * 2n + 1n, undefined, { ifSpeedRaw: 0 }),
  ],
  warnings: [],
};

export const mikrotikRos7: DeviceProfile = {
  id: 'mikrotik-ros7',
  family: 'MikroTik RouterOS 7.12 (CCR2004-16G-2S+)',
  source: 'the IF-MIB of a RouterOS 7 core router with VLANs named after OPDs and dynamic PPPoE server interfaces',
  quirks: [
    'names with spaces, an em dash and angle brackets (<pppoe-...> dynamic interfaces)',
    'a dynamic interface at ifIndex 2^31 - 1 (RouterOS numbers dynamic interfaces high)',
    'a WireGuard interface with ifHighSpeed 0: speed unknown',
  ],
  uptime: 1_234_567,
  interfaces: [
    i(1, 'sfp-sfpplus1', 10000, 4_000_000_000_000n, 10 * G),
    i(2, 'ether1', 1000, 1_000_000n, G),
    i(14, 'vlan10 - Dinas Kesehatan', 1000, 77_777_777n, G),
    i(15, 'bridge-Kantor Camat — lantai 2', 1000, 5_000_000n, G),
    i(16, 'wg-kantor-bupati', 0, 3_000_000n, undefined, { ifSpeedRaw: 0 }),
    i(2_147_483_647, '<pppoe-kecamatan-cibinong>', 0, 42_000n, 20 * M, { ifSpeedRaw: 20_000_000 }),
  ],
  warnings: [],
};
