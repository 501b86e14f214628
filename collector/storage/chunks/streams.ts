// The byte-level pieces of a chunk (chunks/codec.ts): unsigned LEB128 varints of bigints,
// zigzag for signed values, and one "stream" of unsigned values written in whichever of two
// forms is smaller: run-length pairs (value, count) for columns that rarely change, or blocks
// of 16 values bit-packed at the width of the block's largest value (a width byte per block,
// width 0 for a block of zeros). Everything is exact for any size of bigint.

const BLOCK = 16;

export const zigzag = (v: bigint): bigint => (v >= 0n ? v << 1n : (-v << 1n) - 1n);
export const unzigzag = (z: bigint): bigint => ((z & 1n) === 0n ? z >> 1n : -((z + 1n) >> 1n));

const bitLength = (v: bigint): number => (v === 0n ? 0 : v.toString(2).length);

/** Bits of a non-negative safe integer (exact: shifts and clz32, no logarithm). */
function bitLengthNum(v: number): number {
  if (v < 2 ** 32) return 32 - Math.clz32(v);
  return 32 + (32 - Math.clz32(Math.floor(v / 2 ** 32)));
}

function varintSizeNum(v: number): number {
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  let n = 5;
  for (let x = Math.floor(v / 2 ** 35); x > 0; x = Math.floor(x / 128)) n++;
  return n;
}

function varintSize(v: bigint): number {
  let n = 1;
  for (let x = v >> 7n; x > 0n; x >>= 7n) n++;
  return n;
}

/** What Writer.streamOf needs of a value type: its varint size, bit width, zero, and how to write it. */
interface ValueOps<T> {
  zero: T;
  size(v: T): number;
  width(max: T): number;
  put(w: Writer, v: T): void;
  pack(w: Writer, values: T[], from: number, count: number, width: number): void;
}

/** A growable byte buffer with a bit cursor for the packed blocks. */
export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.len++] = b;
  }

  /** Unsigned varint (LEB128) of a non-negative value. */
  uvar(v: bigint): void {
    if (v < 0n) throw new RangeError(`varint of a negative value ${v}`);
    if (v < 0x80n) return this.byte(Number(v));
    if (v <= 0xffffffffn) {
      let x = Number(v);
      while (x >= 0x80) {
        this.byte((x & 0x7f) | 0x80);
        x = Math.floor(x / 128);
      }
      return this.byte(x);
    }
    let x = v;
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  svar(v: bigint): void {
    this.uvar(zigzag(v));
  }

  /** `count` values of `width` bits each, least significant bit first. */
  bits(values: bigint[], from: number, count: number, width: number): void {
    const bytes = Math.ceil((count * width) / 8);
    this.room(bytes);
    const start = this.len;
    this.buf.fill(0, start, start + bytes);
    let bit = 0;
    for (let i = 0; i < count; i++) {
      let v = values[from + i];
      let left = width;
      while (left > 0) {
        const pos = start + (bit >> 3);
        const off = bit & 7;
        const take = Math.min(8 - off, left);
        this.buf[pos] |= (Number(v & BigInt((1 << take) - 1)) << off) & 0xff;
        v >>= BigInt(take);
        bit += take;
        left -= take;
      }
    }
    this.len += bytes;
  }

  /** One stream: run-length pairs or bit-packed blocks, whichever is smaller. */
  stream(values: bigint[]): void {
    this.streamOf(values, BIGINTS);
  }

  /**
   * `stream` of values that are all non-negative safe integers, as numbers: byte for byte what
   * `stream` writes for the same values as bigints, several times faster (the merge encodes
   * every segment through here). The caller checks the values (codec.ts).
   */
  streamNum(values: number[]): void {
    this.streamOf(values, NUMBERS);
  }

  /** The stream's two forms, sized and written with `ops` (bigints or numbers); run lengths are numbers either way. */
  private streamOf<T extends bigint | number>(values: T[], ops: ValueOps<T>): void {
    let rle = 0;
    let runs = 0;
    for (let i = 0; i < values.length; ) {
      let j = i + 1;
      while (j < values.length && values[j] === values[i]) j++;
      rle += ops.size(values[i]) + varintSizeNum(j - i);
      runs++;
      i = j;
    }
    const widths: number[] = [];
    let packed = 0;
    for (let i = 0; i < values.length; i += BLOCK) {
      let max = ops.zero;
      for (let k = i; k < Math.min(i + BLOCK, values.length); k++) if (values[k] > max) max = values[k];
      const w = ops.width(max);
      widths.push(w);
      packed += 1 + Math.ceil((Math.min(BLOCK, values.length - i) * w) / 8);
    }
    if (rle + varintSizeNum(runs) <= packed) {
      this.byte(0);
      this.uvarNum(runs);
      for (let i = 0; i < values.length; ) {
        let j = i + 1;
        while (j < values.length && values[j] === values[i]) j++;
        ops.put(this, values[i]);
        this.uvarNum(j - i);
        i = j;
      }
      return;
    }
    this.byte(1);
    for (let b = 0; b < widths.length; b++) {
      const from = b * BLOCK;
      this.uvarNum(widths[b]);
      ops.pack(this, values, from, Math.min(BLOCK, values.length - from), widths[b]);
    }
  }

  /** `uvar` of a non-negative safe integer, the same bytes. */
  uvarNum(v: number): void {
    let x = v;
    while (x >= 0x80) {
      this.byte((x % 128) | 0x80);
      x = Math.floor(x / 128);
    }
    this.byte(x);
  }

  /** `bits` of non-negative safe integers (width at most 53): the same bytes. */
  bitsNum(values: number[], from: number, count: number, width: number): void {
    const bytes = Math.ceil((count * width) / 8);
    this.room(bytes);
    // Least significant bit first through a 32-bit accumulator, fed at most 24 bits at a time
    // (a wider value in pieces of 24 bits, low piece first: the same bit order): fewer than 8
    // bits wait in it, so it never holds more than 31.
    const buf = this.buf;
    let acc = 0;
    let held = 0;
    let pos = this.len;
    for (let i = 0; i < count; i++) {
      let v = values[from + i];
      let left = width;
      while (left > 0) {
        const take = left > 24 ? 24 : left;
        const piece = left > 24 ? v % 0x1000000 : v;
        if (left > 24) v = (v - piece) / 0x1000000;
        acc |= piece << held;
        held += take;
        left -= take;
        while (held >= 8) {
          buf[pos++] = acc & 0xff;
          acc >>>= 8;
          held -= 8;
        }
      }
    }
    if (held > 0) buf[pos++] = acc & 0xff;
    this.len += bytes;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const BIGINTS: ValueOps<bigint> = {
  zero: 0n,
  size: varintSize,
  width: bitLength,
  put: (w, v) => w.uvar(v),
  pack: (w, values, from, count, width) => w.bits(values, from, count, width),
};
const NUMBERS: ValueOps<number> = {
  zero: 0,
  size: varintSizeNum,
  width: bitLengthNum,
  put: (w, v) => w.uvarNum(v),
  pack: (w, values, from, count, width) => w.bitsNum(values, from, count, width),
};

export class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  byte(): number {
    if (this.pos >= this.buf.length) throw new RangeError('chunk: unexpected end of data');
    return this.buf[this.pos++];
  }

  uvar(): bigint {
    let shift = 0;
    let small = 0;
    // Fast path while the value fits in 28 bits of a JS number.
    for (; shift < 28; shift += 7) {
      const b = this.byte();
      small += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return BigInt(small);
    }
    let v = BigInt(small);
    for (let s = BigInt(shift); ; s += 7n) {
      const b = this.byte();
      v |= BigInt(b & 0x7f) << s;
      if (b < 0x80) return v;
    }
  }

  svar(): bigint {
    return unzigzag(this.uvar());
  }

  private bits(out: bigint[], count: number, width: number): void {
    const bytes = Math.ceil((count * width) / 8);
    if (this.pos + bytes > this.buf.length) throw new RangeError('chunk: unexpected end of data');
    const start = this.pos;
    let bit = 0;
    for (let i = 0; i < count; i++) {
      if (width <= 48) {
        let v = 0;
        let got = 0;
        while (got < width) {
          const off = bit & 7;
          const take = Math.min(8 - off, width - got);
          v += ((this.buf[start + (bit >> 3)] >> off) & ((1 << take) - 1)) * 2 ** got;
          got += take;
          bit += take;
        }
        out.push(BigInt(v));
      } else {
        let v = 0n;
        let got = 0;
        while (got < width) {
          const off = bit & 7;
          const take = Math.min(8 - off, width - got);
          v |= BigInt((this.buf[start + (bit >> 3)] >> off) & ((1 << take) - 1)) << BigInt(got);
          got += take;
          bit += take;
        }
        out.push(v);
      }
    }
    this.pos += bytes;
  }

  /** `count` values of a stream written by Writer.stream. */
  stream(count: number): bigint[] {
    const out: bigint[] = [];
    const form = this.byte();
    if (form === 0) {
      const runs = Number(this.uvar());
      for (let r = 0; r < runs; r++) {
        const v = this.uvar();
        const n = Number(this.uvar());
        if (out.length + n > count) throw new RangeError('chunk: a run goes past the sample count');
        for (let k = 0; k < n; k++) out.push(v);
      }
    } else if (form === 1) {
      for (let i = 0; i < count; i += BLOCK) {
        const w = Number(this.uvar());
        if (w > 200) throw new RangeError(`chunk: block width ${w} is not plausible`);
        const n = Math.min(BLOCK, count - i);
        if (w === 0) for (let k = 0; k < n; k++) out.push(0n);
        else this.bits(out, n, w);
      }
    } else throw new RangeError(`chunk: unknown stream form ${form}`);
    if (out.length !== count) throw new RangeError(`chunk: stream holds ${out.length} values, expected ${count}`);
    return out;
  }

  done(): boolean {
    return this.pos === this.buf.length;
  }
}
