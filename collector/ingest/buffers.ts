// Big ingest buffers used again instead of made anew (issue 12). Memory fresh from the system
// costs a page fault per 4 KiB on first touch: on this project's machines, copying a 1 MB body
// into a new buffer took 0.3-1.3 ms and into a used one 0.02 ms, and in the collector the
// bodies' and batches' new buffers were ~15 % of its CPU on big batches. Request bodies
// (route.ts) and the parse workers' batch buffers (fast-batch.ts) go round between the threads
// and come back here. Small ones (an agent's batch of a few dozen samples, under MIN_BYTES) are
// kept by size class: a new ArrayBuffer per request, with its zeroing and its finalisation by
// the garbage collector, was ~3 % of the collector's thread with hundreds of agents sending.

/** Buffers from this size on are kept one by one (the smallest that fits is handed out). */
export const MIN_BYTES = 64 * 1024;
/** Smaller ones come in size classes: powers of two from SMALL_MIN up to MIN_BYTES / 2. */
export const SMALL_MIN = 4 * 1024;
/** At most this many bytes of small buffers are kept. */
export const SMALL_MAX_TOTAL = 8 * 1024 * 1024;

/** The size class of a small request (`min` < MIN_BYTES): the smallest power of two from SMALL_MIN that holds it. */
const smallClass = (min: number): number => Math.max(SMALL_MIN, 2 ** Math.ceil(Math.log2(Math.max(1, min))));

export class BufferPool {
  private readonly free: ArrayBuffer[] = [];
  private held = 0;
  /** Small buffers kept, by size class. */
  private readonly small = new Map<number, ArrayBuffer[]>();
  private smallHeld = 0;

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

  /** A buffer of at least `min` bytes: a kept one of its size class, or the smallest kept one that fits; else a new one. */
  take(min: number): ArrayBuffer {
    if (min <= MIN_BYTES / 2) {
      const size = smallClass(min);
      const b = this.small.get(size)?.pop();
      if (!b) return new ArrayBuffer(size);
      this.smallHeld -= size;
      return b;
    }
    let best = -1;
    for (let i = 0; i < this.free.length; i++) if (this.free[i].byteLength >= min && (best < 0 || this.free[i].byteLength < this.free[best].byteLength)) best = i;
    if (best < 0) return new ArrayBuffer(Math.max(min, MIN_BYTES));
    const b = this.free.splice(best, 1)[0];
    this.held -= b.byteLength;
    return b;
  }

  /** Keeps `b` for a later take() (not a detached, small or huge one; when full, in place of a smaller one). */
  give(b: ArrayBuffer | undefined): void {
    if (!b) return;
    if (b.byteLength < MIN_BYTES) {
      // Only a buffer of a class size (taken from a pool); within SMALL_MAX_TOTAL.
      const size = b.byteLength;
      if (size < SMALL_MIN || smallClass(size) !== size || this.smallHeld + size > SMALL_MAX_TOTAL) return;
      let list = this.small.get(size);
      if (!list) this.small.set(size, (list = []));
      list.push(b);
      this.smallHeld += size;
      return;
    }
    if (b.byteLength > this.maxBytes || b.byteLength > this.maxTotal) return;
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

  /** Buffers kept now (from MIN_BYTES on). */
  get size(): number {
    return this.free.length;
  }

  /** Bytes kept now (from MIN_BYTES on). */
  get bytes(): number {
    return this.held;
  }

  /** Bytes of small buffers kept now. */
  get smallBytes(): number {
    return this.smallHeld;
  }
}
