// The collector's composition root: store, HTTP API, rollup and schedules, started and
// stopped in order. `stop()` closes the listener first, then flushes and closes the store.
import type { CollectorConfig } from '../config/collector.js';
import { createLogger, type Logger } from '../log/logger.js';
import { Auth } from './api/auth.js';
import { Metrics } from './api/metrics.js';
import { createServer, TLS_CONTEXT } from './api/server.js';
import { readTls, reloadTls } from './api/tls.js';
import type { Server as TlsServer } from 'node:tls';
import { isLoopback } from '../config/loopback.js';
import { registerAssignment } from './agents/route.js';
import { registerIngest, type IngestRoute } from './ingest/route.js';
import { afterIdle } from './ingest/idle.js';
import { registerStatus } from './status/route.js';
import { registerUsage } from './usage/route.js';
import { UsageService } from './usage/service.js';
import { localDayStart } from './usage/day-cache.js';
import { AlertStore } from './rules/alert-store.js';
import { ClockSkew } from './rules/clock-skew.js';
import { BandwidthRules } from './rules/bandwidth.js';
import { registerAlerts } from './rules/route.js';
import { Alerting } from './alerts/index.js';
import { registerSilences } from './alerts/route.js';
import { ReportScheduler } from './report/schedule.js';
import { withUptime } from './report/uptime-section.js';
import { SqliteReportLedger } from './storage/report-ledger.js';
import { BackupService } from './backups/service.js';
import { BackupRules } from './backups/rules.js';
import { registerBackups } from './backups/route.js';
import { withBackups } from './report/backups-section.js';
import { IDLE_QUIET_MS, Store } from './storage/store.js';
import { Rollup } from './storage/rollup.js';
import { StreamFeed, type StreamProviders } from './stream/feed.js';
import { registerStream } from './stream/route.js';
import { registerWall } from './wall/route.js';
import { UptimeService } from './uptime/service.js';
import { UptimeRules } from './uptime/rules.js';
import { registerUptime } from './uptime/route.js';
import { centralMirror } from './storage/central.js';
import { ChunkPacker } from './storage/chunks/packer.js';

export interface CollectorOptions {
  logger?: Logger;
  /** Overrides `listen` (tests use port 0). */
  listen?: string;
  /**
   * The clock of everything the collector decides: ingest's acceptance of sample times,
   * status, evaluations, alerts, acks, pruning and schedules (tests drive it).
   */
  now?: () => number;
  /**
   * `false`: no background timers (rollup, pruning, bandwidth rules, cache warm-up). The caller
   * drives them: `rollup.drain()`, `bandwidthRules.evaluate(t)`, `alerting.tick(t)`, `prune(t)`. Tests use this so
   * that nothing evaluates at real time behind their back. Default true.
   */
  background?: boolean;
  /**
   * When ingest merges staged interface samples into the series tables: `deferred` (the
   * background merge; readers settle first) or `eager` (before each acknowledgement). Default:
   * deferred with `background`, eager without (tests read the store right after an ack).
   */
  ingestMerge?: 'eager' | 'deferred';
  /** Worker threads parsing ingest bodies; 0: in-thread (tests). Default: env PANTAU_INGEST_WORKERS, else cores − 1 (at least 1). */
  ingestWorkers?: number;
  /** First retry delay of the report e-mail (default 30 s). */
  reportRetryBaseMs?: number;
  /** The config file's folder: a relative `report.issuer.logo` is read from it (default: the working directory). */
  configDir?: string;
  /** The stream's timings and bounds (tests shorten them); see collector/stream/feed.ts. */
  stream?: { coalesceMs?: number; heartbeatMs?: number; maxBufferedBytes?: number; ringSize?: number; ringBytes?: number };
  /** Sources of backup and up-time states for the wall (their capabilities plug in here). */
  providers?: StreamProviders;
}

export interface Collector {
  url: string;
  store: Store;
  /** The ingest route: requests in hand and how long none has been (the background merge's quiet rule). */
  ingest: IngestRoute;
  rollup: Rollup;
  usage: UsageService;
  alerts: AlertStore;
  bandwidthRules: BandwidthRules;
  /** The alert engine, silences and notifiers; `alerting.tick(t)` sends what is due (the timer calls it every 5 s). */
  alerting: Alerting;
  /** Backup supervision (collector/backups): runs, status, compliance; `backupRules.evaluate(t)` raises and resolves its alerts. */
  backups: BackupService;
  backupRules: BackupRules;
  /** Up-time per device (GET /uptime, the report section) and its alerts: `uptimeRules.evaluate(t)`; `uptime.flushBeats()` writes due heartbeats (the timer calls it every second). */
  uptime: UptimeService;
  uptimeRules: UptimeRules;
  reports: ReportScheduler;
  /** The WebSocket stream: `stream.flush(at)` sends coalesced status changes now. */
  stream: StreamFeed;
  config: CollectorConfig;
  /** Removes raw samples and buckets past their retention as of `at` (the timer calls it every 6 h). */
  prune(at: number): void;
  /** Reads `tls.cert` and `tls.key` again (SIGHUP); false when there is no TLS or the files are not usable (logged). */
  reloadTls(): boolean;
  stop(): Promise<void>;
}

export function parseListen(listen: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(listen);
  if (!m) throw new Error(`listen: expected HOST:PORT, found "${listen}"`);
  return { host: m[1], port: Number(m[2]) };
}

export async function startCollector(config: CollectorConfig, opts: CollectorOptions = {}): Promise<Collector> {
  const log = (opts.logger ?? createLogger()).child({ component: 'collector' });
  const now = opts.now ?? Date.now;
  const background = opts.background !== false;
  const store = new Store(config.store.sqlite);
  const metrics = new Metrics();
  const auth = new Auth(config);
  let tls;
  try {
    tls = config.tls ? readTls(config.tls) : undefined;
  } catch (e) {
    store.close();
    throw e;
  }
  const app = createServer({ limits: config.limits, logger: log, auth, metrics, tls });
  const started = Date.now();
  const influx = config.store.influx ? centralMirror(config, log, metrics) : undefined;
  const configuredDevices = new Set(config.devices.map((d) => d.id));
  const seriesName = store.db.prepare('SELECT d.name AS device, s.interface FROM series s JOIN device d ON d.id = s.device WHERE s.id = ?');
  const rollup = new Rollup(store, { maxGapMs: config.evaluation.coverageMaxGapSeconds * 1000, dayStart: localDayStart(config.timezone), timezone: config.timezone, foldOnMerge: true });
  if (influx)
    rollup.addListener((series, buckets) => {
      const n = seriesName.get(series) as { device: string; interface: string };
      influx.buckets(n.device, n.interface, buckets);
    });
  influx?.start(now);
  metrics.gauge('pantau_uptime_seconds', 'Seconds since the collector started', () => (Date.now() - started) / 1000);
  metrics.gauge('pantau_store_rollup_pending_series', 'Series whose 5-minute buckets wait to be recomputed', () => rollup.pending());
  metrics.gauge('pantau_store_merge_pending_batches', 'Acknowledged batches whose interface samples wait in staging for the merge', () => store.staging.pending().batches);
  metrics.gauge('pantau_store_merge_pending_samples', 'Interface samples waiting in staging for the merge', () => store.staging.pending().samples);
  metrics.labelledGauge('pantau_store_wal_checkpoints', 'WAL checkpoints run by the background merge since start, by mode (forced: the WAL passed its bound before the merge ran)', () => Object.entries(store.checkpoints.counts).map(([mode, v]) => [{ mode }, v]));
  metrics.gauge('pantau_store_wal_bytes', 'Size of the SQLite write-ahead log file in bytes', () => store.checkpoints.walBytes());

  const alerts = new AlertStore(store);
  const alerting = new Alerting({ config, store, alerts, now, metrics, logger: log });
  const uptime = new UptimeService(config, store, { maintenance: (d, from, to) => alerting.silences.windowsOf(d, from, to) });
  const intervals = new Map(config.agents.map((a) => [a.id, a.intervalSeconds * 1000]));
  const clocks = new ClockSkew({
    engine: alerting.engine,
    toleranceMs: config.limits.maxClockSkewSeconds * 1000,
    intervalMs: (agent) => intervals.get(agent) ?? 60_000,
    clearMs: config.evaluation.clearMinutes * 60_000,
    language: config.report.language,
  });
  const usage = new UsageService(config, store, rollup);
  const stream = new StreamFeed({ config, store, alerts, usage, clocks, now, background, providers: opts.providers ?? {
      // The wall's backup and up-time states come from their capabilities (read when a display connects or a flush runs).
      backups: () => backups.view(now()).opds.map((o) => ({ opd: o.opd, status: o.status, lastGood: o.lastGood?.ts, nextDue: o.nextDue })),
      uptime: (only) => {
        const ids = config.devices.filter((d) => !only || only.has(d.id)).map((d) => d.id);
        const at = now();
        return uptime.liveAll(ids, at).map((l, i) => ({ device: ids[i], state: l.state }));
      },
    }, ...opts.stream });
  let onIngestIdle = () => {}; // set with the background merge below
  const ingest = registerIngest(app, {
    onIdle: () => onIngestIdle(),
    config,
    auth,
    store,
    metrics,
    now,
    merge: opts.ingestMerge ?? (background ? 'deferred' : 'eager'),
    onStored: (_agent, samples, devices) => {
      influx?.samples(samples);
      uptime.stored(samples);
      stream.devicesChanged(devices.filter((d) => configuredDevices.has(d)));
    },
    workers: opts.ingestWorkers,
    onArrival: (agent, newest, at) => {
      clocks.observe(agent, newest, at);
      uptime.heartbeat(agent, at);
    },
  });
  registerAssignment(app, config, auth);
  registerStatus(app, config, auth, store, now, clocks, uptime);
  registerUsage(app, config, auth, usage, now);
  registerAlerts(app, auth, alerts, now);
  registerSilences(app, { auth, config, store, silences: alerting.silences, now });
  const bandwidthRules = new BandwidthRules(config, store, usage, alerting.engine);
  const backups = new BackupService(config, store, now());
  const backupRules = new BackupRules(config, backups, alerting.engine);
  registerBackups(app, { config, auth, backups, now });
  const uptimeRules = new UptimeRules(config, uptime, alerting.engine);
  registerUptime(app, config, auth, uptime, now);
  for (const p of ['/healthz', '/api/v1/healthz'])
    app.get(p, async () => {
      store.sql('SELECT 1').get();
      return { ok: true, uptimeS: Math.round((Date.now() - started) / 1000) };
    });
  for (const p of ['/metrics', '/api/v1/metrics'])
    app.get(p, async (_req, reply) => reply.type('text/plain; version=0.0.4').send(metrics.render()));
  registerStream(app, auth, stream.hub);
  metrics.gauge('pantau_stream_clients', 'Displays connected to the WebSocket stream', () => stream.hub.size());
  metrics.gauge('pantau_stream_dropped', 'Stream clients dropped (too slow to read, or no pong)', () => stream.hub.counters.dropped);
  registerWall(app, { config, auth, secure: !!tls });

  // Samples staged before a stop or a crash are merged before the first request: the status read
  // takes staged interface states from memory (store.stagedStates), which a new process lacks.
  // A failure (the store busy past its timeout, a batch the merge cannot take) is logged and the
  // collector starts all the same: the samples stay staged and the background merges them.
  try {
    store.settle();
  } catch (e) {
    log.error({ err: e }, 'merging what was left staged failed; it stays staged, and /status shows the interfaces as merged until the background merges it');
  }
  const { host, port } = parseListen(opts.listen ?? config.listen);
  try {
    await app.listen({ host, port });
  } catch (e) {
    store.close();
    throw e;
  }
  const addr = app.server.address();
  const bound = typeof addr === 'object' && addr ? addr.port : port;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${bound}`;
  if (!tls && !isLoopback(`${host}:${bound}`))
    log.warn({ url }, 'plain HTTP on a non-loopback address (allowPlainHttp: true): tokens and SNMP credentials cross the network in clear unless a TLS proxy is in front');
  if (tls) log.info({ fingerprint: tls.fingerprint, validTo: tls.validTo }, 'serving HTTPS');
  log.info({ url, store: config.store.sqlite, devices: config.devices.length, agents: config.agents.length }, 'collector listening');

  // Background work on the event loop, in time slices (25 ms every 250 ms at most) so ingest
  // stays responsive while the rollup keeps up with thousands of interfaces a minute.
  const timers: NodeJS.Timeout[] = [];
  const every = (ms: number, what: string, fn: () => void) => {
    if (!background) return;
    const t = setInterval(() => {
      try {
        fn();
      } catch (e) {
        log.error({ err: e }, `${what} failed; will retry`);
      }
    }, ms);
    timers.push(t);
    return t;
  };
  if (background) store.syncWalLater(); // ingest commits fsync the WAL in the thread pool before their answers (storage/wal-sync.ts)
  if (background) store.deferLastSeen(); // devices' last_seen written each second (writeDue), not per batch
  if (background) store.checkpoints.takeOver({ thread: true }); // WAL checkpoints off the ingest path: asked for by the merge below, run in a thread
  // The merge is planned on a thread of its own; this one writes the plans (storage/staging.ts).
  if (background && !store.startMergeThread((m) => log.warn(m))) log.info('merge thread not started: the merge runs on the main thread');
  // Every 50 ms with the merge thread (maintain only asks it for slices); without it (it failed,
  // or a store it cannot serve) every other tick, as a slice may hold this thread ~50 ms.
  let mergeTicks = 0;
  const mergeStaged = (between: boolean) => store.maintain(store.staging.threaded ? 25 : 50, { idleMs: ingest.idleMs(), between });
  every(50, 'merging staged samples', () => {
    if (!store.staging.threaded && mergeTicks++ % 2 === 1) return;
    mergeStaged(false);
  });
  // Ingest is quiet once no request was in hand for IDLE_QUIET_MS: looked at then, not at the
  // next tick (what is left staged after a burst is merged up to 50 ms sooner). Not a tick:
  // it does not count towards the ticks without a batch.
  const idleLook = afterIdle(IDLE_QUIET_MS + 1, () => mergeStaged(true), (e) => log.error({ err: e }, 'merging staged samples failed; will retry'));
  if (background) onIngestIdle = () => idleLook.idle();
  every(250, 'rollup', () => rollup.runFor(25));
  // What is kept in memory and written together: agents' heartbeats, the alert engine's periods.
  const writeDue = () => {
    store.flushSeen();
    uptime.flushBeats();
    alerting.state.flush();
  };
  every(1000, 'writing agent heartbeats and the alert engine\'s state', writeDue);
  const prune = (at: number) => {
    rollup.finalize(at - config.store.rawDays * 86_400_000); // buckets before it become final
    store.prune(at, config.store.rawDays, config.store.rollupDays);
    usage.clear();
  };
  every(6 * 3600_000, 'pruning old samples', () => prune(now()))?.unref();
  const packer = new ChunkPacker(store, { afterHours: config.store.chunkAfterHours }); // compressed raw storage (storage/chunks)
  every(10_000, 'packing raw samples into chunks', () => packer.runFor(now(), 100))?.unref();
  const en = config.report.language === 'en';
  const reports = new ReportScheduler({
    config: config.report,
    timezone: config.timezone,
    buildReport: async (month) => withUptime(withBackups(usage.evaluate({ month, now: now() }), backups, config, now()), uptime, now()),
    buildDaily: async (month) => usage.daily(month),
    ledger: new SqliteReportLedger(store),
    evaluation: config.evaluation,
    baseDir: opts.configDir,
    now,
    logger: log,
    retryBaseMs: opts.reportRetryBaseMs,
    raiseAlert: (kind, summary) =>
      alerts.fire({ key: kind, kind, severity: 'warning', summary: (en ? 'Monthly report not sent: ' : 'Laporan bulanan belum terkirim: ') + summary }, now()),
    resolveAlert: (kind) => alerts.resolve(kind, now()),
  });
  reports.start();
  stream.start();
  // This month's usage, evaluated here (the usage cache filled, and the stream's snapshot has it)
  // in the same synchronous stretch as the listen above, so before any request is handled: the
  // first /usage after a start (the wall's, after a restart) would otherwise evaluate every OPD
  // cold (0.4-0.8 s at 60 OPDs on the report benchmark's store, against ~60 ms warm). It makes
  // the start that much longer, while agents keep their batches and retry. No drain: a backlog
  // of dirty series (agents replaying their spools) is the rollup timer's to work off. A failure
  // only makes the first call slower.
  if (background)
    try {
      stream.warmUsage();
    } catch (e) {
      log.warn({ err: e }, 'evaluating this month at start failed; the first /usage call will be slower');
    }
  every(60_000, 'bandwidth rules', () => bandwidthRules.evaluate(now()));
  every(5000, 'notifications', () => void alerting.tick(now()).catch((e) => log.error({ err: e }, 'notifications failed; will retry')));
  every(60_000, 'backup rules', () => backupRules.evaluate(now()));
  every(1000, 'up-time days', () => uptime.warm(now(), 25)); // persists each day once it is over, a device at a time
  every(60_000, 'up-time rules', () => uptimeRules.evaluate(now()));

  let stopping: Promise<void> | undefined;
  return {
    url,
    store,
    ingest,
    rollup,
    usage,
    alerts,
    bandwidthRules,
    alerting,
    backups,
    backupRules,
    uptime,
    uptimeRules,
    reports,
    stream,
    config,
    prune,
    reloadTls() {
      if (!config.tls) {
        log.info('SIGHUP: no tls configured, nothing to reload');
        return false;
      }
      try {
        const m = reloadTls(app.server as unknown as TlsServer, config.tls, TLS_CONTEXT);
        log.info({ fingerprint: m.fingerprint, validTo: m.validTo }, 'certificate reloaded; new connections use it');
        return true;
      } catch (e) {
        log.error({ err: (e as Error).message }, 'certificate reload failed; still serving the previous one');
        return false;
      }
    },
    stop() {
      stopping ??= (async () => {
        for (const t of timers) clearInterval(t);
        idleLook.stop();
        await stream.stop();
        await reports.stop();
        await alerting.idle();
        await app.close();
        writeDue();
        await influx?.stop();
        store.close();
        log.info('collector stopped; store closed');
      })();
      return stopping;
    },
  };
}
