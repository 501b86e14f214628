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
// Compressed time: collector time = t0 + (real time - t0) × speed, so the benchmark knows it too.
const t0 = o.t0 ?? Date.now();
const now = o.speed ? () => t0 + (Date.now() - t0) * o.speed! : Date.now;
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
// Firing alerts for the wall's problems list: `alerts` of them at the start (each OPD's first
// server, critical and warning in turn); with `alertEveryMs` (collector time), one more fires
// that often and the one from `alertLifeMs` before resolves (the day on the wall).
const server = (k: number) => f.devices[(5 * o.opds + k) % f.devices.length];
const fire = (k: number) =>
  collector.alerts.fire({ key: `bench:${k}`, kind: 'device_down', severity: k % 3 ? 'warning' : 'critical', opd: server(k).opd, device: server(k).id, summary: `${server(k).id} tidak menjawab ping` }, now() - (k % 90) * 60_000);
for (let k = 0; k < (o.alerts ?? 0); k++) fire(k);
if (o.alertEveryMs) {
  let k = o.alerts ?? 0;
  setInterval(() => {
    fire(k);
    const old = k - Math.round((o.alertLifeMs ?? 30 * 60_000) / o.alertEveryMs!);
    if (old >= 0) collector.alerts.resolve(`bench:${old}`, now());
    k++;
  }, o.alertEveryMs / (o.speed ?? 1));
}
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
