// The SNMP input against the corpus of device profiles (sim/profiles), each served by the
// simulated router (net-snmp's agent) on loopback: one test per class of what real devices get
// wrong, and every interface of every profile with its name, speed and counter width.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnmpInput } from '../../agent/inputs/snmp/index.js';
import { silentLogger } from '../../log/logger.js';
import type { AssignedDevice, Assignment } from '../../protocol/assignment.js';
import type { IfaceSample, PollSample, Sample } from '../../protocol/samples.js';
import { PROFILES, profile, startProfile, type DeviceProfile } from '../../sim/profiles/index.js';
import type { SimRouter } from '../../sim/snmp-router.js';
import { freeUdpPorts } from '../../sim/snmpd.js';

const routers = new Map<string, SimRouter>();
const ports = new Map<string, number>();
let input: SnmpInput;

beforeAll(async () => {
  const free = await freeUdpPorts(PROFILES.length);
  for (const [k, p] of PROFILES.entries()) {
    ports.set(p.id, free[k]);
    routers.set(p.id, await startProfile(p, free[k]));
  }
  input = new SnmpInput({ logger: silentLogger(), deviceDeadlineMs: 30_000 }); // the 5 s interval's 4 s deadline is for production, not a busy test machine
});
afterAll(async () => {
  input?.close();
  await Promise.all([...routers.values()].map((r) => r.stop()));
});

const device = (id: string): AssignedDevice => ({
  id, opd: 'dinkes', kind: 'router', address: '127.0.0.1', ping: false,
  snmp: { version: '2c', community: 'public', port: ports.get(id)!, timeoutMs: 3000, retries: 2 }, // generous: the machine may be busy
});
async function poll(ids: string[], intervalSeconds = 5): Promise<Sample[]> {
  const a: Assignment = { agent: 'a1', intervalSeconds, maxBodyBytes: 1e6, devices: ids.map(device) };
  return input.gather({ ts: Date.now(), intervalS: intervalSeconds, assignment: a });
}
const ifaces = (s: Sample[], id: string) => new Map(s.filter((x): x is IfaceSample => x.type === 'iface' && x.device === id).map((x) => [x.interface, x]));
const pollOf = (s: Sample[], id: string) => s.find((x): x is PollSample => x.type === 'poll' && x.device === id)!;
const seen = (s: Sample[], p: DeviceProfile) => {
  const got = ifaces(s, p.id);
  return p.interfaces.map((i) => ({ index: i.index, ...pick(got.get(i.expect.name)) }));
};
const pick = (x: IfaceSample | undefined) => (x ? { name: x.interface, speedBps: x.speedBps, bits: x.bits } : { name: '(missing)' });
const wanted = (p: DeviceProfile) => p.interfaces.map((i) => ({ index: i.index, name: i.expect.name, speedBps: i.expect.speedBps, bits: i.expect.bits }));

describe('the SNMP input reads real devices as IF-MIB means them', () => {
  it('gives every interface of every profile its name, speed and 32/64-bit counters, and each device exactly its warnings', async () => {
    const s = await poll(PROFILES.map((p) => p.id));
    for (const p of PROFILES) {
      expect(pollOf(s, p.id), p.id).toMatchObject({ ok: true });
      expect(seen(s, p), p.id).toEqual(wanted(p));
      expect(ifaces(s, p.id).size, p.id).toBe(p.interfaces.length);
      const warnings = pollOf(s, p.id).warnings ?? [];
      for (const w of p.warnings) expect(warnings, `${p.id}: ${w}`).toContainEqual(expect.stringMatching(new RegExp(w)));
      expect(warnings, p.id).toHaveLength(p.warnings.length);
    }
  });

  it('reads ifSpeed when a device has no ifHighSpeed', async () => {
    const s = await poll(['tplink-t2600g', 'cisco-cat3850-nohc']);
    expect(ifaces(s, 'tplink-t2600g').get('gigabitEthernet 1/0/12 : copper')).toMatchObject({ speedBps: 1e9, bits: 64 });
    expect(ifaces(s, 'tplink-t2600g').get('gigabitEthernet 1/0/22 : copper')).toMatchObject({ speedBps: 1e8 });
    expect(ifaces(s, 'cisco-cat3850-nohc').get('Gi1/0/3')).toMatchObject({ speedBps: 1e9, bits: 32 });
  });

  it('warns that 32-bit counters are polled too slowly once ifSpeed gives their speed', async () => {
    const s = await poll(['cisco-cat3850-nohc'], 60);
    const w = pollOf(s, 'cisco-cat3850-nohc').warnings!;
    expect(w).toContainEqual(expect.stringMatching(/^Gi1\/0\/1: 32-bit counters wrap every 34 s at 1000 Mbit\/s but are polled every 60 s/));
    expect(w).toContainEqual('and 20 interfaces more with 32-bit counters polled too slowly for their speed');
  });

  it('reads a sentinel ifHighSpeed (4294967295, 4294901759) as an unknown speed, never 4.29 Pbit/s', async () => {
    const s = await poll(['fortigate-100f']);
    const f = ifaces(s, 'fortigate-100f');
    expect(f.get('port1')!.speedBps).toBeUndefined();
    expect(f.get('port2')!.speedBps).toBeUndefined();
    expect(f.get('wan1')!.speedBps).toBe(1e9);
    expect(f.get('x1')!.speedBps).toBe(1e10);
    for (const x of f.values()) expect(x.speedBps ?? 0).toBeLessThanOrEqual(1e13);
  });

  it('names interfaces by ifDescr when a device has no ifXTable, and falls back to ifIndex.N without either', async () => {
    const s = await poll(['juniper-vmx-noifx', 'gpon-ont-long-names']);
    expect(ifaces(s, 'juniper-vmx-noifx').get('xe-0/0/9.10')).toMatchObject({ bits: 32, inOctets: 4_100_000_000n });
    expect(ifaces(s, 'juniper-vmx-noifx').get('xe-0/0/9.10')!.speedBps).toBeUndefined();
    expect(ifaces(s, 'gpon-ont-long-names').get('LAN1')).toBeDefined(); // ifDescr "LAN1\0\0\0\0"
    expect(ifaces(s, 'gpon-ont-long-names').get('ifIndex.4')).toBeDefined();
  });

  it('keeps two interfaces of one name apart as lo0 and lo0#5492, each with its own counters', async () => {
    const s = await poll(['hp-procurve-stack']);
    const hp = ifaces(s, 'hp-procurve-stack');
    expect(hp.get('lo0')!.inOctets).toBe(111_111n);
    expect(hp.get('lo0#5492')!.inOctets).toBe(222_222n);
  });

  it('cuts an over-long name stably, with a visible marker, keeping two long names apart', async () => {
    const a = [...ifaces(await poll(['gpon-ont-long-names']), 'gpon-ont-long-names').keys()].filter((n) => n.includes('…'));
    const b = [...ifaces(await poll(['gpon-ont-long-names']), 'gpon-ont-long-names').keys()].filter((n) => n.includes('…'));
    expect(a).toHaveLength(2);
    expect(b).toEqual(a);
    for (const n of a) expect(n).toMatch(/^WAN1 INTERNET_TR069.{100}…[0-9a-f]{8}$/);
    expect(a[0].slice(0, 119)).toBe(a[1].slice(0, 119));
  });

  it('reads ports that exist only in ifXTable (ifIndex 1000001 and up), with no oper status', async () => {
    const u = ifaces(await poll(['ubiquiti-usw-24']), 'ubiquiti-usw-24');
    expect(u.get('switch0')).toMatchObject({ inOctets: 7_000_000_000n, bits: 64, speedBps: 1e9 });
    expect(u.get('switch0')!.operUp).toBeUndefined();
    expect(u.get('Port 3')).toMatchObject({ operUp: true });
  });

  it('reads a table of 200+ interfaces, HC and 32-bit rows mixed on one device, and counters above 2^53 exactly', async () => {
    const s = await poll(['huawei-s5720-stack', 'ruijie-s5750', 'mikrotik-ros6', 'mikrotik-ros7']);
    expect(ifaces(s, 'huawei-s5720-stack').size).toBe(208);
    expect(ifaces(s, 'huawei-s5720-stack').get('Vlanif1000')).toBeDefined();
    const rj = ifaces(s, 'ruijie-s5750');
    expect([rj.get('GigabitEthernet 0/1')!.bits, rj.get('VLAN 10')!.bits]).toEqual([64, 32]);
    expect(rj.get('VLAN 10')!.inOctets).toBe(3_999_999_999n);
    expect(ifaces(s, 'mikrotik-ros6').get('ether1-gateway')!.inOctets).toBe((1n << 53n) + 123_456_789n);
    expect(ifaces(s, 'mikrotik-ros7').get('<pppoe-kecamatan-cibinong>')).toMatchObject({ speedBps: 2e7 }); // ifIndex 2^31 - 1
  });

  it("never swaps two interfaces' counters when a reboot renumbers ifIndex, and says it renumbered", async () => {
    const id = 'cisco-isr4331-renumber';
    const r = routers.get(id)!;
    await poll([id]);
    r.reboot(profile(id).renumberOnReboot);
    r.setCounters(3, 1_000n, 1_001n); // Gi0/0/0 now at ifIndex 3
    r.setCounters(1, 2_000n, 2_001n); // Gi0/0/1 now at 1
    r.setCounters(2, 3_000n, 3_001n); // Gi0/0/2 now at 2
    const s = await poll([id]);
    const c = ifaces(s, id);
    expect([c.get('Gi0/0/0')!.inOctets, c.get('Gi0/0/1')!.inOctets, c.get('Gi0/0/2')!.inOctets]).toEqual([1_000n, 2_000n, 3_000n]);
    expect(pollOf(s, id).warnings).toContainEqual(expect.stringMatching(/^ifIndex renumbered at the reboot .*Gi0\/0\/0 1→3, Gi0\/0\/1 2→1, Gi0\/0\/2 3→2/));
  });
});
