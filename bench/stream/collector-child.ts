// A Pantau collector in its own process for the stream and wall benchmarks: 60 OPDs, 2,000
// devices (5 routers per OPD, the rest servers, ~33 per OPD) polled by one agent every 60 s, a
// viewer (the walls) and an operator. argv[2]: JSON WallChildOptions. With `speed`, the
// collector's clock runs `speed` times faster than real time from `t0` (a day in minutes), and
// the stream's heartbeat is sent every `heartbeatMs / speed` real ms so that the wall, whose own
// clock is compressed alike, sees one every `heartbeatMs` of its time. Prints one JSON line
// {url} when listening; SIGTERM stops it cleanly.
import { collectorSchema } from '../../config/collector.js';
import { startCollector } from '../../collector/main.js';
import { silentLogger } from '../../log/logger.js';
import { fleet, type WallChildOptions } from './fleet.js';

const o = JSON.parse(process.argv[2]) as WallChildOptions;
const f = fleet(o.opds, o.devices);
const start = Date.now();
const now = o.speed ? () => o.t0! + (Date.now() - start) * o.speed! : Date.now;
const config = collectorSchema.parse({
  timezone: 'Asia/Jakarta',
  listen: '127.0.0.1:0',
  store: { sqlite: o.sqlite },
  // A thousand displays on one loopback address: the defaults (768 connections, 256 per address, 50 requests/s per address) are for the field.
  limits: { maxConnections: 4096, maxConnectionsPerAddress: 4096, ratePerAddress: 100_000, ratePerToken: 100_000 },
  auth: { users: [{ name: 'wall', role: 'viewer', token: f.viewerToken }, { name: 'budi', role: 'operator', token: f.operatorToken }] },
  agents: [{ id: f.agent, token: f.agentToken, poll: f.devices.map((d) => d.id), intervalSeconds: 60 }],
  opds: f.opds.map((x) => ({ id: x.id, name: x.name, quota: { volumeGB: 100 }, uplinks: [{ device: x.router, interface: 'ether1' }] })),
  devices: f.devices.map((d) => ({
    id: d.id,
    opd: d.opd,
    kind: d.kind,
    address: d.address,
    ...(d.kind === 'router' ? { snmp: { version: '2c', community: 'public' } } : {}),
  })),
});
const collector = await startCollector(config, {
  logger: silentLogger(),
  listen: '127.0.0.1:0',
  now,
  ...(o.coalesceMs !== undefined ? { stream: { coalesceMs: o.coalesceMs } } : {}),
});
// Compressed time: the snapshot still says heartbeatMs = 30 s (the page's stall watchdog is three
// of them, in its compressed time), so the heartbeat itself comes `speed` times as often.
if (o.speed) setInterval(() => collector.stream.hub.heartbeat(now()), collector.stream.heartbeatMs / o.speed);
process.stdout.write(`${JSON.stringify({ url: collector.url })}\n`);
process.once('SIGTERM', () => {
  void collector.stop().then(
    () => process.exit(0),
    (e) => {
      process.stderr.write(`collector stop failed: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
});
