// Fleet driver (d): the whole Pantau agent (startAgent: assignment, scheduler, SNMP input,
// outbox, spool) polling the fleet and sending to a Pantau collector, both in the namespace.
// Runs `warmup + cycles` cycles at the assignment's interval, then waits for the outbox to
// drain and stops. Cycle times are read afterwards from the collector's store by the caller.
import { agentSchema } from '../../config/agent.js';
import { startAgent } from '../../agent/main.js';
import { silentLogger } from '../../log/logger.js';
import { cpuOf, resetPeak, rssOf, sleep } from '../harness/proc.js';
import { parseArgs } from './cycle.js';

const args = parseArgs();
const cfg = agentSchema.parse({ id: args.agent, collector: args.collector, token: args.token, spool: args.spool });
const intervalS = Number(args.intervalSeconds);
const agent = await startAgent(cfg, { logger: silentLogger(), ping: false, host: false, snmp: { maxInFlight: args.concurrency } });
const baseline = rssOf('self').rss;
const until = async (n: number) => {
  const end = Date.now() + (n + 2) * intervalS * 1000 + 30_000;
  while (agent.stats().cycles < n && Date.now() < end) await sleep(100);
};
await until(args.warmup);
resetPeak('self');
const c0 = cpuOf('self').self;
const t0 = performance.now();
await until(args.warmup + args.cycles);
// Let the last cycle's batches reach the collector (at most 30 s).
for (let i = 0; i < 300 && agent.stats().spool.batches > 0; i++) await sleep(100);
await sleep(1000);
const cpu = cpuOf('self').self - c0;
const seconds = (performance.now() - t0) / 1000;
const mem = rssOf('self');
const st = agent.stats();
await agent.stop();
process.stdout.write(
  `${JSON.stringify({ cycles: [], rss: mem.rss, peakRss: mem.peak, info: { cpuPerCycle: cpu / args.cycles, wallS: seconds, cyclesDone: st.cycles, baselineRssMiB: Math.round(baseline / 2 ** 20), sent: st.outbox.sent, spooled: st.outbox.spooled, dropped: st.outbox.dropped, spoolBatches: st.spool.batches } })}\n`,
);
