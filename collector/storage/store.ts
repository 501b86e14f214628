// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a batch is on disk
// before it is acknowledged and neither SIGKILL nor power loss loses an acknowledged sample.
// Writers: ingest (one transaction per group of batches: interface samples are staged, see
// staging.ts), the staging merge and the rollup. Everything runs on one thread.
import { openDatabase, statementCache, type Database, type Statement, type StatementMode } from './sqlite.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sample } from '../../protocol/samples.js';
import { ADDED_COLUMNS, DDL, SCHEMA_VERSION } from './schema.js';
import { WalSync } from './wal-sync.js';
import { splitKey } from './staged-records.js';
import { GENERATION_MAX, RECORD, relaxedSync, StagedRows, StagedStates, Staging, type IfaceColumns } from './staging.js';
import { UsageDays } from './usage-days.js';
import { Checkpoints } from './checkpoint.js';

export const toI64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const fromI64 = (v: bigint | number): bigint => BigInt.asUintN(64, BigInt(v));

export interface WriteResult {
  /** Samples accepted; an interface sample whose (series, ts) is already stored is dropped by the merge. */
  stored: number;
  duplicate: boolean;
}

/** One validated batch for `stageBatches`. */
export interface BatchWrite {
  agent: string;
  batch: string;
  samples: readonly Sample[];
  /** More interface samples, as columns (ingest's parse workers); only those with `keep[k]` set are stored. */
  iface?: { columns: IfaceColumns; keep: Uint8Array };
  now: number;
}

const STORE_ERROR = /SQLITE_(BUSY|FULL|IOERR|CANTOPEN|READONLY|LOCKED)/;
/** Whether `e` is the store being unavailable (locked past busy_timeout, full, unreadable), not a fault in what was asked of it. */
export const isStoreError = (e: unknown): boolean => STORE_ERROR.test(String((e as { code?: string } | null)?.code));

export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`store unavailable: ${(cause as Error)?.message ?? cause}`);
    this.name = 'StoreUnavailableError';
  }
}

/** The ids of one interface list, by its place in the list. */
interface KeyList {
  series: Float64Array;
  dev: Float64Array;
  device: string[];
  iface: string[];
}
/** Staged records a store's reused buffer grows to (48 bytes each: 4.8 MB). */
const SCRATCH_ROWS_MAX = 100_000;
/** Interfaces held by the kept interface lists (a fleet's lists: one per agent and batch shape; ~200 bytes each). */
const KEY_LISTS_MAX_KEYS = 200_000;

/** maintain() calls without a batch staged before ingest counts as quiet (the collector calls it every 50 ms: 150 ms). */
const QUIET_TICKS = 3;
/** With no ingest request in hand for this long (maintain's `idleMs`), ingest is quiet: the collector asks again this long after its last answer. */
export const IDLE_QUIET_MS = 25;

export class Store {
  readonly db: Database;
  private readonly deviceIds = new Map<string, number>();
  private readonly seriesIds = new Map<string, number>();
  /** Per interface list of a batch (IfaceColumns.keyList): its series and device ids (forgotten with them). */
  private readonly keyLists = new Map<string, KeyList>();
  private keyListKeys = 0;
  /** Per-batch scratch (stageBody): staged records, and per interface of the batch its series, newest time and that sample's index. */
  private scratchRows = new StagedRows(1024);
  private perKey = { series: new Float64Array(64), newest: new Float64Array(64), newestAt: new Int32Array(64) };
  private readonly stmt;
  private readonly statements: ReturnType<typeof statementCache>;
  private readonly groupTx: (group: readonly BatchWrite[]) => (WriteResult | Error)[];
  private readonly batchTx: (w: BatchWrite) => WriteResult;
  /** Staged interface samples and their merge (staging.ts). */
  readonly staging: Staging;
  /** WAL checkpoints, taken off the ingest path by `checkpoints.takeOver()` (checkpoint.ts). */
  readonly checkpoints: Checkpoints;
  /** Persisted usage days (usage-days.ts), deleted with the buckets they were built from. */
  readonly usageDays: UsageDays;
  /** When maintain() first found samples staged (performance.now()); undefined when none are. */
  private stagedSince: number | undefined;
  /** Each interface's newest staged sample, for the status read (staging.ts StagedStates). */
  readonly stagedStates = new StagedStates();
  /** Per batch of the group being committed: its interfaces' newest samples, noted once it commits. */
  /** Per batch of the commit under way, its interfaces' newest samples, five entries each: device, interface, ts, flags, speed (NaN: unknown). */
  private readonly newestOf = new Map<BatchWrite, (string | number)[]>();
  /** deferLastSeen(): per batch of the group being committed, its devices' newest times; and those committed, not yet written. */
  private seenLater = false;
  /** syncWalLater(): the WAL's fdatasyncs, and the number of the last ingest commit. */
  private walSync: WalSync | undefined;
  private lastCommit = 0;
  private readonly seenOf = new Map<BatchWrite, Map<number, number>>();
  private readonly pendingSeen = new Map<number, { agent: string; ts: number }>();
  /** Devices whose device_state row the batch being staged has made sure of. */
  private readonly rowEnsured = new Set<number>();
  /** Batches staged so far, and that count at the last maintain() that found samples staged. */
  private stagedBatches = 0;
  private stagedSeen = -1;
  private quietTicks = 0;
  /** When the last maintain() call found ingest quiet (its clock), and the batches staged by then; undefined if it did not. */
  private quiet: { at: number; batches: number } | undefined;
  /** When the generation under way (or the last one) was begun (performance.now()). */
  private generationFrom = 0;

  /** `cacheMiB`: SQLite's page cache (default 64 MiB; one-shot readers such as `pantau report` use less). */
  constructor(readonly file: string, opts: { cacheMiB?: number } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = openDatabase(file);
    this.statements = statementCache(this.db);
    // exec, not pragma(): exec creates no Statement object for the garbage collector to finalise.
    this.db.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA cache_size = -${(opts.cacheMiB ?? 64) * 1024};`);
    this.db.exec(DDL);
    for (const [table, column, def] of ADDED_COLUMNS) {
      const cols = this.sql(`PRAGMA table_info(${table})`).all() as { name: string }[];
      if (!cols.some((c) => c.name === column)) this.db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${def}`);
    }
    this.db.exec(`INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', '${SCHEMA_VERSION}')`);
    const d = this.db;
    this.stmt = {
      batchSeen: d.prepare('SELECT samples FROM ingest_batch WHERE agent = ? AND batch = ?'),
      batchInsert: d.prepare('INSERT INTO ingest_batch (agent, batch, received, samples) VALUES (?, ?, ?, ?)'),
      deviceGet: d.prepare('SELECT id FROM device WHERE name = ?').pluck(),
      deviceInsert: d.prepare('INSERT INTO device (name) VALUES (?)'),
      seriesGet: d.prepare('SELECT id FROM series WHERE device = ? AND interface = ?').pluck(),
      seriesInsert: d.prepare('INSERT INTO series (device, interface) VALUES (?, ?)'),
      seriesMax: d.prepare('SELECT max(id) FROM series').pluck(),
      host: d.prepare(
        'INSERT OR IGNORE INTO host_sample (device, ts, uptime_s, cpu, mem, disks, rx, tx) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      ping: d.prepare('INSERT OR IGNORE INTO ping_sample (device, ts, up, rtt, loss) VALUES (?, ?, ?, ?, ?)'),
      poll: d.prepare(
        'INSERT OR IGNORE INTO poll_result (device, ts, ok, error, duration_ms, warnings) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      backup: d.prepare(
        'INSERT INTO backup_run (opd, ts, phase, run, ok, bytes, path, duration_s, source, sha256, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      // Up-time days (collector/uptime/day-store.ts) that stored samples of [?, ?] reach.
      uptimeDays: d.prepare('DELETE FROM uptime_day WHERE device = ? AND day > ? - 86400000 AND day <= ? + hold_ms'),
      stateRow: d.prepare('INSERT OR IGNORE INTO device_state (device) VALUES (?)'),
      stateSeen: d.prepare(
        `INSERT INTO device_state (device, agent, last_seen) VALUES (?, ?, ?)
         ON CONFLICT (device) DO UPDATE SET agent = excluded.agent, last_seen = max(coalesce(last_seen, 0), excluded.last_seen)`,
      ),
      statePoll: d.prepare(
        `UPDATE device_state SET poll_ts = ?, poll_ok = ?, poll_error = ?, poll_warnings = ?
         WHERE device = ? AND coalesce(poll_ts, 0) <= ?`,
      ),
      statePing: d.prepare(
        'UPDATE device_state SET ping_ts = ?, ping_up = ?, ping_rtt = ?, ping_loss = ? WHERE device = ? AND coalesce(ping_ts, 0) <= ?',
      ),
      stateHost: d.prepare('UPDATE device_state SET host_ts = ?, host = ? WHERE device = ? AND coalesce(host_ts, 0) <= ?'),
    };
    this.staging = new Staging(d);
    this.checkpoints = new Checkpoints(d, file === ':memory:' ? file : this.mainFile());
    this.usageDays = new UsageDays(d);
    // A failing batch rolls back to its savepoint alone; a store-level failure fails the group.
    this.batchTx = this.db.transaction((w: BatchWrite) => this.stageBody(w));
    this.groupTx = this.db.transaction((group: readonly BatchWrite[]) =>
      group.map((w) => {
        try {
          return this.batchTx(w);
        } catch (e) {
          if (isStoreError(e)) throw e;
          this.forgetIds();
          return e as Error;
        }
      }),
    );
  }

  /**
   * A statement prepared once per store and reused: code that runs per request or per cycle
   * asks for its statements here (or prepares them in its constructor), never with
   * db.prepare() per call. `mode` is part of the key, because pluck/raw/safeIntegers change a
   * statement for every later user.
   */
  sql(text: string, mode: StatementMode = {}): Statement {
    return this.statements.sql(text, mode);
  }

  /** How many distinct statements `sql()` holds (for tests and /metrics). */
  get statementCount(): number {
    return this.statements.size;
  }

  deviceId(name: string): number {
    let id = this.knownDeviceId(name);
    if (id === undefined) {
      id = Number(this.stmt.deviceInsert.run(name).lastInsertRowid);
      this.deviceIds.set(name, id);
    }
    return id;
  }

  /** A device's row id if it has one, from the same cache as deviceId (forgotten on a rollback); a read: no row is made. */
  knownDeviceId(name: string): number | undefined {
    let id = this.deviceIds.get(name);
    if (id === undefined) {
      id = this.stmt.deviceGet.get(name) as number | undefined;
      if (id !== undefined) this.deviceIds.set(name, id);
    }
    return id;
  }

  seriesId(device: string, iface: string): number {
    const key = `${device}\u0000${iface}`;
    let id = this.seriesIds.get(key);
    if (id === undefined) {
      const dev = this.deviceId(device);
      id = this.stmt.seriesGet.get(dev, iface) as number | undefined;
      if (id === undefined) id = Number(this.stmt.seriesInsert.run(dev, iface).lastInsertRowid);
      this.seriesIds.set(key, id);
    }
    return id;
  }

  /**
   * Stores a validated batch: its interface samples are staged and merged before this returns
   * (tools and tests; ingest uses stageBatches and merges in the background). A batch seen
   * before stores nothing and is reported as a duplicate. On return the batch is durable.
   */
  writeBatch(agent: string, batch: string, samples: readonly Sample[], now = Date.now()): WriteResult {
    this.settle(); // staged samples first: the first stored (series, ts) wins
    const [r] = this.stageBatches([{ agent, batch, samples, now }]);
    if (r instanceof Error) throw r;
    this.settle();
    return r;
  }

  /**
   * Commits a group of validated batches in one transaction (group commit: one fsync for all):
   * each batch's interface samples as one staged row, its other samples directly, and its
   * (agent, batch) id. A batch seen before (also earlier in the same group) stores nothing and
   * is a duplicate. Returns per batch its result, or the error that rolled back that batch
   * alone; a store-level failure (disk full, I/O) throws StoreUnavailableError for the group.
   * On return every batch without an error is durable.
   */
  stageBatches(group: readonly BatchWrite[]): (WriteResult | Error)[] {
    try {
      // With a WalSync the commit is not fsynced here: durable() waits for the WAL's fdatasync.
      const r = this.walSync ? relaxedSync(this.db, () => this.groupTx(group)) : this.groupTx(group);
      if (this.walSync) this.lastCommit = this.walSync.noteCommit();
      // Committed: the interfaces' newest samples of each batch stored are what the status read shows from now on.
      group.forEach((w, k) => {
        if (r[k] instanceof Error) return;
        const list = this.newestOf.get(w);
        if (list) for (let x = 0; x < list.length; x += 5) this.stagedStates.note(list[x] as string, list[x + 1] as string, list[x + 2] as number, list[x + 3] as number, list[x + 4] as number);
        const seen = this.seenOf.get(w);
        if (seen)
          for (const [dev, ts] of seen) {
            const p = this.pendingSeen.get(dev);
            // As the upsert: the last batch's agent, the newest time.
            this.pendingSeen.set(dev, { agent: w.agent, ts: p && p.ts > ts ? p.ts : ts });
          }
      });
      this.stagedBatches++;
      this.checkpoints.noteWrite(group.reduce((n, w) => n + w.samples.length + (w.iface?.columns.n ?? 0), 0) * RECORD);
      return r;
    } catch (e) {
      // Ids created inside the rolled-back transaction no longer exist: SQLite would hand them
      // out again for other devices or interfaces.
      this.forgetIds();
      if (isStoreError(e)) throw new StoreUnavailableError(e);
      throw e;
    } finally {
      this.newestOf.clear();
      this.seenOf.clear();
    }
  }

  /**
   * Ingest commits (stageBatches) stop fsyncing on this thread: their callers wait for
   * durable(), which an fdatasync of the WAL in the thread pool settles (wal-sync.ts says why
   * that is as durable). Not for `:memory:`.
   */
  syncWalLater(): void {
    if (this.file === ':memory:' || this.walSync) return;
    // Only in WAL mode, and the WAL SQLite writes: next to the file it resolved (symlinks followed).
    if (String(this.sql('PRAGMA journal_mode', { pluck: true }).get()).toLowerCase() !== 'wal') return;
    this.walSync = new WalSync(`${this.mainFile()}-wal`);
  }

  /** The database file as SQLite opened it (symlinks resolved): its WAL is this path + "-wal". */
  mainFile(): string {
    const rows = this.sql('PRAGMA database_list').all() as { name: string; file: string }[];
    return rows.find((r) => r.name === 'main')?.file || this.file;
  }

  /** Resolves once every batch staged so far is on disk (at once without syncWalLater: each commit was); a sync failure is the store being unavailable. */
  durable(): Promise<void> {
    if (!this.walSync) return Promise.resolve();
    return this.walSync.durable(this.lastCommit).catch((e) => {
      throw new StoreUnavailableError(e);
    });
  }

  /** The file the ingest commits' fdatasync syncs (syncWalLater), if any. */
  get walSyncFile(): string | undefined {
    return this.walSync?.walFile;
  }

  /** The WAL's fdatasyncs so far (syncWalLater; for tests and /metrics). */
  get walSyncs(): number {
    return this.walSync?.syncs ?? 0;
  }

  /**
   * Devices' last_seen (device_state) is kept in memory per committed batch and written by
   * flushSeen() (the collector: every second, before every status read, at stop) instead of an
   * upsert per device and batch inside the ingest commit. A crash loses at most the last second
   * of last_seen, never a sample: it is when the agent last sent, not something it sent.
   */
  deferLastSeen(): void {
    this.seenLater = true;
  }

  /** Writes the last_seen times kept in memory (deferLastSeen), in one transaction; cheap when none are. */
  flushSeen(): void {
    if (this.pendingSeen.size === 0) return;
    const pending = [...this.pendingSeen];
    // Not fsynced by itself (it may lose its last second by design); the next ingest sync or checkpoint takes it.
    relaxedSync(this.db, () =>
      this.db.transaction(() => {
        for (const [dev, x] of pending) this.stmt.stateSeen.run(dev, x.agent, x.ts);
      })(),
    );
    for (const [dev, x] of pending) if (this.pendingSeen.get(dev) === x) this.pendingSeen.delete(dev);
  }

  /**
   * Merges every staged sample into the series tables (iface_sample, iface_state,
   * rollup_dirty). Readers of those tables call this first; cheap when nothing is staged.
   */
  settle(): void {
    if (this.staging.hasPending()) this.staging.drain();
  }

  /**
   * The background's share of the store: merges staged samples for at most `budgetMs` once a
   * merge is worth doing, then checkpoints the WAL (PASSIVE after writes, TRUNCATE when nothing
   * is staged). Worth doing: a generation is under way (staging.ts), ingest went quiet (nothing
   * staged since the last call: the thread is free), enough samples are staged (`minSamples`,
   * default sixteen per series the store knows, within 50,000 and GENERATION_MAX: bigger
   * merges touch each series' pages once for many polls, and write them as segments), or the
   * oldest has waited `maxAgeMs` (5 s). Reads see everything all the same: they settle() first
   * or read staged states from memory. Returns the batches merged. `now`: the clock of the
   * age rule (performance.now(); tests pass their own). `idleMs`: how long no ingest request
   * has been in hand (the collector's ingest route says so; 0 while one is): from IDLE_QUIET_MS
   * on, ingest is quiet without waiting QUIET_TICKS calls. `between`: a call between the
   * regular ones (the collector's look after ingest went idle), not counted as one of them.
   */
  maintain(budgetMs: number, o: { minSamples?: number; maxAgeMs?: number; now?: number; idleMs?: number; between?: boolean } = {}): number {
    const t = o.now ?? performance.now();
    if (!this.staging.hasPending()) {
      this.stagedSince = undefined;
      // TRUNCATE waits for readers: not while the merge thread holds its read transaction.
      if (!this.staging.threadBusy) this.checkpoints.afterMerge(true);
      return 0;
    }
    this.stagedSince ??= t;
    // Quiet: no batch staged over the last QUIET_TICKS calls (a pause between an agent fleet's
    // cycles is not one: merging then would write one sample per series), or no ingest request
    // in hand for IDLE_QUIET_MS (`idleMs`; a batch is staged only while its request is in hand,
    // and under load there always is one).
    if (!o.between) {
      this.quietTicks = this.stagedSeen === this.stagedBatches ? this.quietTicks + 1 : 0;
      this.stagedSeen = this.stagedBatches;
    }
    const quiet = (this.quietTicks >= QUIET_TICKS && this.stagedSeen === this.stagedBatches) || (o.idleMs ?? 0) >= IDLE_QUIET_MS;
    this.quiet = quiet ? { at: t, batches: this.stagedBatches } : undefined;
    if (!this.staging.inGeneration() && !quiet && t - this.stagedSince < (o.maxAgeMs ?? 5_000)) {
      const min = o.minSamples ?? Math.min(GENERATION_MAX, Math.max(50_000, 16 * Number(this.stmt.seriesMax.get() ?? 0)));
      if (!this.staging.pendingAbove(min - 1)) return 0;
    }
    const starting = !this.staging.inGeneration();
    if (this.staging.threaded) {
      // Planned on the merge thread: this thread only writes each slice's plan as it comes
      // (Staging.onPlan), and asks for the next while the generation lasts. A generation begins
      // when the thread is asked for its first slice (not on every tick while it plans it).
      if (this.staging.kick() && starting) this.generationFrom = t;
      return 0;
    }
    if (starting) this.generationFrom = t;
    // Slices of ~25k samples: the event loop is held ~50 ms per tick, more at a generation's start
    // (its records are read and sorted at once: ~0.1 s at 250,000 samples, longer up to GENERATION_MAX).
    const merged = this.staging.runFor(budgetMs, 25_000);
    if (!this.staging.inGeneration()) this.generationDone();
    this.checkpoints.afterMerge(false);
    return merged;
  }

  /**
   * A generation ended: what is still staged arrived after it began (it took everything staged
   * then, up to GENERATION_MAX), so the age rule counts from there, not from the first sample
   * ever staged (which, under steady ingest, made every tick merge).
   */
  private generationDone(): void {
    this.stagedSince = this.staging.hasPending() ? this.generationFrom : undefined;
  }

  private forgetIds(): void {
    this.deviceIds.clear();
    this.seriesIds.clear();
    this.keyLists.clear();
    this.keyListKeys = 0;
  }

  /** The body of one batch's savepoint inside stageBatches' transaction. */
  private stageBody(w: BatchWrite): WriteResult {
    const { agent, batch, samples, now } = w;
    const s = this.stmt;
    if (s.batchSeen.get(agent, batch) !== undefined) return { stored: 0, duplicate: true };
    let stored = 0;
    const seen = new Map<number, number>();
    this.rowEnsured.clear();
    const observed = new Map<number, [number, number]>(); // per device: the stored up-time observations' [min, max] ts
    let rows: StagedRows | undefined;
    const states: (string | number)[] = []; // newestOf's layout: no object per interface and batch
    if (w.iface) {
      const { columns: c, keep } = w.iface;
      rows = this.rowsFor(c.n + samples.length);
      const kn = c.keys.length;
      if (this.perKey.series.length < kn) this.perKey = { series: new Float64Array(kn * 2), newest: new Float64Array(kn * 2), newestAt: new Int32Array(kn * 2) };
      const series = this.perKey.series.fill(-1, 0, kn);
      const newest = this.perKey.newest.fill(-Infinity, 0, kn); // per key, its newest kept sample's ts
      const newestAt = this.perKey.newestAt; // and index (the first of that ts)
      for (let k = 0; k < c.n; k++) {
        if (!keep[k]) continue;
        const j = c.key[k];
        if (c.ts[k] > newest[j]) {
          newest[j] = c.ts[k];
          newestAt[j] = k;
        }
        stored++;
      }
      // Every interface of the list kept (the usual batch): its ids as last time, one lookup.
      let all = true;
      for (let j = 0; j < kn; j++) if (newest[j] === -Infinity) all = false;
      const list = all ? this.keyListOf(c) : undefined;
      for (let j = 0; j < kn; j++) {
        if (newest[j] === -Infinity) continue;
        let device: string;
        let iface: string;
        if (list) {
          device = list.device[j];
          iface = list.iface[j];
          this.touchId(seen, list.dev[j], newest[j]);
        } else {
          [device, iface] = splitKey(c.keys[j]);
          // The columns' key is the cache's key (device NUL interface): no new string when known.
          series[j] = this.seriesIds.get(c.keys[j]) ?? this.seriesId(device, iface);
          this.touch(seen, device, newest[j], false);
        }
        const k = newestAt[j];
        states.push(device, iface, newest[j], c.flags[k], c.speed[k]);
      }
      rows.addColumns(c, keep, list ? list.series : series);
    }
    for (const x of samples) {
      switch (x.type) {
        case 'iface': {
          const series = this.seriesId(x.device, x.interface);
          const flags = (x.bits === 32 ? 1 : 0) | (x.operUp === undefined ? 0 : 2 | (x.operUp ? 4 : 0));
          (rows ??= this.rowsFor(samples.length)).add(series, x.ts, x.inOctets, x.outOctets, x.uptime, x.speedBps, flags);
          states.push(x.device, x.interface, x.ts, flags, x.speedBps ?? NaN);
          stored++;
          this.touch(seen, x.device, x.ts, false);
          break;
        }
        case 'host': {
          const dev = this.touch(seen, x.device, x.ts);
          const disks = x.disks ? JSON.stringify(x.disks) : null;
          const r = s.host.run(dev, x.ts, x.uptimeS, x.cpuPct, x.memUsedPct, disks, x.rxBytes === undefined ? null : toI64(x.rxBytes), x.txBytes === undefined ? null : toI64(x.txBytes));
          stored += r.changes;
          if (r.changes) span(observed, dev, x.ts);
          if (r.changes) {
            const host = JSON.stringify({ uptimeS: x.uptimeS, cpuPct: x.cpuPct, memUsedPct: x.memUsedPct, disks: x.disks ?? [] });
            s.stateHost.run(x.ts, host, dev, x.ts);
          }
          break;
        }
        case 'ping': {
          const dev = this.touch(seen, x.device, x.ts);
          const r = s.ping.run(dev, x.ts, x.up ? 1 : 0, x.rttMs ?? null, x.lossPct ?? null);
          stored += r.changes;
          if (r.changes) span(observed, dev, x.ts);
          if (r.changes) s.statePing.run(x.ts, x.up ? 1 : 0, x.rttMs ?? null, x.lossPct ?? null, dev, x.ts);
          break;
        }
        case 'poll': {
          const dev = this.touch(seen, x.device, x.ts);
          const warnings = x.warnings?.length ? JSON.stringify(x.warnings) : null;
          const r = s.poll.run(dev, x.ts, x.ok ? 1 : 0, x.error ?? null, x.durationMs ?? null, warnings);
          stored += r.changes;
          if (r.changes) span(observed, dev, x.ts);
          if (r.changes) s.statePoll.run(x.ts, x.ok ? 1 : 0, x.error ?? null, warnings, dev, x.ts);
          break;
        }
        case 'backup': {
          s.backup.run(x.opd, x.ts, 'end', null, x.ok ? 1 : 0, x.bytes?.toString() ?? null, x.path ?? null, null, `agent:${agent}`, x.sha256 ?? null, x.reason ?? null);
          stored++;
          break;
        }
      }
    }
    if (this.seenLater) this.seenOf.set(w, seen); // written by flushSeen() once committed
    else for (const [dev, ts] of seen) s.stateSeen.run(dev, agent, ts);
    for (const [dev, [from, to]] of observed) s.uptimeDays.run(dev, from, to);
    if (rows) this.staging.stage(rows);
    s.batchInsert.run(agent, batch, now, stored);
    if (states.length) this.newestOf.set(w, states);
    return { stored, duplicate: false };
  }

  /**
   * Notes a device seen at `ts` in the batch (its device_state last_seen, written once per
   * batch by an upsert); `row`: the caller updates the device's state row next, so it must exist
   * now (interface samples only note the time).
   */
  private touch(seen: Map<number, number>, device: string, ts: number, row = true): number {
    const dev = this.deviceId(device);
    if (row && !this.rowEnsured.has(dev)) {
      this.stmt.stateRow.run(dev);
      this.rowEnsured.add(dev);
    }
    this.touchId(seen, dev, ts);
    return dev;
  }

  /** touch() of a device whose id is known, for interface samples (no state row needed). */
  private touchId(seen: Map<number, number>, dev: number, ts: number): void {
    const prev = seen.get(dev);
    if (prev === undefined || ts > prev) seen.set(dev, ts);
  }

  /** Staged records for a batch of up to `n` samples: the store's one reused buffer (staged and copied before the next batch), or a new one past it. */
  private rowsFor(n: number): StagedRows {
    if (n <= this.scratchRows.capacity) return this.scratchRows.reset();
    const rows = new StagedRows(n);
    if (n <= SCRATCH_ROWS_MAX) this.scratchRows = rows;
    return rows;
  }

  /** The ids of a batch's interface list (IfaceColumns.keyList), kept per list; made (series rows too) on first sight. */
  private keyListOf(c: IfaceColumns): KeyList | undefined {
    if (c.keyList === undefined) return undefined;
    let list = this.keyLists.get(c.keyList);
    if (!list) {
      const n = c.keys.length;
      list = { series: new Float64Array(n), dev: new Float64Array(n), device: new Array<string>(n), iface: new Array<string>(n) };
      for (let j = 0; j < n; j++) {
        [list.device[j], list.iface[j]] = splitKey(c.keys[j]);
        list.series[j] = this.seriesId(list.device[j], list.iface[j]);
        list.dev[j] = this.deviceId(list.device[j]);
      }
      // Bounded by the interfaces the lists hold (an agent whose order changes every batch makes a new list each time).
      if (this.keyListKeys + n > KEY_LISTS_MAX_KEYS) {
        this.keyLists.clear();
        this.keyListKeys = 0;
      }
      this.keyLists.set(c.keyList, list);
      this.keyListKeys += n;
    }
    return list;
  }

  /**
   * Drops host, ping and poll samples and batch ids older than the raw retention, and buckets
   * and persisted up-time days older than the rollup retention. Raw interface samples are pruned by Rollup.finalize, which
   * makes their buckets final first.
   */
  prune(now: number, rawDays: number, rollupDays: number): void {
    const rawCut = now - rawDays * 86_400_000;
    this.db.transaction(() => {
      for (const t of ['host_sample', 'ping_sample', 'poll_result']) this.sql(`DELETE FROM ${t} WHERE ts < ?`).run(rawCut);
      this.sql('DELETE FROM ingest_batch WHERE received < ?').run(rawCut);
      this.sql('DELETE FROM usage5m WHERE bucket < ?').run(now - rollupDays * 86_400_000);
      this.usageDays.pruneBefore(now - rollupDays * 86_400_000);
      this.sql('DELETE FROM uptime_day WHERE day < ?').run(now - rollupDays * 86_400_000); // persisted up-time days live as long as the rollups
    })();
  }

  /**
   * Plans the background merge on a thread of its own (Staging.startThread): maintain() then
   * only asks for slices, and each plan is written as it comes. Returns whether it started.
   */
  startMergeThread(onError: (message: string) => void = () => {}): boolean {
    this.staging.onApplied = (more) => {
      if (!more) {
        this.generationDone();
        // Still quiet (no batch since maintain() found it so): the rest staged meanwhile is merged now, not at the next call.
        const q = this.quiet;
        if (q && q.batches === this.stagedBatches && this.staging.hasPending() && this.staging.kick()) this.generationFrom = q.at;
      }
      this.checkpoints.afterMerge(false);
    };
    return this.staging.startThread(this.file, onError);
  }

  close(): void {
    let unwritten: unknown; // last_seen that could not be written: the store is closed all the same, then it is reported
    try {
      if (this.db.open) this.flushSeen();
    } catch (e) {
      unwritten = e;
    }
    this.staging.close();
    this.walSync?.close();
    this.checkpoints.close();
    if (this.db.open) {
      try {
        this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        this.db.close();
      }
    }
    if (unwritten !== undefined) throw unwritten;
  }
}

/** Widens `m`'s [min, max] of `key` to hold `ts`. */
function span(m: Map<number, [number, number]>, key: number, ts: number): void {
  const r = m.get(key);
  if (!r) m.set(key, [ts, ts]);
  else {
    if (ts < r[0]) r[0] = ts;
    if (ts > r[1]) r[1] = ts;
  }
}
