// The central-store mirror's queue on disk: line-protocol lines appended to numbered segment
// files (`000000000042.lp`), so points survive a collector restart and a central-store outage.
// Bounded: past `maxBytes` the oldest sealed segment is deleted and its lines counted as dropped.
// A segment is sent whole and deleted only once the store acknowledged it; a crash between the
// two sends it again, which the store absorbs (same series and timestamp: one point).
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Segment {
  seq: number;
  file: string;
  bytes: number;
  lines: number;
}

export interface MirrorSpoolOptions {
  dir: string;
  /** Total bytes on disk at most (default 256 MiB). */
  maxBytes?: number;
  /** A segment is sealed at this size (default 1 MiB); the sender also seals a smaller one when nothing else waits. */
  segmentBytes?: number;
}

const NAME = /^(\d{12})\.lp$/;

export class MirrorSpool {
  private readonly sealed: Segment[] = [];
  private current?: Segment & { fd: number };
  private nextSeq = 1;
  private total = 0;
  readonly counters = { droppedLines: 0, droppedSegments: 0 };

  constructor(private readonly o: MirrorSpoolOptions) {
    mkdirSync(o.dir, { recursive: true });
    // What a previous run left is sealed as it is and sent first, oldest first.
    for (const name of readdirSync(o.dir).sort()) {
      const m = NAME.exec(name);
      if (!m) continue;
      const file = join(o.dir, name);
      const bytes = statSync(file).size;
      if (bytes === 0) {
        rmSync(file, { force: true });
        continue;
      }
      this.sealed.push({ seq: Number(m[1]), file, bytes, lines: countLines(readFileSync(file)) });
      this.total += bytes;
      this.nextSeq = Math.max(this.nextSeq, Number(m[1]) + 1);
    }
  }

  /** Appends lines (each without its newline) to the current segment. */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const text = lines.join('\n') + '\n';
    const bytes = Buffer.byteLength(text);
    if (!this.current) {
      const seq = this.nextSeq++;
      const file = join(this.o.dir, `${String(seq).padStart(12, '0')}.lp`);
      this.current = { seq, file, bytes: 0, lines: 0, fd: openSync(file, 'a') };
    }
    appendFileSync(this.current.fd, text);
    this.current.bytes += bytes;
    this.current.lines += lines.length;
    this.total += bytes;
    if (this.current.bytes >= (this.o.segmentBytes ?? 1 << 20)) this.seal();
    this.bound();
  }

  /** The oldest segment to send; seals the current one when no sealed segment waits. */
  next(): Segment | undefined {
    if (this.sealed.length === 0 && this.current) this.seal();
    return this.sealed[0];
  }

  read(s: Segment): Buffer {
    return readFileSync(s.file);
  }

  /** The store acknowledged `s`: delete it. */
  done(s: Segment): void {
    const i = this.sealed.indexOf(s);
    if (i < 0) return; // dropped meanwhile by the bound
    this.sealed.splice(i, 1);
    this.total -= s.bytes;
    rmSync(s.file, { force: true });
  }

  /** Lines waiting (sealed and current). */
  lines(): number {
    return this.sealed.reduce((n, s) => n + s.lines, 0) + (this.current?.lines ?? 0);
  }

  bytes(): number {
    return this.total;
  }

  /** Seals the current segment (flushed to disk): on stop, so the next run finds it whole. */
  close(): void {
    if (this.current) this.seal();
  }

  private seal(): void {
    const c = this.current!;
    fsyncSync(c.fd);
    closeSync(c.fd);
    this.current = undefined;
    this.sealed.push({ seq: c.seq, file: c.file, bytes: c.bytes, lines: c.lines });
  }

  /** Oldest first: a central store that is down for days costs its oldest points, never the collector's disk. */
  private bound(): void {
    const max = this.o.maxBytes ?? 256 << 20;
    while (this.total > max && this.sealed.length > 0) {
      const s = this.sealed.shift()!;
      this.total -= s.bytes;
      this.counters.droppedLines += s.lines;
      this.counters.droppedSegments++;
      rmSync(s.file, { force: true });
    }
    if (this.total > max && this.current) {
      // A single current segment larger than the bound: seal it and drop it too.
      this.seal();
      this.bound();
    }
  }
}

function countLines(b: Buffer): number {
  let n = 0;
  for (const c of b) if (c === 10) n++;
  return n;
}
