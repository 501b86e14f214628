// Issue 7's acceptance: one real `pantau agent` polls every device profile (sim/profiles) and
// two healthy routers against a real `pantau collector`. Every interface on /status with its
// name, speed and 32/64-bit choice; the healthy routers' usage exact to the byte; every quirky
// device shows its warnings (and only those); no batch refused, no sample refused or dropped;
// a renumbering reboot swaps no counters; the agent logs a device's warnings once, not per cycle.
import { openDatabase } from '../../collector/storage/sqlite.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monthOf } from '../../collector/accounting/months.js';
import type { UsageReport } from '../../protocol/usage.js';
import { PROFILES, profile, startProfile } from '../../sim/profiles/index.js';
import { startSimRouter, type SimRouter } from '../../sim/snmp-router.js';
import { freeUdpPorts } from '../../sim/snmpd.js';
import { AGENT_TOKEN, VIEWER_TOKEN } from '../helpers/collector.js';
import { healthy, spawnPantau, until, writeConfig, type Proc } from '../helpers/processes.js';
import { storedSamples } from '../helpers/raw-samples.js';

const dir = mkdtempSync(join(tmpdir(), 'pantau-profiles-'));
const routers = new Map<string, SimRouter>();
let collector: Proc;
let agent: Proc;
let url: string;
let ticker: NodeJS.Timeout | undefined;
const TWO32 = 1n << 32n;
const ISR = 'cisco-isr4331-renumber';
/** Per healthy router: every counter value served, in order, with the true bytes behind it. */
const served = { 'rtr-sehat-1': [] as { in: bigint; total: bigint }[], 'rtr-sehat-2': [] as { in: bigint; total: bigint }[] };
/** Per ISR interface name: every inOctets value it served (before and after the renumbering). */
const isrServed = new Map<string, Set<bigint>>();
let isrRebootedAt = 0;
/** The ISR's interfaces as the ticker moves them: current ifIndex, counter and step. */
let isrNow: Map<string, { index: number; in: bigint; step?: bigint }>;

beforeAll(async () => {
  const ports = await freeUdpPorts(PROFILES.length + 2);
  for (const [k, p] of PROFILES.entries()) routers.set(p.id, await startProfile(p, ports[k]));
  const h1 = await startSimRouter({ port: ports.at(-2)!, uptime: 10_000, interfaces: [{ index: 1, name: 'ether1', bits: 64, inOctets: (1n << 60n) + 5n, outOctets: 9n, speedMbps: 1000, operUp: true }] });
  const h2 = await startSimRouter({ port: ports.at(-1)!, uptime: 20_000, interfaces: [{ index: 3, name: 'ether1', bits: 32, inOctets: TWO32 - 30_000_000n, outOctets: 0n, speedMbps: 1000, operUp: true }] });
  routers.set('rtr-sehat-1', h1);
  routers.set('rtr-sehat-2', h2);

  // Every 100 ms: the healthy routers move (sehat-2 at 800 Mbit/s on 1 Gbit/s 32-bit counters:
  // a wrap every ~43 s); the ISR's ports move at 7, 1,000,003 and
  // 2,000,000,011 octets a tick, so a swapped value could not be one its own port served.
  const c = { h1: (1n << 60n) + 5n, t1: 0n, h2: TWO32 - 30_000_000n, t2: 0n };
  const STEP2 = 10_000_000n;
  served['rtr-sehat-1'].push({ in: c.h1, total: 0n });
  served['rtr-sehat-2'].push({ in: c.h2, total: 0n });
  const isr = profile(ISR);
  isrNow = new Map(isr.interfaces.map((i) => [i.expect.name, { index: i.index, in: i.inOctets, step: { 'Gi0/0/0': 7n, 'Gi0/0/1': 1_000_003n, 'Gi0/0/2': 2_000_000_011n }[i.expect.name] }]));
  for (const [n, x] of isrNow) isrServed.set(n, new Set([x.in]));
  ticker = setInterval(() => {
    c.h1 += 1_234_567n;
    c.t1 += 1_234_567n;
    h1.setCounters(1, c.h1, 9n);
    served['rtr-sehat-1'].push({ in: c.h1, total: c.t1 });
    c.h2 = (c.h2 + STEP2) % TWO32;
    c.t2 += STEP2;
    h2.setCounters(3, c.h2, 0n);
    served['rtr-sehat-2'].push({ in: c.h2, total: c.t2 });
    const r = routers.get(ISR)!;
    for (const [n, x] of isrNow) {
      if (!x.step) continue;
      x.in += x.step;
      r.setCounters(x.index, x.in, x.in + 1n);
      isrServed.get(n)!.add(x.in);
    }
  }, 100);
  const port = 20000 + Math.floor(Math.random() * 20000);
  url = `http://127.0.0.1:${port}`;
  const ids = [...routers.keys()];
  const portOf = new Map(ids.map((id, k) => [id, ports[k]]));
  const collectorFile = writeConfig(dir, 'collector.yaml', `
timezone: Asia/Jakarta
listen: 127.0.0.1:${port}
store: { sqlite: ${JSON.stringify(join(dir, 'pantau.db'))} }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} } ] }
agents: [ { id: a1, token: "\${AGENT_TOKEN}", intervalSeconds: 10, poll: [${ids.join(', ')}] } ]
opds:
  - { id: dinkes, name: Dinas Kesehatan, quota: { volumeGB: 1000000 }, uplinks: [ { device: rtr-sehat-1, interface: ether1 } ] }
  - { id: bappeda, name: Bappeda, quota: { volumeGB: 1000000 }, uplinks: [ { device: rtr-sehat-2, interface: ether1 } ] }
  - { id: diskominfo, name: Diskominfo, quota: { rateMbps: 1000 }, uplinks: [ { device: fortigate-100f, interface: wan1 }, { device: juniper-vmx-noifx, interface: "xe-0/0/9.10" } ] }
devices:
${ids.map((id) => `  - { id: ${id}, opd: ${id === 'rtr-sehat-1' ? 'dinkes' : id === 'rtr-sehat-2' ? 'bappeda' : 'diskominfo'}, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: ${portOf.get(id)}, timeoutMs: 1500 } }`).join('\n')}
`);
  const agentFile = writeConfig(dir, 'agent.yaml', `
id: a1
collector: ${url}
token: "\${AGENT_TOKEN}"
spool: ${JSON.stringify(join(dir, 'spool'))}
`);
  collector = spawnPantau(['collector', '--config', collectorFile], { AGENT_TOKEN });
  await healthy(url);
  agent = spawnPantau(['agent', '--config', agentFile], { AGENT_TOKEN });
}, 60_000);

afterAll(async () => {
  if (ticker) clearInterval(ticker);
  await agent?.stop();
  await collector?.stop();
  await Promise.all([...routers.values()].map((r) => r.stop()));
  rmSync(dir, { recursive: true, force: true });
});

interface StatusDevice { id: string; state: string; warnings: string[]; interfaces: { name: string; speedBps?: number; bits: number }[] }
const get = async <T>(path: string) => (await (await fetch(url + path, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } })).json()) as T;
const status = async () => new Map((await get<{ devices: StatusDevice[] }>('/api/v1/status')).devices.map((d) => [d.id, d]));
function stored(device: string, iface: string): { ts: number; in: bigint }[] {
  const d = openDatabase(join(dir, 'pantau.db'), { readonly: true });
  try {
    return storedSamples(d, device, iface).map((r) => ({ ts: r.ts, in: r.inOct })); // rows and chunks
  } finally {
    d.close();
  }
}
const byName = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

describe('one agent polls every device profile and two healthy routers', () => {
  it('shows every interface of every profile on /status with its name, speed and 32/64-bit choice, and each quirky device its warnings', { timeout: 180_000 }, async () => {
    const st = await until(async () => {
      const s = await status();
      return [...routers.keys()].every((id) => (s.get(id)?.interfaces.length ?? 0) > 0 && s.get(id)?.state !== 'error') ? s : undefined;
    }, 150_000, 'every device polled and on /status');
    for (const p of PROFILES) {
      const d = st.get(p.id)!;
      const want = byName(p.interfaces.map((i) => ({ name: i.expect.name, speedBps: i.expect.speedBps, bits: i.expect.bits })));
      expect(byName(d.interfaces.map((i) => ({ name: i.name, speedBps: i.speedBps, bits: i.bits }))), p.id).toEqual(want);
      for (const w of p.warnings) expect(d.warnings, `${p.id}: ${w}`).toContainEqual(expect.stringMatching(new RegExp(w)));
      if (p.id !== ISR) expect(d.warnings, p.id).toHaveLength(p.warnings.length);
      expect(d.state, p.id).toBe(p.warnings.length > 0 ? 'warning' : 'up');
    }
    for (const id of ['rtr-sehat-1', 'rtr-sehat-2']) expect(st.get(id)).toMatchObject({ state: 'up', warnings: [] });
    expect(st.get('rtr-sehat-2')!.interfaces).toEqual([expect.objectContaining({ name: 'ether1', bits: 32, speedBps: 1e9 })]);
  });

  it("never swaps two interfaces' counters when the ISR's reboot renumbers its ifIndex, and says so on /status", { timeout: 180_000 }, async () => {
    await until(() => stored(ISR, 'Gi0/0/0').length >= 1, 60_000, 'a first ISR sample');
    // The reboot: counters from 0, ifIndex renumbered (Gi0/0/0 from 1 to 3, ...).
    const isr = profile(ISR);
    routers.get(ISR)!.reboot(isr.renumberOnReboot);
    for (const [n, x] of isrNow) {
      x.index = isr.renumberOnReboot!(x.index);
      x.in = 0n;
      isrServed.get(n)!.add(0n);
    }
    isrRebootedAt = Date.now();
    await until(() => stored(ISR, 'Gi0/0/0').filter((x) => x.ts > isrRebootedAt).length >= 2, 90_000, 'two ISR cycles after its reboot');
    for (const name of ['Gi0/0/0', 'Gi0/0/1', 'Gi0/0/2']) {
      const s = stored(ISR, name);
      const foreign = s.filter((x) => !isrServed.get(name)!.has(x.in));
      expect(foreign, name).toEqual([]);
    }
    const d = (await status()).get(ISR)!;
    expect(d.warnings).toContainEqual(expect.stringMatching(/^ifIndex renumbered at the reboot .*Gi0\/0\/0 1→3/));
    expect(d.state).toBe('warning');
  });

  it("stores the healthy routers' usage exact to the byte", { timeout: 180_000 }, async () => {
    // Until the 32-bit counter has wrapped between two stored samples (every ~43 s).
    await until(() => stored('rtr-sehat-2', 'ether1').some((x, k, all) => k > 0 && x.in < all[k - 1].in), 120_000, 'a wrap of the 32-bit counter');
    const { u, s1, s2 } = await until(async () => {
      const b1 = stored('rtr-sehat-1', 'ether1');
      const b2 = stored('rtr-sehat-2', 'ether1');
      const months = [...new Set([...b1, ...b2].map((x) => monthOf(x.ts, 'Asia/Jakarta')))];
      const u = await Promise.all(months.map((m) => get<UsageReport>(`/api/v1/usage?month=${m}`)));
      const a1 = stored('rtr-sehat-1', 'ether1');
      const a2 = stored('rtr-sehat-2', 'ether1');
      return a1.length === b1.length && a2.length === b2.length ? { u, s1: a1, s2: a2 } : undefined;
    }, 30_000, 'a quiet moment between cycles');
    const used = (opd: string) => u.flatMap((r) => r.opds.filter((o) => o.opd === opd)).reduce((sum, o) => sum + BigInt(o.uplinks[0].inBytes), 0n);
    const truth = (list: { in: bigint; total: bigint }[], s: { in: bigint }[]) => {
      const first = list.findIndex((x) => x.in === s[0].in);
      const last = list.findIndex((x, k) => k >= first && x.in === s.at(-1)!.in);
      expect(first).toBeGreaterThanOrEqual(0);
      expect(last).toBeGreaterThan(first);
      return list[last].total - list[first].total;
    };
    expect(used('dinkes')).toBe(truth(served['rtr-sehat-1'], s1));
    expect(used('bappeda')).toBe(truth(served['rtr-sehat-2'], s2));
    expect(s2.some((x, k) => k > 0 && x.in < s2[k - 1].in)).toBe(true); // the 32-bit counter wrapped, and was counted as a wrap
  });

  it('refuses no batch and no sample, drops nothing, and logs a device\'s warnings once, not every cycle', async () => {
    const m = await (await fetch(url + '/metrics')).text();
    expect(m).toMatch(/pantau_ingest_batches_total\{result="stored"\} [1-9]/);
    expect(m).not.toMatch(/result="(invalid|forbidden|stored_in_part)"/);
    expect(m).toMatch(/^pantau_ingest_samples_refused_total 0$/m);
    expect(m).toMatch(/^pantau_ingest_fields_set_aside_total 0$/m);
    const log = agent.log();
    expect(log).not.toMatch(/"msg":"[^"]*(dropped|refused)/);
    const fortigateWarnings = log.split('\n').filter((l) => l.includes('"device":"fortigate-100f"') && l.includes('poll warnings'));
    expect(fortigateWarnings).toHaveLength(1);
    expect(collector.child.exitCode).toBeNull();
    expect(agent.child.exitCode).toBeNull();
  });
});
