// The whole pipeline with real processes and real peers on loopback: Debian's snmpd and
// net-snmp agents serving scripted counters → `pantau agent` → `pantau collector` → SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../collector/storage/sqlite.js';
import { startSimRouter, type SimRouter } from '../../sim/snmp-router.js';
import { freeUdpPorts, startSnmpd, type SnmpdHandle } from '../../sim/snmpd.js';
import { healthy, spawnPantau, until, writeConfig, type Proc } from '../helpers/processes.js';
import { AGENT_TOKEN, VIEWER_TOKEN } from '../helpers/collector.js';
import type { UsageReport } from '../../protocol/usage.js';
import { storedSamples } from '../helpers/raw-samples.js';

const V3 = { name: 'noc', authKey: 'auth-secret-e2e', privKey: 'priv-secret-e2e' };
const dir = mkdtempSync(join(tmpdir(), 'pantau-e2e-'));
let snmpd: SnmpdHandle;
let r64: SimRouter;
let r32: SimRouter;
let collector: Proc;
let agent: Proc;
let url: string;
let port: number;
/** Every counter value the scripted routers served, in order, with the true bytes behind it. */
const served = { r64: [] as Served[], r32: [] as Served[] };
interface Served { in: bigint; total: bigint; reboot?: boolean }
let ticker: NodeJS.Timeout;

const TWO32 = 1n << 32n;

beforeAll(async () => {
  const ports = await freeUdpPorts(5);
  port = 20000 + Math.floor(Math.random() * 20000);
  snmpd = await startSnmpd({ ports: [ports[0]], community: 'public', v3User: V3 });
  const start64 = (1n << 62n) + 999_999_999_999n;
  const start32 = TWO32 - 300_000_000n; // wraps at the first step below
  // r64's sysUpTime starts 60 s short of its 497-day wrap; each cycle moves it 20 s further
  // (within the 30 s the wrap rule allows), so it wraps a few cycles in: not a reboot.
  const startUptime = 2 ** 32 - 6000;
  r64 = await startSimRouter({ port: ports[1], uptime: startUptime, interfaces: [{ index: 1, name: 'ether1', bits: 64, inOctets: start64, outOctets: 7n, speedMbps: 10000, operUp: true }] });
  r32 = await startSimRouter({ port: ports[2], uptime: 1_000_000, interfaces: [{ index: 1, name: 'ether1', bits: 32, inOctets: start32, outOctets: 0n, speedMbps: 1000, operUp: true }] });
  let uptime = { base: startUptime, at: Date.now() };
  // The counters move between polls, one scripted step after each sample the store shows (not
  // on a timer), so the scenario plays out the same on a busy machine: 64-bit +49 GB a cycle;
  // 32-bit +400 MB a cycle (640 Mbit/s at 5 s: below the 1 Gbit/s port, so a drop is a wrap),
  // a wrap at the first step and a reboot at the third.
  let in64 = start64;
  let in32 = start32;
  let total64 = 0n;
  let total32 = 0n;
  served.r64.push({ in: in64, total: 0n });
  served.r32.push({ in: in32, total: 0n });
  let done64 = 0;
  let done32 = 0;
  const step64 = () => {
    in64 += 49_382_715_640n;
    total64 += 49_382_715_640n;
    r64.setCounters(1, in64, 7n);
    served.r64.push({ in: in64, total: total64 });
    const now = Date.now();
    const current = uptime.base + Math.floor((now - uptime.at) / 10);
    if (current < 2 ** 32) {
      uptime = { base: current + 2000, at: now };
      r64.setUptime(uptime.base % 2 ** 32);
    }
  };
  const step32 = (k: number) => {
    if (k === 3) {
      // r32 reboots: counters and sysUpTime start again from zero.
      r32.reboot();
      in32 = 0n;
      served.r32.push({ in: 0n, total: total32, reboot: true });
      return;
    }
    in32 = (in32 + 400_000_000n) % TWO32;
    total32 += 400_000_000n;
    r32.setCounters(1, in32, 0n);
    served.r32.push({ in: in32, total: total32 });
  };
  // One step per new sample, however many arrived since: two steps between two polls would
  // double the rate the wrap rule judges.
  ticker = setInterval(() => {
    let n64: number;
    let n32: number;
    try {
      n64 = stored('r64').length;
      n32 = stored('r32').length;
    } catch {
      return; // the collector has not created its store yet
    }
    if (n64 > done64) {
      done64 = n64;
      step64();
    }
    if (n32 > done32) {
      done32 = n32;
      step32(n32);
    }
  }, 100);

  const collectorFile = writeConfig(dir, 'collector.yaml', `
timezone: Asia/Jakarta
listen: 127.0.0.1:${port}
store: { sqlite: ${JSON.stringify(join(dir, 'pantau.db'))} }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} } ] }
agents: [ { id: a1, token: "\${AGENT_TOKEN}", intervalSeconds: 5, poll: [snmpd-v2, snmpd-v3, snmpd-badkey, r64, r32] } ]
opds:
  - { id: dinkes, name: Dinas Kesehatan, quota: { volumeGB: 1000000 }, uplinks: [ { device: r64, interface: ether1 }, { device: r32, interface: ether1 } ] }
devices:
  - { id: snmpd-v2, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: ${ports[0]}, timeoutMs: 1000 } }
  - { id: snmpd-v3, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 3, user: noc, authKey: ${V3.authKey}, privKey: ${V3.privKey}, port: ${ports[0]}, timeoutMs: 1000 } }
  - { id: snmpd-badkey, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 3, user: noc, authKey: wrong-auth-key, privKey: ${V3.privKey}, port: ${ports[0]}, timeoutMs: 1000 } }
  - { id: r64, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: ${ports[1]}, timeoutMs: 1000 } }
  - { id: r32, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: ${ports[2]}, timeoutMs: 1000 } }
`);
  const agentFile = writeConfig(dir, 'agent.yaml', `
id: a1
collector: http://127.0.0.1:${port}
token: "\${AGENT_TOKEN}"
spool: ${JSON.stringify(join(dir, 'spool'))}
`);
  collector = spawnPantau(['collector', '--config', collectorFile], { AGENT_TOKEN });
  url = `http://127.0.0.1:${port}`;
  await healthy(url);
  agent = spawnPantau(['agent', '--config', agentFile], { AGENT_TOKEN });
}, 60_000);

afterAll(async () => {
  clearInterval(ticker);
  await agent?.stop();
  await collector?.stop();
  await Promise.all([r64?.stop(), r32?.stop(), snmpd?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const db = () => openDatabase(join(dir, 'pantau.db'), { readonly: true });
function stored(device: string): { ts: number; in: bigint; bits: number }[] {
  const d = db();
  try {
    return storedSamples(d, device).map((r) => ({ ts: r.ts, in: r.inOct, bits: (r.flags & 1) === 1 ? 32 : 64 })); // rows and chunks
  } finally {
    d.close();
  }
}
const get = async <T>(path: string) => (await (await fetch(url + path, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } })).json()) as T;

describe('agent → collector → store with real SNMP peers', () => {
  it('stores what the scripted routers served, to the byte, above 2^62 and across 32-bit wraps', async () => {
    // Five cycles of each, and the scripted wrap, reboot and sysUpTime wrap behind them.
    await until(() => stored('r64').length >= 5 && stored('r32').length >= 5, 90_000, 'five cycles from both routers');
    const s64 = stored('r64');
    const s32 = stored('r32');
    // Every stored value is one the router served.
    const servedAt = (list: { in: bigint; total: bigint }[], v: bigint) => list.findIndex((x) => x.in === v);
    for (const s of s64) expect(servedAt(served.r64, s.in)).toBeGreaterThanOrEqual(0);
    for (const s of s32) expect(servedAt(served.r32, s.in)).toBeGreaterThanOrEqual(0);
    expect(s64[0].in).toBeGreaterThan(1n << 62n);
    expect(s64.every((s) => s.bits === 64)).toBe(true);
    expect(s32.every((s) => s.bits === 32)).toBe(true);

    // The evaluation's volume equals, per pair of stored samples, the traffic behind the served
    // values, or after the reboot the counter's new value (the contract: a lower sysUpTime is a
    // reboot; count the new value). A cycle may land while we ask: read the store before and
    // after /usage and retry until they agree.
    const truth = (list: Served[], ss: { in: bigint }[]) => {
      let sum = 0n;
      let at = servedAt(list, ss[0].in);
      for (let i = 1; i < ss.length; i++) {
        const next = list.findIndex((x, k) => k > at && x.in === ss[i].in);
        sum += list.slice(at + 1, next + 1).some((x) => x.reboot) ? list[next].in : list[next].total - list[at].total;
        at = next;
      }
      return sum;
    };
    const { u, a64, a32 } = await until(async () => {
      const b64 = stored('r64');
      const b32 = stored('r32');
      const u = await get<UsageReport>('/api/v1/usage');
      const a64 = stored('r64');
      const a32 = stored('r32');
      return a64.length === b64.length && a32.length === b32.length ? { u, a64, a32 } : undefined;
    }, 20_000, 'a quiet moment between cycles');
    const up = Object.fromEntries(u.opds[0].uplinks.map((x) => [x.device, x]));
    expect(BigInt(up.r64.inBytes)).toBe(truth(served.r64, a64));
    expect(BigInt(up.r32.inBytes)).toBe(truth(served.r32, a32));
    expect(a32.some((s, i) => i > 0 && s.in < a32[i - 1].in)).toBe(true); // it wrapped (or rebooted)
    expect(up.r32.flags.join(' ')).toMatch(/dinyalakan ulang 1 kali/); // the reboot is noted
    expect(up.r64.flags.join(' ')).not.toMatch(/dinyalakan ulang/); // sysUpTime's own wrap is not a reboot
    const d = db();
    const kinds = d.prepare("SELECT v.name AS device, e.kind FROM counter_event e JOIN series s ON s.id = e.series JOIN device v ON v.id = s.device").all() as { device: string; kind: string }[];
    d.close();
    expect(kinds).toContainEqual({ device: 'r64', kind: 'uptime_wrap' });
    expect(kinds).toContainEqual({ device: 'r32', kind: 'reboot' });
    expect(kinds).toContainEqual({ device: 'r32', kind: 'wrap' });
    expect(BigInt(up.r64.inBytes)).toBeGreaterThan(10n ** 10n);
  });

  it('polls Debian snmpd over v2c and v3 authPriv', async () => {
    await until(() => stored('snmpd-v2').length > 0 && stored('snmpd-v3').length > 0, 30_000, 'snmpd samples');
    const st = await get<{ devices: { id: string; state: string; interfaces: { name: string }[] }[] }>('/api/v1/status');
    const by = Object.fromEntries(st.devices.map((d) => [d.id, d]));
    expect(by['snmpd-v2'].state).toBe('up');
    expect(by['snmpd-v3'].state).toBe('up');
    expect(by['snmpd-v3'].interfaces.map((i) => i.name)).toContain('lo');
  });

  it('shows a wrong SNMPv3 key as a clear error on that device, in /status and the log, while the others keep being polled', async () => {
    const st = await until(async () => {
      const s = await get<{ devices: { id: string; state: string; poll?: { error?: string; ts: number } }[] }>('/api/v1/status');
      return s.devices.find((d) => d.id === 'snmpd-badkey')?.state === 'error' ? s : undefined;
    }, 30_000, 'the bad key error in /status');
    const bad = st.devices.find((d) => d.id === 'snmpd-badkey')!;
    expect(bad.poll?.error).toMatch(/authKey|authentication/i);
    expect(agent.log()).toMatch(/snmpd-badkey/);
    expect(agent.log()).toMatch(/authKey|authentication/i);
    const before = stored('r64').length;
    await until(() => stored('r64').length > before, 15_000, 'another cycle of the good devices');
    expect(collector.child.exitCode).toBeNull();
    expect(agent.child.exitCode).toBeNull();
  });

  it('stops both processes cleanly on SIGTERM', async () => {
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(await collector.stop('SIGTERM')).toBe(0);
    expect(collector.log()).toMatch(/store closed/);
  });
});
