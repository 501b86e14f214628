// The agent's composition root: assignment → scheduler → inputs (snmp, ping, host) → batches
// → outbox (sender + spool). Each cycle's samples become two batches: `events` (poll
// outcomes, backups) and `samples`, which the spool keeps in separate priority classes.
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { AgentConfig } from '../config/agent.js';
import { createLogger, type Logger } from '../log/logger.js';
import type { Assignment } from '../protocol/assignment.js';
import type { IngestBatch, Sample } from '../protocol/samples.js';
import { AssignmentSource } from './assignment.js';
import { withTimeout } from './concurrency.js';
import { collectGarbage } from './memory.js';
import { backupWatchOptions, startBackupWatch, type BackupWatchOptions } from './inputs/backup-watch/index.js';
import { HostInput, type HostInputOptions } from './inputs/host/index.js';
import type { CycleContext, Input } from './inputs/input.js';
import { PingInput, type PingInputOptions } from './inputs/ping/index.js';
import { SnmpInput, type SnmpInputOptions } from './inputs/snmp/index.js';
import { startScheduler, type Tick } from './scheduler.js';
import { Spool } from './spool/spool.js';
import { Outbox } from './transport/outbox.js';
import { Sender } from './transport/sender.js';
import { loadTrust } from './transport/http.js';
import { isLoopback } from '../config/loopback.js';

export interface AgentOptions {
  logger?: Logger;
  /** Device id for this machine's host metrics (default cfg.hostDevice ?? cfg.id). */
  hostDevice?: string;
  /** Refresh the assignment every this many cycles (default 5). */
  refreshEveryCycles?: number;
  /** How long stop() waits for a running cycle, ms (default 10 000). */
  stopTimeoutMs?: number;
  /** Per-input tuning (tests, benchmarks). */
  snmp?: Partial<SnmpInputOptions>;
  ping?: Partial<PingInputOptions> | false;
  host?: Partial<HostInputOptions> | false;
  /** Backup-watch tuning (tests: settle time, scan interval). */
  backupWatch?: Partial<Pick<BackupWatchOptions, 'settleMs' | 'scanEveryMs' | 'maxAgeMs'>>;
  /** Spool replay rate, batches per second (default 5). */
  replayPerSecond?: number;
}

export interface AgentHandle {
  /** Stops polling, spools every batch not yet acknowledged, closes sessions. */
  stop(): Promise<void>;
  /** Counters for tests and /metrics-style introspection. */
  stats(): { cycles: number; outbox: Outbox['counters']; spool: ReturnType<Spool['stats']>; assignment: Assignment };
}

const EVENT_TYPES = new Set<Sample['type']>(['poll', 'backup']);

export async function startAgent(cfg: AgentConfig, opts: AgentOptions = {}): Promise<AgentHandle> {
  const log = (opts.logger ?? createLogger()).child({ agent: cfg.id });
  const spoolDir = resolve(cfg.spool);
  await mkdir(spoolDir, { recursive: true });
  const spool = await Spool.open({ dir: join(spoolDir, 'batches'), maxBytes: cfg.spoolMaxMB * 1024 * 1024, logger: log });

  const trust = loadTrust(cfg.tls);
  const target = new URL(cfg.collector);
  if (target.protocol === 'http:' && !isLoopback(`${target.hostname}:0`))
    log.warn({ collector: cfg.collector }, 'the collector is reached over plain HTTP on the network: the token and the assignment (SNMP credentials) cross it in clear; use https:// with tls: { ca } or { fingerprint }');

  let assignment: Assignment;
  const source = new AssignmentSource({
    cfg,
    tls: trust,
    cachePath: join(spoolDir, 'assignment.json'),
    logger: log,
    onChange: (a) => {
      assignment = a;
      scheduler?.setInterval(a.intervalSeconds * 1000);
      log.info({ devices: a.devices.length, intervalSeconds: a.intervalSeconds }, 'assignment updated');
    },
  });
  assignment = await source.initial();

  const sender = new Sender({ collector: cfg.collector, token: cfg.token, logger: log, maxBodyBytes: () => assignment.maxBodyBytes, tls: trust, spoolBytes: () => spool.stats().bytes });
  const outbox = new Outbox({ sender, spool, logger: log, replayPerSecond: opts.replayPerSecond });
  outbox.start();

  const inputs: Input[] = [new SnmpInput({ logger: log, ...opts.snmp })];
  if (opts.ping !== false) inputs.push(new PingInput({ logger: log, ...opts.ping }));
  if (opts.host !== false) {
    inputs.push(new HostInput({ logger: log, device: opts.hostDevice ?? cfg.hostDevice ?? cfg.id, ...opts.host }));
  }

  const startEpochMs = Date.now();
  let seq = 0;
  let cycles = 0;
  const newBatch = (samples: Sample[]): IngestBatch => ({ agent: cfg.id, batch: `${cfg.id}-${startEpochMs}-${++seq}`, samples });
  const backups = startBackupWatch({ ...backupWatchOptions(cfg), stateFile: join(spoolDir, 'backup-watch.json'), logger: log, emit: (s) => outbox.submit(newBatch(s), 'events'), ...opts.backupWatch });

  const cycle = async (tick: Tick): Promise<void> => {
    const a = assignment;
    const ctx: CycleContext = { ts: tick.scheduledAt, intervalS: a.intervalSeconds, assignment: a };
    const gathered = await Promise.all(
      inputs.map((input) =>
        // An input never throws by contract; if one does anyway, the others' samples still go.
        withTimeout(input.gather(ctx), a.intervalSeconds * 1000, `${input.name}: gather did not finish within the interval`).catch(
          (err: unknown) => {
            log.error({ input: input.name, err: String(err) }, 'input failed this cycle; the others go on');
            return [] as Sample[];
          },
        ),
      ),
    );
    const all = gathered.flat();
    const events = all.filter((s) => EVENT_TYPES.has(s.type));
    const samples = all.filter((s) => !EVENT_TYPES.has(s.type));
    if (events.length > 0) void outbox.submit(newBatch(events), 'events');
    if (samples.length > 0) void outbox.submit(newBatch(samples), 'samples');
    cycles++;
    collectGarbage();
    log.debug({ k: tick.k, events: events.length, samples: samples.length }, 'cycle done');
    if (cycles % (opts.refreshEveryCycles ?? 5) === 0) void source.refresh();
  };

  let scheduler: ReturnType<typeof startScheduler> | undefined;
  scheduler = startScheduler({ intervalMs: assignment.intervalSeconds * 1000, run: cycle, logger: log });
  log.info({ devices: assignment.devices.length, intervalSeconds: assignment.intervalSeconds, spool: spool.stats() }, 'agent started');

  return {
    async stop() {
      source.stop();
      await backups.stop();
      const waited = await Promise.race([
        scheduler!.stop().then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), opts.stopTimeoutMs ?? 10_000).unref()),
      ]);
      if (!waited) log.warn('a cycle was still running at stop; its samples are lost');
      await outbox.stop();
      for (const i of inputs) await i.close?.();
      spool.close(); // writes the pending loss summary
      log.info({ spool: spool.stats(), counters: outbox.counters }, 'agent stopped; unsent batches are in the spool');
    },
    stats: () => ({ cycles, outbox: outbox.counters, spool: spool.stats(), assignment }),
  };
}
