// The whole agent against real peers on loopback: the real collector (in this process, its
// store read back), the simulated router, fping, this machine's host metrics; then an outage,
// a SIGTERM-style stop and a restart. The collector's own duplicate count shows a resend that a
// fake peer would hide.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgent } from '../../agent/main.js';
import { startCollector, type Collector } from '../../collector/main.js';
import type { AgentConfig } from '../../config/agent.js';
import { parseCollectorConfig } from '../../config/collector.js';
import { silentLogger } from '../../log/logger.js';
import { startSimRouter, type SimRouter } from '../../sim/snmp-router.js';
import { freeUdpPorts } from '../../sim/snmpd.js';
import { AGENT_TOKEN, VIEWER_TOKEN } from '../helpers/collector.js';
import { freeTcpPort, until } from '../helpers/processes.js';
import { storedSamples } from '../helpers/raw-samples.js';

let sim: SimRouter;
let dir: string;
let port: number;
let snmpPort: number;

/** A collector on the test's fixed port over the store in `dir` (kept across restarts). */
function collector(): Promise<Collector> {
  const cfg = parseCollectorConfig(
    'agent-e2e.yaml',
    `
timezone: Asia/Jakarta
listen: 127.0.0.1:${port}
store: { sqlite: ${JSON.stringify(join(dir, 'pantau.db'))} }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER_TOKEN} } ] }
agents: [ { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 5, poll: [rtr-dinkes, srv-app] } ]
opds: [ { id: dinkes, name: Dinas Kesehatan, uplinks: [ { device: rtr-dinkes, interface: ether1 } ] } ]
devices:
  - { id: rtr-dinkes, opd: dinkes, kind: router, address: 127.0.0.1, ping: true, snmp: { version: 2c, community: public, port: ${snmpPort}, timeoutMs: 3000, retries: 1 } }
  - { id: srv-app, opd: dinkes, kind: server, address: 127.0.0.2, ping: true }
`,
  );
  return startCollector(cfg, { logger: silentLogger(), background: false });
}

beforeAll(async () => {
  [snmpPort] = await freeUdpPorts(1);
  port = await freeTcpPort();
  sim = await startSimRouter({
    port: snmpPort,
    interfaces: [{ index: 1, name: 'ether1', bits: 64, inOctets: (1n << 62n) + 7n, outOctets: 9n, speedMbps: 100, operUp: true }],
  });
  dir = mkdtempSync(join(tmpdir(), 'pantau-agent-'));
});
afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const config = (): AgentConfig => ({ id: 'a1', collector: `http://127.0.0.1:${port}`, token: AGENT_TOKEN, spool: join(dir, 'spool'), spoolMaxMB: 64, backupWatch: [] });
const rows = (c: Collector, sql: string, ...args: unknown[]) => c.store.db.prepare(sql).all(...args) as Record<string, unknown>[];
/** Batch ids in the agent's spool folder, as the spool names its files (SEQ.N.BATCH.json.gz). */
const spooled = () =>
  ['events', 'samples'].flatMap((cls) => {
    try {
      return readdirSync(join(dir, 'spool', 'batches', cls)).map((f) => f.split('.').slice(2, -2).join('.'));
    } catch {
      return [];
    }
  });
const stored = (c: Collector) => new Set(rows(c, "SELECT batch FROM ingest_batch WHERE agent = 'a1'").map((r) => r.batch as string));
/** Batches the collector answered as already stored (a resend), from its /metrics. */
async function resends(c: Collector): Promise<number> {
  const text = await (await fetch(`${c.url}/metrics`)).text();
  const m = /^pantau_ingest_batches_total\{result="duplicate"\} (\d+)$/m.exec(text);
  expect(text).toMatch(/^pantau_ingest_batches_total\{result="stored"\} \d+$/m);
  // The agent says how full its spool is with every batch (X-Pantau-Spool-Bytes).
  expect(text).toMatch(/^pantau_agent_spool_bytes\{agent="a1"\} \d+$/m);
  return m ? Number(m[1]) : 0;
}

describe('agent', () => {
  it('waits for the collector, then polls its assignment and delivers every kind of sample', async () => {
    // No collector listens yet: the agent has no assignment and waits for one.
    const agent = await startAgent(config(), { logger: silentLogger(), ping: { count: 1, timeoutMs: 300 } });
    const c = await collector();
    try {
      const kinds = () => ({
        iface: storedSamples(c.store.db),
        poll: rows(c, "SELECT p.ok FROM poll_result p JOIN device d ON d.id = p.device WHERE d.name = 'rtr-dinkes'"),
        ping: rows(c, 'SELECT DISTINCT d.name FROM ping_sample p JOIN device d ON d.id = p.device ORDER BY d.name'),
        host: rows(c, 'SELECT d.name FROM host_sample h JOIN device d ON d.id = h.device'),
      });
      const got = await until(() => {
        const k = kinds();
        return k.iface.length && k.poll.length && k.ping.length === 2 && k.host.length ? k : undefined;
      }, 60_000, 'every kind of sample in the store');
      await agent.stop();
      const [iface] = storedSamples(c.store.db);
      expect([iface.inOct, iface.outOct, iface.interface]).toEqual([(1n << 62n) + 7n, 9n, 'ether1']);
      expect(rows(c, "SELECT speed, bits FROM iface_state")).toEqual([{ speed: 1e8, bits: 64 }]);
      expect(got.poll[0]).toEqual({ ok: 1 });
      expect(got.ping.map((r) => r.name)).toEqual(['rtr-dinkes', 'srv-app']);
      expect(got.host[0]).toEqual({ name: 'a1' });
      for (const b of stored(c)) expect(b).toMatch(/^a1-\d+-\d+$/);
    } finally {
      await agent.stop();
      await c.stop();
    }
  }, 180_000);

  it('spools through an outage, loses nothing at stop, and a restarted agent replays each batch once', async () => {
    // The first test's agent was stopped with a batch possibly in flight: stop() aborts it and
    // keeps it spooled (at least once), though the collector may have stored it. This test counts
    // its own outage's batches, so it starts from an empty queue (the cached assignment stays).
    rmSync(join(dir, 'spool', 'batches'), { recursive: true, force: true });
    // The collector is down: every batch of three cycles goes to the spool.
    const first = await startAgent(config(), { logger: silentLogger(), ping: false });
    await until(() => (first.stats().cycles >= 3 ? true : undefined), 90_000, 'three cycles');
    await first.stop();
    const outage = spooled();
    expect(first.stats().spool.batches).toBe(outage.length);
    expect(outage.length).toBeGreaterThanOrEqual(6); // events + samples per cycle
    expect(first.stats().spool.droppedBatches).toBe(0);

    const c = await collector();
    const before = stored(c);
    expect(outage.filter((b) => before.has(b))).toEqual([]);
    const second = await startAgent(config(), { logger: silentLogger(), ping: false, replayPerSecond: 50 });
    try {
      await until(() => (outage.every((b) => stored(c).has(b)) ? true : undefined), 60_000, 'the outage batches replayed');
      const t0 = Date.now();
      await until(() => (storedSamples(c.store.db).some((x) => x.ts >= t0) ? true : undefined), 60_000, 'a new cycle after the replay');
    } finally {
      await second.stop();
    }
    // Every batch either reached the store or waits in the spool; none did both, none came twice.
    const after = stored(c);
    const left = spooled();
    expect(left.filter((b) => after.has(b))).toEqual([]);
    expect(second.stats().spool.batches).toBe(left.length);
    expect(second.stats().spool.droppedBatches).toBe(0);
    expect(await resends(c)).toBe(0);
    // Replayed: the outage's batches, and any of its own the second agent spooled and sent later.
    const o = second.stats().outbox;
    expect(o.replayed).toBe(outage.length + o.spooled - left.length);
    await c.stop();
  }, 300_000);
});
