// What backup-watch has reported, kept in the spool folder (`backup-watch.json`) so a restart
// reports nothing twice. A file is known by its path, size and mtime: the same path with another
// size or mtime (a rotated `latest.tar.gz`, a file written again) is a new backup.
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../spool/atomic.js';

export interface Known {
  /** Size in bytes, decimal string. */
  bytes: string;
  mtimeMs: number;
  /** When it was reported (ms since the epoch), or 0: seen and left alone (older than maxAge). */
  reportedAt: number;
}

interface StateFile {
  version: 1;
  files: Record<string, Known>;
}

export class ReportedFiles {
  private constructor(
    private readonly file: string,
    private readonly files: Map<string, Known>,
  ) {}

  /** Loads the state; a missing file is an empty state, an unreadable one is an error. */
  static async load(file: string): Promise<ReportedFiles> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new ReportedFiles(file, new Map());
      throw e;
    }
    const s = JSON.parse(text) as StateFile;
    if (s?.version !== 1 || typeof s.files !== 'object' || s.files === null) throw new Error(`${file}: not a backup-watch state (version 1)`);
    return new ReportedFiles(file, new Map(Object.entries(s.files)));
  }

  /** True when this path was reported (or set aside) with this size and mtime. */
  has(path: string, bytes: bigint | number, mtimeMs: number): boolean {
    const k = this.files.get(path);
    return k !== undefined && k.bytes === String(bytes) && k.mtimeMs === mtimeMs;
  }

  set(path: string, k: Known): void {
    this.files.set(path, k);
  }

  /** Forgets paths that are no longer there, so the state stays as small as the folders. */
  retain(present: (path: string) => boolean): boolean {
    let changed = false;
    for (const p of this.files.keys()) if (!present(p)) changed = this.files.delete(p) || changed;
    return changed;
  }

  get size(): number {
    return this.files.size;
  }

  async save(): Promise<void> {
    const s: StateFile = { version: 1, files: Object.fromEntries(this.files) };
    await writeFileAtomic(this.file, JSON.stringify(s));
  }
}
