// Fleet driver (d): the real `pantau agent` command (bin/pantau.js, as an operator runs it)
// polling the fleet and sending to a Pantau collector, both in the namespace. Runs
// `warmup + cycles` cycles at the assignment's interval, then stops the agent with SIGTERM.
// Its CPU and peak RSS are read from /proc; cycle times are read afterwards from the
// collector's store by the caller.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuOf, resetPeak, rssOf, sleep } from '../harness/proc.js';
import { parseArgs } from './cycle.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const args = parseArgs();
const intervalS = Number(args.intervalSeconds);
const file = join(String(args.spool), '..', `agent-${process.pid}.yaml`);
writeFileSync(file, `id: ${args.agent}\ncollector: ${args.collector}\ntoken: ${args.token}\nspool: ${JSON.stringify(args.spool)}\n`);
const child = spawn(process.execPath, [join(ROOT, 'bin/pantau.js'), 'agent', '--config', file], {
  cwd: ROOT,
  env: { ...process.env, PANTAU_LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr!.on('data', (c) => (stderr = (stderr + c).slice(-4000)));
const pid = child.pid!;
// Let it start, fetch its assignment and run the warm-up cycles.
await sleep(3000 + args.warmup * intervalS * 1000);
const startMem = rssOf(pid);
const baseline = startMem.rss;
const warmupPeak = startMem.peak; // start, assignment, warm-up cycle
resetPeak(pid);
const c0 = cpuOf(pid).self;
const t0 = performance.now();
await sleep(args.cycles * intervalS * 1000 + 2000);
const cpu = cpuOf(pid).self - c0;
const seconds = (performance.now() - t0) / 1000;
const mem = rssOf(pid);
child.kill('SIGTERM');
const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
if (code !== 0) throw new Error(`pantau agent exited ${code}: ${stderr}`);
process.stdout.write(
  `${JSON.stringify({ cycles: [], rss: mem.rss, peakRss: mem.peak, info: { cpuPerCycle: cpu / args.cycles, wallS: seconds, cyclesDone: args.warmup + args.cycles, baselineRssMiB: Math.round(baseline / 2 ** 20), warmupPeakRssMiB: Math.round(warmupPeak / 2 ** 20), process: 'pantau agent (bin/pantau.js, bundled)' } })}\n`,
);
