// The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a batch is on disk
// before it is acknowledged and neither SIGKILL nor power loss loses an acknowledged sample.
// Writers: ingest (one transaction per batch) and the rollup. Everything runs on one thread.
import { openDatabase, type Database, type Statement } from './sqlite.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sample } from '../../protocol/samples.js';
import { ADDED_COLUMNS, DDL, SCHEMA_VERSION } from './schema.js';

export const toI64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export const fromI64 = (v: bigint | number): bigint => BigInt.asUintN(64, BigInt(v));

export interface WriteResult {
  stored: number;
  duplicate: boolean;
}

export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`store unavailable: ${(cause as Error)?.message ?? cause}`);
    this.name = 'StoreUnavailableError';
  }
}

export class Store {
  readonly db: Database;
  private readonly deviceIds = new Map<string, number>();
  private readonly seriesIds = new Map<string, number>();
  private readonly stmt;
  private readonly statements = new Map<string, Statement>();
  private readonly writeTx: (agent: string, batch: string, samples: readonly Sample[], now: number) => WriteResult;

  /** `cacheMiB`: SQLite's page cache (default 64 MiB; one-shot readers such as `pantau report` use less). */
  constructor(readonly file: string, opts: { cacheMiB?: number } = {}) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = openDatabase(file);
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
      iface: d.prepare(
        'INSERT OR IGNORE INTO iface_sample (series, ts, in_oct, out_oct, uptime, speed, flags) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      ifaceState: d.prepare(
        `INSERT INTO iface_state (series, ts, oper_up, speed, bits) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (series) DO UPDATE SET ts = excluded.ts, oper_up = excluded.oper_up, speed = excluded.speed, bits = excluded.bits
         WHERE excluded.ts >= iface_state.ts`,
      ),
      dirty: d.prepare(
        `INSERT INTO rollup_dirty (series, from_ts, to_ts) VALUES (?, ?, ?)
         ON CONFLICT (series) DO UPDATE SET from_ts = min(from_ts, excluded.from_ts), to_ts = max(to_ts, excluded.to_ts)`,
      ),
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
    this.writeTx = this.db.transaction((agent: string, batch: string, samples: readonly Sample[], now: number) => this.writeBody(agent, batch, samples, now));
  }

  /**
   * A statement prepared once per store and reused: code that runs per request or per cycle
   * asks for its statements here (or prepares them in its constructor), never with
   * db.prepare() per call. `mode` is part of the key, because pluck/raw/safeIntegers change a
   * statement for every later user.
   */
  sql(text: string, mode: { pluck?: boolean; raw?: boolean; safeIntegers?: boolean } = {}): Statement {
    const key = `${mode.pluck ? 'p' : ''}${mode.raw ? 'r' : ''}${mode.safeIntegers ? 'i' : ''}\u0000${text}`;
    let st = this.statements.get(key);
    if (!st) {
      st = this.db.prepare(text);
      if (mode.pluck) st.pluck(true);
      if (mode.raw) st.raw(true);
      if (mode.safeIntegers) st.safeIntegers(true);
      this.statements.set(key, st);
    }
    return st;
  }

  /** How many distinct statements `sql()` holds (for tests and /metrics). */
  get statementCount(): number {
    return this.statements.size;
  }

  deviceId(name: string): number {
    let id = this.deviceIds.get(name);
    if (id === undefined) {
      id = this.stmt.deviceGet.get(name) as number | undefined;
      if (id === undefined) id = Number(this.stmt.deviceInsert.run(name).lastInsertRowid);
      this.deviceIds.set(name, id);
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
   * Stores a validated batch in one transaction; a batch seen before stores nothing and is
   * reported as a duplicate. On return the batch is durable.
   */
  writeBatch(agent: string, batch: string, samples: readonly Sample[], now = Date.now()): WriteResult {
    try {
      return this.writeTx(agent, batch, samples, now);
    } catch (e) {
      // Ids created inside the rolled-back transaction no longer exist: SQLite would hand them
      // out again for other devices or interfaces.
      this.deviceIds.clear();
      this.seriesIds.clear();
      if (/SQLITE_(BUSY|FULL|IOERR|CANTOPEN|READONLY|LOCKED)/.test(String((e as { code?: string }).code))) throw new StoreUnavailableError(e);
      throw e;
    }
  }

  /** The body of writeBatch's transaction (wrapped once in the constructor). */
  private writeBody(agent: string, batch: string, samples: readonly Sample[], now: number): WriteResult {
    const s = this.stmt;
    if (s.batchSeen.get(agent, batch) !== undefined) return { stored: 0, duplicate: true };
    let stored = 0;
    const dirty = new Map<number, [number, number]>();
    const seen = new Map<number, number>();
    const observed = new Map<number, [number, number]>(); // per device: the stored up-time observations' [min, max] ts
    for (const x of samples) {
      switch (x.type) {
        case 'iface': {
          const series = this.seriesId(x.device, x.interface);
          const flags = (x.bits === 32 ? 1 : 0) | (x.operUp === undefined ? 0 : 2 | (x.operUp ? 4 : 0));
          const r = s.iface.run(series, x.ts, toI64(x.inOctets), toI64(x.outOctets), x.uptime ?? null, x.speedBps ?? null, flags);
          if (r.changes) {
            stored++;
            const d = dirty.get(series);
            if (!d) dirty.set(series, [x.ts, x.ts]);
            else {
              if (x.ts < d[0]) d[0] = x.ts;
              if (x.ts > d[1]) d[1] = x.ts;
            }
            s.ifaceState.run(series, x.ts, x.operUp === undefined ? null : x.operUp ? 1 : 0, x.speedBps ?? null, x.bits);
          }
          this.touch(seen, x.device, x.ts);
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
    for (const [dev, ts] of seen) s.stateSeen.run(dev, agent, ts);
    for (const [series, [from, to]] of dirty) s.dirty.run(series, from, to);
    for (const [dev, [from, to]] of observed) s.uptimeDays.run(dev, from, to);
    s.batchInsert.run(agent, batch, now, stored);
    return { stored, duplicate: false };
  }

  private touch(seen: Map<number, number>, device: string, ts: number): number {
    const dev = this.deviceId(device);
    const prev = seen.get(dev);
    if (prev === undefined) this.stmt.stateRow.run(dev);
    if (prev === undefined || ts > prev) seen.set(dev, ts);
    return dev;
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
      this.sql('DELETE FROM uptime_day WHERE day < ?').run(now - rollupDays * 86_400_000); // persisted up-time days live as long as the rollups
    })();
  }

  close(): void {
    if (this.db.open) {
      try {
        this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        this.db.close();
      }
    }
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
