// The whole agent against real peers on loopback: an HTTP collector, the simulated router,
// fping, this machine's host metrics; then an outage, a SIGTERM-style stop and a restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/main.js';
import type { AgentConfig } from '../../config/agent.js';
import { silentLogger } from '../../log/logger.js';
import type { Assignment } from '../../protocol/assignment.js';
import { startSimRouter, type SimRouter } from '../../sim/snmp-router.js';
import { freeUdpPorts } from '../../sim/snmpd.js';
import { startCollectorPeer, type CollectorPeer } from './collector-peer.js';

const TOKEN = 'agent-token-0123456789';
let peer: CollectorPeer;
let sim: SimRouter;
let dir: string;
let assignment: Assignment;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!cond() && Date.now() - t0 < ms) await sleep(25);
}

beforeAll(async () => {
  const [port] = await freeUdpPorts(1);
  sim = await startSimRouter({
    port,
    interfaces: [{ index: 1, name: 'ether1', bits: 64, inOctets: (1n << 62n) + 7n, outOctets: 9n, speedMbps: 100, operUp: true }],
  });
  peer = await startCollectorPeer(TOKEN);
  dir = mkdtempSync(join(tmpdir(), 'pantau-agent-'));
  assignment = {
    agent: 'a1',
    intervalSeconds: 1,
    maxBodyBytes: 1_000_000,
    devices: [
      { id: 'rtr-dinkes', opd: 'dinkes', kind: 'router', address: '127.0.0.1', ping: true, snmp: { version: '2c', community: 'public', port, timeoutMs: 300, retries: 0 } },
      { id: 'srv-app', opd: 'dinkes', kind: 'server', address: '127.0.0.2', ping: true },
    ],
  };
});
afterAll(async () => {
  await peer?.close();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = (): AgentConfig => ({ id: 'a1', collector: peer.url, token: TOKEN, spool: join(dir, 'spool'), spoolMaxMB: 64, backupWatch: [] });
const all = () => peer.received.flatMap((r) => r.samples);

describe('agent', () => {
  it('waits for the collector, then polls its assignment and delivers every kind of sample', async () => {
    peer.assignment = undefined; // the collector has nothing yet: 503 on the assignment
    const agent = await startAgent(config(), { logger: silentLogger(), ping: { count: 1, timeoutMs: 300 } });
    await sleep(300);
    peer.assignment = assignment;
    // Poll outcomes travel in their own (events) batch: wait for both batches of a cycle.
    await until(() => all().some((s) => s.type === 'iface') && all().some((s) => s.type === 'ping') && all().some((s) => s.type === 'poll'), 8000);
    await agent.stop();
    const iface = all().find((s) => s.type === 'iface');
    expect(iface).toMatchObject({ device: 'rtr-dinkes', interface: 'ether1', inOctets: ((1n << 62n) + 7n).toString(), bits: 64, speedBps: 1e8 });
    expect(all().find((s) => s.type === 'poll')).toMatchObject({ device: 'rtr-dinkes', ok: true });
    expect(all().filter((s) => s.type === 'ping').map((s) => s.device)).toEqual(expect.arrayContaining(['rtr-dinkes', 'srv-app']));
    expect(all().find((s) => s.type === 'host')).toMatchObject({ device: 'a1' });
    for (const r of peer.received) expect(r.batch).toMatch(/^a1-\d+-\d+$/);
  });

  it('spools through an outage, loses nothing at stop, and a restarted agent replays it', async () => {
    peer.received.length = 0;
    peer.stored.clear();
    peer.script = () => ({ status: 503, body: { error: 'store unavailable' }, headers: { 'retry-after': '30' } });
    const first = await startAgent(config(), { logger: silentLogger(), ping: false });
    await until(() => first.stats().cycles >= 3, 6000);
    await first.stop();
    const spooled = first.stats().spool.batches;
    expect(spooled).toBeGreaterThanOrEqual(4); // events + samples per cycle
    expect(peer.received).toHaveLength(0);

    // The collector is back but has lost its assignment: the cached copy keeps polling going.
    peer.script = () => undefined;
    peer.assignment = undefined;
    const t0 = Date.now();
    const second = await startAgent(config(), { logger: silentLogger(), ping: false, replayPerSecond: 50 });
    await until(() => peer.received.filter((r) => Number(r.batch.split('-')[1]) < t0).length >= spooled, 8000);
    const replayed = peer.received.filter((r) => Number(r.batch.split('-')[1]) < t0);
    expect(replayed).toHaveLength(spooled);
    await until(() => peer.received.some((r) => Number(r.batch.split('-')[1]) >= t0 && r.samples.some((s) => s.type === 'iface')), 4000);
    await second.stop();
    expect(second.stats().spool.batches).toBe(0);
  });
});
