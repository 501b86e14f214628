// The backup-watch input (long-lived: start/stop, not a per-cycle gather): each scan lists the
// `backupWatch` globs; a new file is reported once its size and mtime held still across two
// scans at least `settleMs` apart, exactly once (state.ts keeps what was reported in the spool
// folder), with its mtime, size, SHA-256 and the check of its format (verify.ts), read at a
// bounded rate (rate.ts). Samples go out through `emit` (the agent's events class); a file is
// remembered as reported only after emit resolved (sent or spooled): a crash in between
// reports it again rather than never.
import { rename, stat } from 'node:fs/promises';
import type { AgentConfig } from '../../../config/agent.js';
import type { Logger } from '../../../log/logger.js';
import type { BackupSample } from '../../../protocol/samples.js';
import { expandGlob, type FoundFile } from './glob.js';
import { realClock, TokenBucket, type Clock } from './rate.js';
import { ReportedFiles } from './state.js';
import { inspectFile } from './verify.js';

export interface BackupWatchOptions {
  watch: { opd: string; glob: string }[];
  /** Where reported files are remembered: `<spool>/backup-watch.json`. */
  stateFile: string;
  logger: Logger;
  /** Delivers samples; resolves once they are sent or spooled. */
  emit(samples: BackupSample[]): Promise<void>;
  /** A file must keep its size and mtime this long (and across two scans) to be taken (default 60 s). */
  settleMs?: number;
  /** Read rate bound of the checks, MB (10^6 bytes) per second (default 50). */
  maxMBps?: number;
  /** A file first seen with an mtime older than this is remembered, not reported (default 7 days). */
  maxAgeMs?: number;
  /** Time between scans when started (default: half the settle time, from 1 s to 30 s). */
  scanEveryMs?: number;
  /** Clock of the rate bound and of the scan loop (tests inject one). */
  clock?: Clock;
  /** Wall clock of the scan loop, ms since the epoch (default Date.now). */
  now?: () => number;
}

interface Pending {
  bytes: bigint;
  mtimeMs: number;
  since: number;
}

export const BACKUP_WATCH_DEFAULTS = { settleMs: 60_000, maxMBps: 50, maxAgeMs: 7 * 86_400_000 };
/** Read size and burst of the rate bound. */
const CHUNK = 256 * 1024;
const BURST = 1024 * 1024;

export class BackupWatcher {
  private readonly log: Logger;
  private readonly bucket: TokenBucket;
  private readonly settleMs: number;
  private readonly maxAgeMs: number;
  private readonly clock: Clock;
  private state: ReportedFiles | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly saidErrors = new Set<string>();
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private stopped = false;
  private scanning: Promise<BackupSample[]> | undefined;

  constructor(private readonly opts: BackupWatchOptions) {
    this.log = opts.logger.child({ component: 'backup-watch' });
    this.settleMs = opts.settleMs ?? BACKUP_WATCH_DEFAULTS.settleMs;
    this.maxAgeMs = opts.maxAgeMs ?? BACKUP_WATCH_DEFAULTS.maxAgeMs;
    this.clock = opts.clock ?? realClock;
    const rate = (opts.maxMBps ?? BACKUP_WATCH_DEFAULTS.maxMBps) * 1e6;
    this.bucket = new TokenBucket(rate, Math.max(CHUNK, Math.min(BURST, rate)), this.clock);
  }

  /** Scans every `scanEveryMs` until stop(). */
  start(): void {
    if (this.opts.watch.length === 0) return;
    const every = this.opts.scanEveryMs ?? Math.min(30_000, Math.max(1000, this.settleMs / 2));
    const now = this.opts.now ?? Date.now;
    this.log.info({ globs: this.opts.watch.map((w) => w.glob), settleMs: this.settleMs, maxMBps: this.bucket.bytesPerSecond / 1e6 }, 'watching for backups');
    this.loop ??= (async () => {
      while (!this.stopped) {
        try {
          await this.scan(now());
        } catch (e) {
          if (!this.stopped) this.log.error({ err: String(e) }, 'backup scan failed; trying again at the next scan');
        }
        await this.clock.sleep(every, this.abort.signal).catch(() => undefined);
      }
    })();
  }

  /** Stops the loop; a check in progress is abandoned (that file is taken again at the next start). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new Error('backup-watch stopped'));
    await this.loop;
    await this.scanning?.catch(() => undefined);
  }

  /**
   * One scan at wall time `now` (ms since the epoch): lists the globs, takes the files that have
   * settled, checks and reports them. Returns what it reported (already emitted).
   */
  scan(now: number): Promise<BackupSample[]> {
    if (this.scanning) return this.scanning.catch(() => undefined).then(() => this.scan(now));
    const p = this.doScan(now).finally(() => {
      if (this.scanning === p) this.scanning = undefined;
    });
    this.scanning = p;
    return p;
  }

  private async doScan(now: number): Promise<BackupSample[]> {
    const state = (this.state ??= await this.loadState());
    const seen = new Map<string, { opd: string; f: FoundFile }>();
    let complete = true;
    for (const w of this.opts.watch) {
      const { files, errors } = await expandGlob(w.glob);
      for (const e of errors) {
        complete = false;
        if (!this.saidErrors.has(e)) {
          this.saidErrors.add(e);
          this.log.warn({ opd: w.opd, glob: w.glob, error: e }, 'cannot list a backup folder; its backups are not seen until it can be read');
        }
      }
      for (const f of files) if (!seen.has(f.path)) seen.set(f.path, { opd: w.opd, f });
    }
    for (const p of this.pending.keys()) if (!seen.has(p)) this.pending.delete(p);
    // Forget reported files that are gone, unless a folder could not be read (then they may be back).
    if (complete && state.retain((p) => seen.has(p))) await state.save();

    const settled: { opd: string; f: FoundFile }[] = [];
    for (const [path, x] of seen) {
      if (state.has(path, x.f.bytes, x.f.mtimeMs)) continue;
      const p = this.pending.get(path);
      if (p && p.bytes === x.f.bytes && p.mtimeMs === x.f.mtimeMs) {
        if (now - p.since >= this.settleMs) settled.push(x);
      } else this.pending.set(path, { bytes: x.f.bytes, mtimeMs: x.f.mtimeMs, since: now });
    }
    settled.sort((a, b) => b.f.mtimeMs - a.f.mtimeMs); // the newest backup matters most

    const out: BackupSample[] = [];
    let old = 0;
    for (const { opd, f } of settled) {
      if (this.stopped) break;
      if (f.mtimeMs < now - this.maxAgeMs) {
        state.set(f.path, { bytes: String(f.bytes), mtimeMs: f.mtimeMs, reportedAt: 0 });
        this.pending.delete(f.path);
        old++;
        continue;
      }
      const s = await this.check(opd, f, now);
      if (!s) continue;
      await this.opts.emit([s]);
      state.set(f.path, { bytes: String(s.bytes), mtimeMs: f.mtimeMs, reportedAt: now });
      await state.save();
      this.pending.delete(f.path);
      out.push(s);
      const fields = { opd, path: f.path, bytes: String(s.bytes), sha256: s.sha256 };
      if (s.ok) this.log.info(fields, 'backup reported');
      else this.log.warn({ ...fields, reason: s.reason }, 'backup reported as failed: the file is not a good archive');
    }
    if (old > 0) {
      await state.save();
      this.log.info({ files: old, maxAgeDays: this.maxAgeMs / 86_400_000 }, 'older backup files seen for the first time: remembered, not reported');
    }
    return out;
  }

  /** Checks one settled file; undefined when it changed or vanished meanwhile (taken again later). */
  private async check(opd: string, f: FoundFile, now: number): Promise<BackupSample | undefined> {
    const base = { type: 'backup' as const, opd, ts: Math.round(f.mtimeMs), path: f.path };
    try {
      const r = await inspectFile(f.path, { bucket: this.bucket, signal: this.abort.signal, chunkBytes: CHUNK });
      const after = await stat(f.path);
      if (BigInt(after.size) !== r.bytes || after.mtimeMs !== f.mtimeMs || r.bytes !== f.bytes) {
        this.pending.set(f.path, { bytes: BigInt(after.size), mtimeMs: after.mtimeMs, since: now });
        this.log.info({ opd, path: f.path }, 'backup file changed while it was checked; waiting for it to settle again');
        return undefined;
      }
      return { ...base, ok: r.ok, bytes: r.bytes, sha256: r.sha256, ...(r.reason ? { reason: r.reason } : {}) };
    } catch (e) {
      if (this.stopped) return undefined;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        this.pending.delete(f.path);
        return undefined;
      }
      // Unreadable (EACCES, EIO): a backup the data centre cannot read is no backup; say why.
      return { ...base, ok: false, bytes: f.bytes, reason: `cannot read the file: ${code ?? String(e)}`.slice(0, 500) };
    }
  }

  private async loadState(): Promise<ReportedFiles> {
    try {
      return await ReportedFiles.load(this.opts.stateFile);
    } catch (e) {
      // Kept aside for a look; starting empty may report files again (the collector keeps both).
      const aside = `${this.opts.stateFile}.bad-${Date.now()}`;
      await rename(this.opts.stateFile, aside).catch(() => undefined);
      this.log.error({ err: String(e), movedTo: aside }, 'backup-watch state unreadable; starting afresh, so files may be reported again');
      return ReportedFiles.load(this.opts.stateFile);
    }
  }
}

/** The watcher's options from the agent config (globs, rate bound, settle time). */
export function backupWatchOptions(cfg: AgentConfig): Pick<BackupWatchOptions, 'watch' | 'maxMBps' | 'settleMs'> {
  return {
    watch: cfg.backupWatch,
    maxMBps: cfg.backupWatchMaxMBps ?? BACKUP_WATCH_DEFAULTS.maxMBps,
    settleMs: (cfg.backupWatchSettleSeconds ?? BACKUP_WATCH_DEFAULTS.settleMs / 1000) * 1000,
  };
}

/** Wires the watcher into the agent: started at once, stopped with the agent. */
export function startBackupWatch(opts: BackupWatchOptions): BackupWatcher {
  const w = new BackupWatcher(opts);
  w.start();
  return w;
}
