// The SNMP input against real peers on loopback: Debian's snmpd (v2c, v3 authPriv SHA/AES)
// and the simulated router (net-snmp's agent) for exact Counter64 values and 32-bit fallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnmpInput } from '../../agent/inputs/snmp/index.js';
import { silentLogger } from '../../log/logger.js';
import type { AssignedDevice, Assignment, SnmpCredentials } from '../../protocol/assignment.js';
import type { IfaceSample, PollSample, Sample } from '../../protocol/samples.js';
import { startSimRouter, type SimRouter } from '../../sim/snmp-router.js';
import { freeUdpPorts, startSnmpd, type SnmpdHandle } from '../../sim/snmpd.js';

let snmpd: SnmpdHandle;
let sim: SimRouter;
let ports: number[];
const V3 = { name: 'noc', authKey: 'auth-secret-1', privKey: 'priv-secret-1' };

beforeAll(async () => {
  ports = await freeUdpPorts(4);
  snmpd = await startSnmpd({ ports: [ports[0], ports[1]], community: 'pantau-ro', v3User: V3 });
  sim = await startSimRouter({
    port: ports[2],
    uptime: 500_000,
    interfaces: [
      { index: 1, name: 'ether1', bits: 64, inOctets: (1n << 62n) + 123_456_789_012_345n, outOctets: (1n << 64n) - 2n, speedMbps: 1000, operUp: true },
      { index: 2, name: 'ether2', bits: 32, inOctets: 4_294_967_000n, outOctets: 17n, speedMbps: 100, operUp: false },
      { index: 3, name: 'pppoe-out1', bits: 32, inOctets: 1n, outOctets: 2n, speedMbps: 1000, operUp: true },
    ],
  });
});
afterAll(async () => {
  await sim?.stop();
  await snmpd?.stop();
});

const dev = (id: string, port: number, snmp: Partial<SnmpCredentials> & { version: '2c' | '3' }): AssignedDevice => ({
  id,
  opd: 'dinkes',
  kind: 'router',
  address: '127.0.0.1',
  ping: false,
  snmp: (snmp.version === '2c'
    ? { community: 'pantau-ro', timeoutMs: 3000, retries: 0, ...snmp, port }
    : { user: V3.name, authProtocol: 'sha', authKey: V3.authKey, privProtocol: 'aes', privKey: V3.privKey, timeoutMs: 3000, retries: 0, ...snmp, port }) as SnmpCredentials,
});
const assignment = (devices: AssignedDevice[], intervalSeconds = 60): Assignment => ({ agent: 'a1', intervalSeconds, devices, maxBodyBytes: 1e6 });
const ctx = (a: Assignment) => ({ ts: Date.now(), intervalS: a.intervalSeconds, assignment: a });
const polls = (s: Sample[]) => new Map(s.filter((x): x is PollSample => x.type === 'poll').map((p) => [p.device, p]));
const ifaces = (s: Sample[], device: string) => s.filter((x): x is IfaceSample => x.type === 'iface' && x.device === device);

describe('snmp input against Debian snmpd', () => {
  it('polls over v2c and over v3 authPriv (SHA/AES) and reads the loopback interface', async () => {
    const input = new SnmpInput({ logger: silentLogger() });
    const a = assignment([dev('v2', ports[0], { version: '2c' }), dev('v3', ports[1], { version: '3' })]);
    const s = await input.gather(ctx(a));
    input.close();
    for (const id of ['v2', 'v3']) {
      expect(polls(s).get(id)).toMatchObject({ ok: true });
      const lo = ifaces(s, id).find((i) => i.interface === 'lo');
      expect(lo).toMatchObject({ bits: 64, operUp: true });
      expect(typeof lo!.inOctets).toBe('bigint');
      expect(lo!.uptime).toBeGreaterThanOrEqual(0);
    }
  });

  it('reports a wrong v3 key on that device while the other devices keep being polled', async () => {
    const input = new SnmpInput({ logger: silentLogger() });
    const a = assignment([
      dev('good', ports[1], { version: '3' }),
      dev('bad-auth', ports[1], { version: '3', authKey: 'not-the-key' }),
      dev('bad-priv', ports[1], { version: '3', privKey: 'not-the-key' }),
      dev('good-v2', ports[0], { version: '2c' }),
    ]);
    for (let cycle = 0; cycle < 2; cycle++) {
      const s = await input.gather(ctx(a));
      const p = polls(s);
      expect(p.get('good')!.ok).toBe(true);
      expect(p.get('good-v2')!.ok).toBe(true);
      expect(ifaces(s, 'good').length).toBeGreaterThan(0);
      expect(p.get('bad-auth')).toMatchObject({ ok: false, error: expect.stringMatching(/^snmp: authentication failure: wrong authKey .* user noc\?/) });
      expect(p.get('bad-priv')).toMatchObject({ ok: false, error: expect.stringMatching(/^snmp: authentication failure: .*wrong privKey .* user noc\?/) });
      expect(ifaces(s, 'bad-auth')).toHaveLength(0);
    }
    input.close();
  });

  it('a dead device costs its own timeout only; the others answer in milliseconds', async () => {
    const input = new SnmpInput({ logger: silentLogger() });
    const a = assignment([dev('dead', ports[3], { version: '2c', timeoutMs: 2000, retries: 1 }), dev('alive', ports[0], { version: '2c' })]);
    const s = await input.gather(ctx(a));
    input.close();
    const p = polls(s);
    expect(p.get('dead')).toMatchObject({ ok: false, error: expect.stringMatching(/no answer .* within 2000 ms × 2 tries/) });
    expect(p.get('alive')!.ok).toBe(true);
    // Polled alongside, not after: done before the dead device's first try has even timed out
    // (the bound is the dead device's timeout, not a speed a loaded machine might miss).
    expect(p.get('alive')!.durationMs).toBeLessThan(2000);
    expect(p.get('dead')!.durationMs).toBeGreaterThanOrEqual(4000);
  });
});

describe('snmp input against the simulated router', () => {
  it('reads Counter64 exactly above 2^62 and falls back to 32-bit counters where HC columns are absent', async () => {
    const input = new SnmpInput({ logger: silentLogger() });
    const a = assignment([dev('sim', ports[2], { version: '2c', community: 'public' })]);
    const s = await input.gather(ctx(a));
    const byName = new Map(ifaces(s, 'sim').map((i) => [i.interface, i]));
    expect(byName.get('ether1')).toMatchObject({
      bits: 64,
      inOctets: (1n << 62n) + 123_456_789_012_345n,
      outOctets: (1n << 64n) - 2n,
      speedBps: 1e9,
      operUp: true,
    });
    expect(byName.get('ether2')).toMatchObject({ bits: 32, inOctets: 4_294_967_000n, outOctets: 17n, speedBps: 1e8, operUp: false });
    expect(byName.get('ether1')!.uptime).toBeGreaterThanOrEqual(500_000);

    sim.advance(10, 8_000); // 10 s at 8 kbit/s: +10 000 octets, the 32-bit counter wraps
    const s2 = await input.gather(ctx(a));
    const e1 = ifaces(s2, 'sim').find((i) => i.interface === 'ether1')!;
    const e2 = ifaces(s2, 'sim').find((i) => i.interface === 'ether2')!;
    expect(e1.outOctets).toBe(9_998n); // 2^64 - 2 + 10 000 wrapped at 2^64
    expect(e2.inOctets).toBe(4_294_967_000n + 10_000n - 2n ** 32n);
    expect(e2.uptime! - byName.get('ether2')!.uptime!).toBeGreaterThanOrEqual(1000);
    input.close();
  });

  it('warns in poll.warnings when a 32-bit counter is polled too slowly for its speed', async () => {
    const input = new SnmpInput({ logger: silentLogger() });
    const slow = await input.gather(ctx(assignment([dev('sim', ports[2], { version: '2c', community: 'public' })], 60)));
    const fast = await input.gather(ctx(assignment([dev('sim', ports[2], { version: '2c', community: 'public' })], 30)));
    input.close();
    // pppoe-out1: 1 Gbit/s wraps 2^32 octets in 34 s; ether2 at 100 Mbit/s in 343 s.
    expect(polls(slow).get('sim')!.warnings).toEqual([expect.stringMatching(/^pppoe-out1: 32-bit counters wrap every 34 s/)]);
    expect(polls(fast).get('sim')!.warnings).toBeUndefined();
  });
});

describe('snmp v2c reads against the simulated router: the in-place decoder', () => {
  it('reads ifIndex values of several bytes, UTF-8 names, renames and the extreme counter values', async () => {
    const [port] = await freeUdpPorts(1);
    const r = await startSimRouter({
      port,
      uptime: 4_294_867_295, // TimeTicks 1,000 s short of its maximum: 5 content bytes (and no wrap while the test runs)
      interfaces: [
        { index: 1, name: 'ether1', bits: 64, inOctets: (1n << 64n) - 1n, outOctets: 0n, speedMbps: 10_000, operUp: true },
        { index: 128, name: 'Gi0/1 — uplink Dinkes', bits: 64, inOctets: 1n << 56n, outOctets: (1n << 48n) + 1n, speedMbps: 1000, operUp: true },
        { index: 16_384, name: 'ether5', bits: 32, inOctets: 4_294_967_295n, outOctets: 128n, speedMbps: 100, operUp: true },
        { index: 2_147_483_647, name: 'pppoe-kecamatan', bits: 64, inOctets: 255n, outOctets: 65_536n, speedMbps: 0, operUp: false },
      ],
    });
    const input = new SnmpInput({ logger: silentLogger() });
    const a = assignment([dev('sim2', port, { version: '2c', community: 'public' })]);
    try {
      const s = await input.gather(ctx(a));
      expect(polls(s).get('sim2')).toMatchObject({ ok: true });
      const up = ifaces(s, 'sim2')[0].uptime!;
      expect(up).toBeGreaterThanOrEqual(4_294_867_295);
      expect(up).toBeLessThan(2 ** 32);
      const got = ifaces(s, 'sim2').map((i) => [i.interface, i.inOctets, i.outOctets, i.bits, i.speedBps, i.operUp, i.uptime]);
      expect(got).toEqual([
        ['ether1', (1n << 64n) - 1n, 0n, 64, 1e10, true, up],
        ['Gi0/1 — uplink Dinkes', 1n << 56n, (1n << 48n) + 1n, 64, 1e9, true, up],
        ['ether5', 4_294_967_295n, 128n, 32, 1e8, true, up],
        ['pppoe-kecamatan', 255n, 65_536n, 64, undefined, false, up],
      ]);
      // A rename shows in the next poll (names are cached while their bytes stay the same).
      r.setName(16_384, 'ether6');
      r.setName(128, 'Gi0/1 — uplink Dinsos');
      const s2 = await input.gather(ctx(a));
      expect(ifaces(s2, 'sim2').map((i) => i.interface)).toEqual(['ether1', 'Gi0/1 — uplink Dinsos', 'ether6', 'pppoe-kecamatan']);
    } finally {
      input.close();
      await r.stop();
    }
  });
});

describe('snmp v3 authPriv: every supported protocol pair against Debian snmpd', () => {
  it('polls with sha/aes, sha256/aes256, sha/aes256, md5/aes and sha256/aes; says what DES needs; reports a user the device does not know', async () => {
    const [port] = await freeUdpPorts(1);
    const users = [
      { name: 'u-sha-aes', authProtocol: 'SHA', privProtocol: 'AES', ours: { authProtocol: 'sha', privProtocol: 'aes' } },
      { name: 'u-sha256-aes256', authProtocol: 'SHA-256', privProtocol: 'AES-256', ours: { authProtocol: 'sha256', privProtocol: 'aes256' } },
      // SHA-1's 20-byte digest is shorter than an AES-256 key: this pair tells Blumenthal's key
      // extension (snmpd's, Pantau's aes256) from Reeder's (Cisco's, aes256c).
      { name: 'u-sha-aes256', authProtocol: 'SHA', privProtocol: 'AES-256', ours: { authProtocol: 'sha', privProtocol: 'aes256' } },
      { name: 'u-md5-aes', authProtocol: 'MD5', privProtocol: 'AES', ours: { authProtocol: 'md5', privProtocol: 'aes' } },
      { name: 'u-sha256-aes', authProtocol: 'SHA-256', privProtocol: 'AES', ours: { authProtocol: 'sha256', privProtocol: 'aes' } },
    ] as const;
    // DES: Node.js 20's OpenSSL 3 has it only in the legacy provider, which tests run without.
    const des = { name: 'u-md5-des', authProtocol: 'MD5', privProtocol: 'DES' } as const;
    const d = await startSnmpd({
      ports: [port],
      v3Users: [...users, des].map((u) => ({ name: u.name, authKey: `auth-${u.name}`, privKey: `priv-${u.name}`, authProtocol: u.authProtocol, privProtocol: u.privProtocol })),
    });
    const input = new SnmpInput({ logger: silentLogger() });
    try {
      const devices = users.map((u) =>
        dev(u.name, port, { version: '3', user: u.name, authKey: `auth-${u.name}`, privKey: `priv-${u.name}`, ...u.ours } as Partial<SnmpCredentials> & { version: '3' }),
      );
      devices.push(dev(des.name, port, { version: '3', user: des.name, authKey: `auth-${des.name}`, privKey: `priv-${des.name}`, authProtocol: 'md5', privProtocol: 'des' } as Partial<SnmpCredentials> & { version: '3' }));
      devices.push(dev('stranger', port, { version: '3', user: 'nobody', authKey: 'auth-nobody', privKey: 'priv-nobody' } as Partial<SnmpCredentials> & { version: '3' }));
      for (let cycle = 0; cycle < 2; cycle++) {
        const s = await input.gather(ctx(assignment(devices)));
        for (const u of users) {
          expect([u.name, polls(s).get(u.name)?.error]).toEqual([u.name, undefined]);
          expect(ifaces(s, u.name).find((i) => i.interface === 'lo')).toMatchObject({ bits: 64, operUp: true });
        }
        expect(polls(s).get(des.name)?.error).toMatch(/^snmp: privProtocol des is not available in this Node.js .* NODE_OPTIONS=--openssl-legacy-provider$/);
        expect(polls(s).get('stranger')).toMatchObject({ ok: false, error: 'snmp: the device does not know SNMPv3 user nobody (Unknown User Name)' });
      }
    } finally {
      input.close();
      await d.stop();
    }
  });
});

describe('snmp v3: the device restarts with a new engine', () => {
  it('says wrong privKey when the device, up again, ignores the encrypted request (key rotated on the device)', async () => {
    const [port] = await freeUdpPorts(1);
    let d = await startSnmpd({ ports: [port], v3User: { name: 'noc', authKey: V3.authKey, privKey: V3.privKey } });
    const input = new SnmpInput({ logger: silentLogger() });
    const a = assignment([dev('r2', port, { version: '3', timeoutMs: 300, retries: 0 })]);
    try {
      expect(polls(await input.gather(ctx(a))).get('r2')).toMatchObject({ ok: true });
      await d.stop();
      d = await startSnmpd({ ports: [port], v3User: { name: 'noc', authKey: V3.authKey, privKey: 'priv-rotated-2' } });
      expect(polls(await input.gather(ctx(a))).get('r2')).toMatchObject({
        ok: false,
        error: 'snmp: authentication failure: the device answered SNMPv3 discovery but not the encrypted request: wrong privKey or privProtocol (aes) for user noc?',
      });
      await d.stop();
      const dead = polls(await input.gather(ctx(a))).get('r2');
      expect(dead?.error).toBe(`snmp: no answer from 127.0.0.1:${port} within 300 ms × 1 try (device down or unreachable)`);
    } finally {
      input.close();
      await d.stop();
    }
  });

  it('rediscovers the engine from the device report and goes on polling', async () => {
    const [port] = await freeUdpPorts(1);
    const user = { name: 'noc', authKey: V3.authKey, privKey: V3.privKey };
    let d = await startSnmpd({ ports: [port], v3User: user });
    const input = new SnmpInput({ logger: silentLogger() });
    const a = assignment([dev('r1', port, { version: '3' })]);
    try {
      expect(polls(await input.gather(ctx(a))).get('r1')).toMatchObject({ ok: true });
      await d.stop();
      d = await startSnmpd({ ports: [port], v3User: user }); // a fresh persistent dir: a new engine ID, boots 1
      const p = polls(await input.gather(ctx(a))).get('r1');
      expect(p).toMatchObject({ ok: true });
      expect(p?.error).toBeUndefined();
    } finally {
      input.close();
      await d.stop();
    }
  });
});

describe('snmp over IPv6 loopback', () => {
  it('polls v2c and v3 devices at ::1 through the IPv6 socket', async () => {
    const [p4, p6] = await freeUdpPorts(2);
    const d = await startSnmpd({ ports: [p4], ports6: [p6], community: 'pantau-ro', v3User: V3 });
    const input = new SnmpInput({ logger: silentLogger() });
    try {
      const at6 = (x: AssignedDevice): AssignedDevice => ({ ...x, address: '::1' });
      const a = assignment([at6(dev('v6-v2c', p6, { version: '2c' })), at6(dev('v6-v3', p6, { version: '3' }))]);
      const s = await input.gather(ctx(a));
      for (const id of ['v6-v2c', 'v6-v3']) {
        expect([id, polls(s).get(id)?.error]).toEqual([id, undefined]);
        expect(ifaces(s, id).find((i) => i.interface === 'lo')).toMatchObject({ bits: 64 });
      }
    } finally {
      input.close();
      await d.stop();
    }
  });
});
