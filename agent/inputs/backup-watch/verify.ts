// One pass over a backup file: its SHA-256 and the check of what its name claims it is, from
// the same bounded-rate read (the token bucket). `.gz` must decompress to its end, `.tar.gz` and
// `.tgz` too, with a valid tar header chain inside; `.tar` the header chain; `.zip` its central
// directory (zip.ts: the tail, the directory and the local headers are read again, a small
// part of the file); any other file only needs to be non-empty.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { createGunzip, type Gunzip } from 'node:zlib';
import type { TokenBucket } from './rate.js';
import { TarChecker } from './tar.js';
import { checkZip } from './zip.js';

export type ArchiveKind = 'tar.gz' | 'gz' | 'tar' | 'zip' | 'other';

export function kindOf(path: string): ArchiveKind {
  const n = basename(path).toLowerCase();
  if (n.endsWith('.tar.gz') || n.endsWith('.tgz')) return 'tar.gz';
  if (n.endsWith('.gz')) return 'gz';
  if (n.endsWith('.tar')) return 'tar';
  if (n.endsWith('.zip')) return 'zip';
  return 'other';
}

export interface Inspection {
  /** Bytes read: the file's size when the read ended. */
  bytes: bigint;
  sha256: string;
  ok: boolean;
  /** Why the backup is not good (`ok: false`), at most 500 characters. */
  reason?: string;
}

export interface InspectOptions {
  bucket: TokenBucket;
  signal?: AbortSignal;
  /** Read size, bytes (default 256 KiB; kept at or below the bucket's burst). */
  chunkBytes?: number;
}

const MAX_REASON = 500;

/** Reads the file once; throws only for I/O (ENOENT, EACCES, an abort), never for a bad archive. */
export async function inspectFile(path: string, opts: InspectOptions): Promise<Inspection> {
  const kind = kindOf(path);
  const chunk = Math.max(1, Math.min(opts.chunkBytes ?? 256 * 1024, opts.bucket.burstBytes));
  const fh = await open(path, 'r');
  try {
    const hash = createHash('sha256');
    const gz = kind === 'tar.gz' || kind === 'gz' ? new GzipCheck(kind === 'tar.gz' ? new TarChecker() : undefined) : undefined;
    const tar = kind === 'tar' ? new TarChecker() : undefined;
    const buf = Buffer.allocUnsafe(chunk);
    let pos = 0;
    for (;;) {
      opts.signal?.throwIfAborted();
      await opts.bucket.take(chunk, opts.signal);
      const { bytesRead } = await fh.read(buf, 0, chunk, pos);
      if (bytesRead === 0) break;
      const piece = buf.subarray(0, bytesRead);
      hash.update(piece);
      tar?.write(piece);
      if (gz) await gz.write(Buffer.from(piece), pos); // zlib keeps the chunk: a copy, buf is reused
      pos += bytesRead;
    }
    let reason: string | undefined;
    if (pos === 0) reason = 'empty file (0 bytes)';
    else if (gz) reason = await gz.end(pos);
    else if (tar) reason = tar.end();
    else if (kind === 'zip')
      reason = await checkZip(pos, async (at, len) => {
        await opts.bucket.take(len, opts.signal);
        const b = Buffer.alloc(len);
        const { bytesRead } = await fh.read(b, 0, len, at);
        return b.subarray(0, bytesRead);
      });
    return { bytes: BigInt(pos), sha256: hash.digest('hex'), ok: reason === undefined, ...(reason ? { reason: reason.slice(0, MAX_REASON) } : {}) };
  } finally {
    await fh.close();
  }
}

/**
 * Streaming gunzip to the end. A truncated stream fails ("unexpected end of file"), so do bytes
 * after the last member that are not another member (trailing zeros are allowed, as gzip(1)
 * allows them). The decompressed bytes go to the tar checker, or nowhere.
 */
class GzipCheck {
  private readonly z: Gunzip = createGunzip();
  private error: string | undefined;
  private readonly done: Promise<void>;
  /** Compressed bytes handed to zlib before the one being written (for the message). */
  private at = 0;

  constructor(private readonly tar: TarChecker | undefined) {
    this.z.on('data', (d: Buffer) => tar?.write(d));
    this.done = new Promise<void>((resolve) => {
      this.z.once('end', resolve);
      this.z.once('error', (e: NodeJS.ErrnoException) => {
        this.error ??= e.code === 'Z_BUF_ERROR' ? `gzip: unexpected end of file at byte ${this.at} (truncated)` : `gzip: ${e.message} near byte ${this.at} (corrupt)`;
        resolve();
      });
    });
  }

  async write(piece: Buffer, pos: number): Promise<void> {
    if (this.error || this.tar?.error) return;
    this.at = pos;
    if (!this.z.write(piece)) await new Promise<void>((r) => {
      const go = () => {
        this.z.off('drain', go);
        this.z.off('close', go);
        r();
      };
      this.z.on('drain', go);
      this.z.on('close', go);
    });
  }

  async end(size: number): Promise<string | undefined> {
    if (!this.error && !this.tar?.error) {
      this.at = size;
      this.z.end();
      await this.done;
    } else this.z.destroy();
    return this.error ?? this.tar?.error ?? this.tar?.end();
  }
}
