// The SQLite schema (docs/ARCHITECTURE.md explains the choices). Raw interface samples are
// kept `store.rawDays`; their increases, after the counter rules, are kept in 5-minute
// buckets (`usage5m`) for `store.rollupDays`: the monthly evaluation and charts read those.
// Counters are stored as signed 64-bit integers holding the unsigned value's bits
// (BigInt.asIntN(64, v)); read back with BigInt.asUintN(64, v).

export const SCHEMA_VERSION = 1;

/** Columns added after a table was first shipped: [table, column, definition]. */
export const ADDED_COLUMNS: [string, string, string][] = [
  ['usage5m', 'span_ms', 'INTEGER NOT NULL DEFAULT 300000'],
  // backup-watch (agent): the file's SHA-256 and why a backup failed
  ['backup_run', 'sha256', 'TEXT'],
  ['backup_run', 'reason', 'TEXT'],
  // Backup supervision (issue 10): the exit status of a job reported to POST /backups.
  ['backup_run', 'exit_code', 'INTEGER'],
];

export const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE IF NOT EXISTS device (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);

CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  device INTEGER NOT NULL REFERENCES device(id),
  interface TEXT NOT NULL,
  flags TEXT,                        -- JSON array of warnings about this series' counters
  UNIQUE (device, interface)
);

-- One row per polled interface per cycle. flags: bit0 32-bit counter, bit1 operUp known, bit2 operUp.
CREATE TABLE IF NOT EXISTS iface_sample (
  series INTEGER NOT NULL,
  ts INTEGER NOT NULL,               -- ms since epoch, UTC
  in_oct INTEGER NOT NULL,           -- u64 as i64 bits
  out_oct INTEGER NOT NULL,
  uptime INTEGER,                    -- sysUpTime, hundredths of a second
  speed INTEGER,                     -- bit/s
  flags INTEGER NOT NULL,
  PRIMARY KEY (series, ts)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS host_sample (
  device INTEGER NOT NULL, ts INTEGER NOT NULL,
  uptime_s REAL NOT NULL, cpu REAL NOT NULL, mem REAL NOT NULL,
  disks TEXT, rx INTEGER, tx INTEGER,
  PRIMARY KEY (device, ts)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS ping_sample (
  device INTEGER NOT NULL, ts INTEGER NOT NULL, up INTEGER NOT NULL, rtt REAL, loss REAL,
  PRIMARY KEY (device, ts)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS poll_result (
  device INTEGER NOT NULL, ts INTEGER NOT NULL, ok INTEGER NOT NULL, error TEXT,
  duration_ms REAL, warnings TEXT,
  PRIMARY KEY (device, ts)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS backup_run (
  id INTEGER PRIMARY KEY,
  opd TEXT NOT NULL, ts INTEGER NOT NULL, phase TEXT NOT NULL, run TEXT, ok INTEGER,
  bytes TEXT, path TEXT, duration_s REAL, source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS backup_run_opd_ts ON backup_run (opd, ts);

-- Idempotence of ingest: a repeated (agent, batch) is acknowledged and not stored twice.
CREATE TABLE IF NOT EXISTS ingest_batch (
  agent TEXT NOT NULL, batch TEXT NOT NULL, received INTEGER NOT NULL, samples INTEGER NOT NULL,
  PRIMARY KEY (agent, batch)
) WITHOUT ROWID;

-- Latest known state per device and interface, for /status (what the wall shows).
CREATE TABLE IF NOT EXISTS device_state (
  device INTEGER PRIMARY KEY, agent TEXT, last_seen INTEGER,
  poll_ts INTEGER, poll_ok INTEGER, poll_error TEXT, poll_warnings TEXT,
  ping_ts INTEGER, ping_up INTEGER, ping_rtt REAL, ping_loss REAL,
  host_ts INTEGER, host TEXT
);
CREATE TABLE IF NOT EXISTS iface_state (
  series INTEGER PRIMARY KEY, ts INTEGER NOT NULL, oper_up INTEGER, speed INTEGER, bits INTEGER NOT NULL
);

-- Increases (after wrap/reset/reboot rules) per 5-minute bucket, split in proportion to time.
CREATE TABLE IF NOT EXISTS usage5m (
  series INTEGER NOT NULL,
  bucket INTEGER NOT NULL,           -- bucket start, ms since epoch (multiple of 300000)
  in_bytes INTEGER NOT NULL,
  out_bytes INTEGER NOT NULL,
  covered_ms INTEGER NOT NULL,       -- time covered by samples no more than coverageMaxGap apart
  span_ms INTEGER NOT NULL DEFAULT 300000, -- a long gap's row stands for up to a local day (storage/spans.ts)
  PRIMARY KEY (series, bucket)
) WITHOUT ROWID;

-- Finality (docs/ARCHITECTURE.md "Retention"): buckets before meta 'final_before' (a local day
-- edge, the last pruning's cut) are never rebuilt. Per series, the last sample before the cut
-- (the anchor) is kept, with the next sample's time then and the bytes of their pair already
-- in the final buckets: a later sample between them adds only what remains after the cut.
CREATE TABLE IF NOT EXISTS series_final (
  series INTEGER PRIMARY KEY, cut INTEGER NOT NULL, anchor_ts INTEGER NOT NULL, next_ts INTEGER,
  in_before INTEGER NOT NULL, out_before INTEGER NOT NULL
);

-- What the counters did in each pair, keyed by the pair's end: wrap, reset, reboot, rebase,
-- uptime_wrap, ambiguous (32-bit polled too slowly for its speed), gap (beyond coverage gap).
CREATE TABLE IF NOT EXISTS counter_event (
  series INTEGER NOT NULL, ts INTEGER NOT NULL, kind TEXT NOT NULL, speed INTEGER,
  PRIMARY KEY (series, ts, kind)
) WITHOUT ROWID;

-- Ranges of raw samples whose buckets must be recomputed (late or out-of-order arrivals).
CREATE TABLE IF NOT EXISTS rollup_dirty (series INTEGER PRIMARY KEY, from_ts INTEGER NOT NULL, to_ts INTEGER NOT NULL);

CREATE TABLE IF NOT EXISTS alert (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL,
  opd TEXT, device TEXT, interface TEXT, summary TEXT NOT NULL,
  state TEXT NOT NULL, since INTEGER NOT NULL, resolved_at INTEGER,
  ack_by TEXT, ack_at INTEGER, ack_note TEXT, silenced INTEGER NOT NULL DEFAULT 0, details TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS alert_firing_key ON alert (key) WHERE state = 'firing';
CREATE TABLE IF NOT EXISTS alert_event (
  id INTEGER PRIMARY KEY, alert INTEGER NOT NULL, ts INTEGER NOT NULL, what TEXT NOT NULL, who TEXT, note TEXT
);

-- Figures of complete months per OPD (p95, use, coverage) for the recommendation's history,
-- so a report need not re-read earlier months. Deleted when the rollup rebuilds a bucket of
-- that month; the fingerprint ties them to the OPD's uplinks and quota at the time.
CREATE TABLE IF NOT EXISTS month_figures (
  opd TEXT NOT NULL, month TEXT NOT NULL, fingerprint TEXT NOT NULL, figures TEXT,
  PRIMARY KEY (month, opd)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS report_sent (
  month TEXT PRIMARY KEY, sent_at INTEGER NOT NULL, message_id TEXT
);
CREATE TABLE IF NOT EXISTS report_attempt (
  id INTEGER PRIMARY KEY, month TEXT NOT NULL, ts INTEGER NOT NULL, error TEXT
);

-- Alert engine and notifiers (issue 11): silences (maintenance windows by OPD, device or
-- kind), with who created and deleted them and when (the audit trail); the audit reads
-- alert_event by time.
CREATE TABLE IF NOT EXISTS silence (
  id INTEGER PRIMARY KEY, opd TEXT, device TEXT, kind TEXT, reason TEXT NOT NULL,
  start_ts INTEGER NOT NULL, end_ts INTEGER NOT NULL,
  created_by TEXT NOT NULL, created_at INTEGER NOT NULL, deleted_by TEXT, deleted_at INTEGER
);
CREATE INDEX IF NOT EXISTS alert_event_ts ON alert_event (ts);

-- Backup supervision (issue 10, collector/backups): a start and an end of one run are found by (opd, run).
CREATE INDEX IF NOT EXISTS backup_run_opd_run ON backup_run (opd, run, phase);
-- Up-time (collector/uptime): each agent's last batch, written on every authenticated batch
-- (a heartbeat, duplicates included), so agent_silent survives a collector restart.
CREATE TABLE IF NOT EXISTS agent_heartbeat (agent TEXT PRIMARY KEY, last_batch INTEGER NOT NULL);
-- Up-time speed (issue 12, collector/uptime/day-store.ts): each device's own timeline of a
-- complete local day (segments as JSON offsets from day), computed with hold_ms (two of its
-- agent's intervals). A stored ping, poll or host sample deletes the rows it reaches (ingest,
-- in the batch's transaction): day in (ts - 1 day, ts + hold_ms].
CREATE TABLE IF NOT EXISTS uptime_day (
  device INTEGER NOT NULL, day INTEGER NOT NULL, hold_ms INTEGER NOT NULL, segs TEXT NOT NULL,
  PRIMARY KEY (device, day)
) WITHOUT ROWID;

-- Alert engine state (collector/alerts/engine-state.ts): per condition key, what the engine
-- must remember across a collector restart: when its for and clear periods began, when it
-- last held, its last observation and its flap history ('0'/'1' per observation, oldest
-- first). Keys with nothing worth remembering have no row.
CREATE TABLE IF NOT EXISTS alert_engine_state (
  key TEXT PRIMARY KEY, kind TEXT NOT NULL, device TEXT, status TEXT NOT NULL,
  pending_since INTEGER, clear_since INTEGER, last_active_at INTEGER, last INTEGER,
  flap TEXT NOT NULL DEFAULT '', flapping INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- Compressed raw storage (issue 12 part 2, collector/storage/chunks): iface_sample rows older
-- than store.chunkAfterHours, packed per series and 12-hour period (UTC) into one chunk (codec.ts).
-- t0 and t1 are the first and last sample's ts, n the sample count. A rowid table, so a blob
-- larger than a page spills into full overflow pages; (series, t0) is the key readers use.
-- A late sample for a packed period lands in iface_sample; readers merge (the chunk wins on
-- the same ts) and the next packing folds it in.
CREATE TABLE IF NOT EXISTS iface_chunk (
  series INTEGER NOT NULL, t0 INTEGER NOT NULL, t1 INTEGER NOT NULL, n INTEGER NOT NULL, data BLOB NOT NULL,
  UNIQUE (series, t0)
);

-- Ingest staging (issue 12, collector/storage/staging.ts): an acknowledged batch's interface
-- samples as one row of fixed-width records (one sequential write per batch); the merge moves
-- them, sorted by (series, ts), into iface_sample and deletes the row in the same transaction.
CREATE TABLE IF NOT EXISTS ingest_stage (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, data BLOB NOT NULL);
-- Periods (CHUNK_PERIOD_MS, by start) in which the merge wrote a series' in-order run as a chunk
-- of its own (a segment, staging.ts): the packer joins a period's chunks into one once the
-- period is older than store.chunkAfterHours, and deletes the row.
CREATE TABLE IF NOT EXISTS chunk_seg (series INTEGER NOT NULL, period INTEGER NOT NULL, PRIMARY KEY (series, period)) WITHOUT ROWID;

-- Usage read speed (issue 12 read goals, collector/storage/usage-days.ts): per set of uplink
-- series (sig: their ids joined by ',') and ended local day [day, day + 24 h), the usage day
-- cache's aggregates of that day (per-series sums as JSON with decimal bytes, the summed
-- 5-minute rates as float64 in then out, the runs), so a month's report reads ~31 rows per
-- OPD. The transaction that rebuilds or prunes a bucket deletes the rows of its day; a
-- missing row is recomputed from usage5m.
CREATE TABLE IF NOT EXISTS usage_day (
  sig TEXT NOT NULL, day INTEGER NOT NULL, sums TEXT NOT NULL, rates BLOB NOT NULL, runs TEXT NOT NULL,
  PRIMARY KEY (sig, day)
);
CREATE INDEX IF NOT EXISTS usage_day_day ON usage_day (day);
`;
