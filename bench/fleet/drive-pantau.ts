// Fleet driver (c): Pantau's own SNMP poller (agent/inputs/snmp), in two ways.
//  1. As the agent runs it: SnmpInput.gather() over all 1,000 devices per cycle, its limiter
//     keeping `concurrency` requests in flight. Cycle time, CPU and RSS come from here.
//  2. Device at a time, like the other two tools: pollDevice() on a reused session with
//     `concurrency` devices in flight. Per-device poll time (for the ratio) comes from here,
//     since in 1. a device's duration includes waiting for the limiter behind all others.
import { createLimiter } from '../../agent/concurrency.js';
import { SnmpInput } from '../../agent/inputs/snmp/index.js';
import { pollDevice } from '../../agent/inputs/snmp/poll.js';
import { openSession, type DeviceSession } from '../../agent/inputs/snmp/session.js';
import { UdpClient } from '../../agent/inputs/snmp/udp.js';
import { silentLogger } from '../../log/logger.js';
import type { AssignedDevice, Assignment } from '../../protocol/assignment.js';
import type { PollSample } from '../../protocol/samples.js';
import { cpuOf, resetPeak, rssOf } from '../harness/proc.js';
import { cpuDelta, parseArgs, quantiles, runCycle, watchedCpu, type CycleResult, type DriverOutput } from './cycle.js';

const args = parseArgs();
const intervalS = 60;
const snmp = { version: '2c' as const, community: 'public', timeoutMs: 3000, retries: 1 };
const devices: (AssignedDevice & { snmp: typeof snmp & { port: number } })[] = args.ports.map((port) => ({
  id: `rtr-${port}`,
  opd: 'bench',
  kind: 'router',
  address: '127.0.0.1',
  snmp: { ...snmp, port },
  ping: false,
}));
const assignment: Assignment = { agent: 'bench-agent', intervalSeconds: intervalS, devices, maxBodyBytes: 16 * 1024 * 1024 };
const rowsPerRequest = args.rowsPerRequest === undefined ? undefined : Number(args.rowsPerRequest);

// 1. The agent's way.
const baseline = rssOf('self').rss; // Node + tsx + modules, before any session exists
const input = new SnmpInput({ logger: silentLogger(), maxInFlight: args.concurrency, rowsPerRequest });
const gatherCycle = async (): Promise<CycleResult> => {
  const w0 = watchedCpu(args.watch);
  const c0 = cpuOf('self');
  const t0 = performance.now();
  const samples = await input.gather({ ts: Date.now(), intervalS, assignment });
  const seconds = (performance.now() - t0) / 1000;
  const c1 = cpuOf('self');
  const polls = samples.filter((s): s is PollSample => s.type === 'poll');
  const bad = polls.filter((p) => !p.ok);
  return {
    seconds,
    cpuSelf: c1.self - c0.self,
    cpuChildren: c1.children - c0.children,
    failures: bad.length + (devices.length - polls.length),
    values: samples.filter((s) => s.type === 'iface').length,
    deviceMs: quantiles(polls.map((p) => p.durationMs ?? NaN)),
    firstError: bad[0] ? `${bad[0].device}: ${bad[0].error}` : undefined,
    watchedCpu: cpuDelta(w0, watchedCpu(args.watch)),
  };
};
for (let i = 0; i < args.warmup; i++) await gatherCycle();
resetPeak('self');
const cycles: CycleResult[] = [];
for (let i = 0; i < args.cycles; i++) cycles.push(await gatherCycle());
const mem = rssOf('self');
const mu = process.memoryUsage();
input.close();

// 2. Device at a time.
const client = new UdpClient();
const sessions = new Map<number, DeviceSession>(devices.map((d) => [d.snmp.port, openSession(d, client)]));
const limiter = createLimiter(10_000); // no request limit: concurrency is per device here, as for the others
const one = async (port: number) => {
  const t0 = performance.now();
  const r = await pollDevice(`rtr-${port}`, sessions.get(port)!, limiter, intervalS, rowsPerRequest);
  return { ok: r.samples.length > 0, values: r.samples.length, toolMs: performance.now() - t0 };
};
await runCycle(args.ports, args.concurrency, one);
const perDevice: CycleResult[] = [];
for (let i = 0; i < args.cycles; i++) perDevice.push(await runCycle(args.ports, args.concurrency, one, args.watch));
client.close();

const out: DriverOutput = {
  cycles,
  rss: mem.rss,
  peakRss: mem.peak,
  perDevice,
  info: {
    baselineRssMiB: Math.round(baseline / 2 ** 20),
    rssAfterCyclesMiB: Math.round(mem.rss / 2 ** 20),
    heapUsedMiB: Math.round(mu.heapUsed / 2 ** 20),
    heapTotalMiB: Math.round(mu.heapTotal / 2 ** 20),
    externalMiB: Math.round(mu.external / 2 ** 20),
    columns: 5,
    rowsPerRequest: rowsPerRequest ?? 'default (10)',
    maxInFlight: args.concurrency,
  },
};
process.stdout.write(`${JSON.stringify(out)}\n`);
