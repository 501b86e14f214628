// The collector is killed with SIGKILL for two minutes while the agent runs; after it comes
// back, every sample taken meanwhile is stored, none twice.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../collector/storage/sqlite.js';
import { startSimRouter, type SimRouter } from '../../sim/snmp-router.js';
import { freeUdpPorts } from '../../sim/snmpd.js';
import { healthy, spawnPantau, until, writeConfig, type Proc } from '../helpers/processes.js';
import { AGENT_TOKEN, VIEWER_TOKEN } from '../helpers/collector.js';
import { storedSamples } from '../helpers/raw-samples.js';

const INTERVAL_S = 5;
const OUTAGE_MS = Number(process.env.PANTAU_TEST_OUTAGE_MS ?? 120_000);
const dir = mkdtempSync(join(tmpdir(), 'pantau-crash-'));
let router: SimRouter | undefined;
let ticker: NodeJS.Timeout | undefined;
const procs: Proc[] = [];

afterAll(async () => {
  if (ticker) clearInterval(ticker);
  for (const p of procs) await p.stop('SIGKILL');
  await router?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function samples(): { ts: number; in: bigint }[] {
  const d = openDatabase(join(dir, 'pantau.db'), { readonly: true });
  try {
    // Rows and chunks: a replayed spool merges as long runs, written as segments.
    return storedSamples(d, undefined, 'ether1').map((r) => ({ ts: r.ts, in: r.inOct }));
  } finally {
    d.close();
  }
}

describe('collector crash', () => {
  it('loses nothing the agent took while the collector was down for two minutes, and stores nothing twice', async () => {
    const [snmpPort] = await freeUdpPorts(1);
    const port = 20000 + Math.floor(Math.random() * 20000);
    router = await startSimRouter({ port: snmpPort, interfaces: [{ index: 1, name: 'ether1', bits: 64, inOctets: 5n * 10n ** 15n, outOctets: 1n, speedMbps: 1000, operUp: true }] });
    let v = 5n * 10n ** 15n;
    ticker = setInterval(() => router!.setCounters(1, (v += 12_345_678n), 1n), 250);
    const cfg = writeConfig(dir, 'collector.yaml', `
timezone: Asia/Jakarta
listen: 127.0.0.1:${port}
store: { sqlite: ${JSON.stringify(join(dir, 'pantau.db'))} }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} } ] }
agents: [ { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: ${INTERVAL_S}, poll: [r1] } ]
opds: [ { id: dinkes, name: Dinas Kesehatan, uplinks: [ { device: r1, interface: ether1 } ] } ]
devices: [ { id: r1, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: ${snmpPort}, timeoutMs: 1000 } } ]
`);
    const agentCfg = writeConfig(dir, 'agent.yaml', `id: a1\ncollector: http://127.0.0.1:${port}\ntoken: ${AGENT_TOKEN}\nspool: ${JSON.stringify(join(dir, 'spool'))}\n`);
    const url = `http://127.0.0.1:${port}`;

    let collector = spawnPantau(['collector', '--config', cfg]);
    procs.push(collector);
    await healthy(url);
    const agent = spawnPantau(['agent', '--config', agentCfg]);
    procs.push(agent);
    await until(() => samples().length >= 2, 30_000, 'two cycles stored');

    collector.child.kill('SIGKILL');
    expect(await collector.exited).toBeNull();
    const killedAt = Date.now();
    const before = samples();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    const restartedAt = Date.now();

    collector = spawnPantau(['collector', '--config', cfg]);
    procs.push(collector);
    await healthy(url);
    // Every cycle of the outage arrives (the agent may still be in its back-off when the
    // collector returns, and replays the backlog at a bounded rate): wait for a hole-free run
    // that reaches past the restart.
    const holes = (s: { ts: number }[]) => s.slice(1).filter((x, i) => x.ts - s[i].ts > INTERVAL_S * 1500).length;
    const all = await until(() => {
      const s = samples();
      return holes(s) === 0 && s[s.length - 1].ts > restartedAt + 2 * INTERVAL_S * 1000 ? s : undefined;
    }, 120_000, 'the spooled cycles to be replayed').catch(() => samples());

    expect(all.slice(0, before.length)).toEqual(before);
    const gaps = all.slice(1).map((x, i) => ({ at: x.ts - killedAt, gap: x.ts - all[i].ts })).filter((g) => g.gap > INTERVAL_S * 1500 || g.gap < INTERVAL_S * 500);
    expect(gaps, `gaps (ms after the kill; restart at ${restartedAt - killedAt}); agent log:\n${agent.log().slice(-3000)}`).toEqual([]);
    for (let i = 1; i < all.length; i++) {
      const gap = all[i].ts - all[i - 1].ts;
      // One sample per cycle: none missing (gap ≤ 1.5 intervals), none twice (gap ≥ 0.5 interval).
      expect(gap).toBeGreaterThanOrEqual(INTERVAL_S * 500);
      expect(gap).toBeLessThanOrEqual(INTERVAL_S * 1500);
      expect(all[i].in).toBeGreaterThan(all[i - 1].in);
    }
    const during = all.filter((x) => x.ts > killedAt && x.ts < restartedAt).length;
    expect(during).toBeGreaterThanOrEqual(OUTAGE_MS / 1000 / INTERVAL_S - 2);
    expect(during).toBeLessThanOrEqual(OUTAGE_MS / 1000 / INTERVAL_S + 1);
    expect(agent.child.exitCode).toBeNull();
    expect(await agent.stop('SIGTERM')).toBe(0);
    expect(await collector.stop('SIGTERM')).toBe(0);
  }, 30_000 + OUTAGE_MS + 120_000 + 60_000); // its own waits (two cycles, the outage, the replay) plus start and stop: the waits, not the harness, say what failed
});
