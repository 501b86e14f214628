// Big ingest buffers used again instead of made anew (issue 12). Memory fresh from the system
// costs a page fault per 4 KiB on first touch: on this project's machines, copying a 1 MB body
// into a new buffer took 0.3-1.3 ms and into a used one 0.02 ms, and in the collector the
// bodies' and batches' new buffers were ~15 % of its CPU on big batches. Request bodies
// (route.ts) and the parse workers' batch buffers (fast-batch.ts) go round between the threads
// and come back here. Buffers under MIN_BYTES are left to the allocator, which reuses them well.

/** Smaller buffers are neither kept nor handed out. */
export const MIN_BYTES = 64 * 1024;

export class BufferPool {
  private readonly free: ArrayBuffer[] = [];

  /**
   * @param keep at most this many buffers kept
   * @param maxBytes a bigger buffer is not kept
   */
  constructor(
    private readonly keep = 8,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** A buffer of at least `min` bytes: the smallest kept one that fits, else a new one. */
  take(min: number): ArrayBuffer {
    if (min >= MIN_BYTES) {
      let best = -1;
      for (let i = 0; i < this.free.length; i++) if (this.free[i].byteLength >= min && (best < 0 || this.free[i].byteLength < this.free[best].byteLength)) best = i;
      if (best >= 0) return this.free.splice(best, 1)[0];
    }
    return new ArrayBuffer(min);
  }

  /** Keeps `b` for a later take() (not a detached, small or huge one; when full, in place of a smaller one). */
  give(b: ArrayBuffer | undefined): void {
    if (!b || b.byteLength < MIN_BYTES || b.byteLength > this.maxBytes) return;
    if (this.free.length < this.keep) {
      this.free.push(b);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < this.free.length; i++) if (this.free[i].byteLength < this.free[smallest].byteLength) smallest = i;
    if (this.free[smallest].byteLength < b.byteLength) this.free[smallest] = b;
  }

  /** Buffers kept now. */
  get size(): number {
    return this.free.length;
  }
}
