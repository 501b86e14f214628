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
  private held = 0;

  /**
   * @param keep at most this many buffers kept
   * @param maxBytes a bigger buffer is not kept
   * @param maxTotal at most this many bytes kept in all
   */
  constructor(
    private readonly keep = 8,
    private readonly maxBytes = 32 * 1024 * 1024,
    private readonly maxTotal = 64 * 1024 * 1024,
  ) {}

  /** A buffer of at least `min` bytes: the smallest kept one that fits, else a new one. */
  take(min: number): ArrayBuffer {
    if (min >= MIN_BYTES) {
      let best = -1;
      for (let i = 0; i < this.free.length; i++) if (this.free[i].byteLength >= min && (best < 0 || this.free[i].byteLength < this.free[best].byteLength)) best = i;
      if (best >= 0) {
        const b = this.free.splice(best, 1)[0];
        this.held -= b.byteLength;
        return b;
      }
    }
    return new ArrayBuffer(min);
  }

  /** Keeps `b` for a later take() (not a detached, small or huge one; when full, in place of a smaller one). */
  give(b: ArrayBuffer | undefined): void {
    if (!b || b.byteLength < MIN_BYTES || b.byteLength > this.maxBytes || b.byteLength > this.maxTotal) return;
    while (this.free.length > 0 && (this.free.length >= this.keep || this.held + b.byteLength > this.maxTotal)) {
      let smallest = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i].byteLength < this.free[smallest].byteLength) smallest = i;
      if (this.free[smallest].byteLength >= b.byteLength) return; // the kept ones are all bigger: keep them
      this.held -= this.free[smallest].byteLength;
      this.free.splice(smallest, 1);
    }
    if (this.held + b.byteLength > this.maxTotal) return;
    this.free.push(b);
    this.held += b.byteLength;
  }

  /** Buffers kept now. */
  get size(): number {
    return this.free.length;
  }

  /** Bytes kept now. */
  get bytes(): number {
    return this.held;
  }
}
