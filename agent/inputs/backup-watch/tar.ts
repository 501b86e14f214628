// A streaming check of a tar archive's header chain (POSIX ustar, pax, GNU and v7 headers): each
// header's checksum, its size field, its data blocks, up to two zero blocks or the end of the
// input at a block boundary. It reads only headers: the data is skipped, never buffered. Fed
// the raw file for `.tar`, the decompressed stream for `.tar.gz`/`.tgz`.

const BLOCK = 512;
/** A pax extended header larger than this is skipped, not parsed (its `size=` then unseen). */
const MAX_PAX = 1 << 20;
/** Entry types with no data blocks whatever their size field says: links, devices, dirs, FIFOs. */
const NO_DATA = new Set(['1', '2', '3', '4', '5', '6']);

type Mode = 'header' | 'data' | 'pax' | 'sparse' | 'ended';

export class TarChecker {
  /** Bytes consumed so far (offset in the tar stream). */
  private pos = 0;
  private mode: Mode = 'header';
  private readonly block = Buffer.alloc(BLOCK);
  private fill = 0;
  /** Bytes of data (with padding) still to skip in 'data' and 'pax' modes. */
  private skip = 0;
  /** Unpadded data length of the current entry and where its data began (for messages). */
  private entry = { name: '', size: 0, dataAt: 0 };
  private zeros = 0;
  private pax: Buffer[] = [];
  private paxBytes = 0;
  private paxSize: number | undefined;
  private entries = 0;
  /** The first fault found; once set, further input is ignored. */
  error: string | undefined;

  write(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length && !this.error) {
      if (this.mode === 'ended') return; // what follows the end marker (record padding) is not read
      if (this.mode === 'data' || this.mode === 'pax') {
        const n = Math.min(this.skip, chunk.length - i);
        if (this.mode === 'pax' && this.paxBytes < MAX_PAX) {
          this.pax.push(chunk.subarray(i, i + n));
          this.paxBytes += n;
        }
        i += n;
        this.pos += n;
        this.skip -= n;
        if (this.skip === 0) {
          if (this.mode === 'pax') this.endPax();
          this.mode = 'header';
        }
        continue;
      }
      const n = Math.min(BLOCK - this.fill, chunk.length - i);
      chunk.copy(this.block, this.fill, i, i + n);
      this.fill += n;
      i += n;
      this.pos += n;
      if (this.fill === BLOCK) {
        this.fill = 0;
        if (this.mode === 'sparse') {
          if (this.block[504] === 0) this.startData();
        } else this.header(this.pos - BLOCK);
      }
    }
  }

  /** The fault, or undefined when the input ended where a tar archive may end. */
  end(): string | undefined {
    if (this.error) return this.error;
    if (this.mode === 'ended') return undefined;
    if (this.fill > 0 || this.mode === 'sparse')
      return (this.error = `tar: ends inside a header at byte ${this.pos} (truncated)`);
    if (this.mode === 'data' || this.mode === 'pax') {
      const got = this.pos - this.entry.dataAt;
      if (got >= this.entry.size) return (this.error = `tar: the archive ends at byte ${this.pos}, inside the padding of entry ${show(this.entry.name)}, not at a 512-byte block boundary (truncated)`);
      return (this.error = `tar: entry ${show(this.entry.name)} has ${got} of its ${this.entry.size} bytes; the archive ends at byte ${this.pos} (truncated)`);
    }
    if (this.pos === 0) return (this.error = 'tar: empty (no header)');
    return undefined;
  }

  private header(at: number): void {
    const b = this.block;
    if (b.every((x) => x === 0)) {
      if (++this.zeros === 2) this.mode = 'ended';
      return;
    }
    if (this.zeros === 1) {
      this.error = `tar: a lone zero block at byte ${at - BLOCK} before a header (corrupt)`;
      return;
    }
    const name = nameOf(b);
    const stored = octal(b.subarray(148, 156));
    if (stored === undefined) {
      this.error = `tar: header at byte ${at}${this.entries === 0 ? '' : ` (after ${this.entries} entries)`} has no valid checksum field: not a tar archive or corrupt`;
      return;
    }
    let unsigned = 0;
    let signed = 0;
    for (let k = 0; k < BLOCK; k++) {
      const x = k >= 148 && k < 156 ? 0x20 : b[k];
      unsigned += x;
      signed += x > 127 ? x - 256 : x;
    }
    if (stored !== unsigned && stored !== signed) {
      this.error = `tar: header at byte ${at} (entry ${show(name)}) has a bad checksum (stored ${stored}, computed ${unsigned}): corrupt`;
      return;
    }
    let size = numeric(b.subarray(124, 136));
    if (size === undefined) {
      this.error = `tar: header at byte ${at} (entry ${show(name)}) has an invalid size field: corrupt`;
      return;
    }
    const type = b[156] === 0 ? '0' : String.fromCharCode(b[156]);
    this.entries++;
    if (type === 'x' || type === 'g') {
      this.entry = { name, size, dataAt: this.pos };
      this.pax = [];
      this.paxBytes = 0;
      if (type === 'x' && size > 0) {
        this.skip = padded(size);
        this.mode = 'pax';
        return;
      }
      this.skipData(size);
      return;
    }
    if (this.paxSize !== undefined && type !== 'L' && type !== 'K') {
      size = this.paxSize;
      this.paxSize = undefined;
    }
    this.entry = { name, size: NO_DATA.has(type) ? 0 : size, dataAt: this.pos };
    if (type === 'S' && b[482] !== 0) {
      this.mode = 'sparse'; // GNU old sparse: extension headers follow, then the data
      return;
    }
    this.startData();
  }

  private startData(): void {
    this.entry.dataAt = this.pos;
    this.skipData(this.entry.size);
  }

  private skipData(size: number): void {
    this.skip = padded(size);
    this.mode = this.skip > 0 ? 'data' : 'header';
  }

  /** Reads `size=` from a pax extended header: it overrides the next entry's size field. */
  private endPax(): void {
    const text = Buffer.concat(this.pax).subarray(0, this.entry.size).toString('utf8');
    const m = /(?:^|\n)\d+ size=(\d+)\n/.exec(text);
    if (m) this.paxSize = Number(m[1]);
    this.pax = [];
  }
}

const padded = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

function show(name: string): string {
  return JSON.stringify(name.length > 120 ? name.slice(0, 117) + '...' : name);
}

function nameOf(b: Buffer): string {
  const cut = (x: Buffer) => {
    const z = x.indexOf(0);
    return x.subarray(0, z < 0 ? x.length : z).toString('utf8');
  };
  const name = cut(b.subarray(0, 100));
  const ustar = b.subarray(257, 262).toString('latin1') === 'ustar';
  const prefix = ustar && b[263] === 0x30 ? cut(b.subarray(345, 500)) : ''; // POSIX ustar "00" only
  return prefix ? `${prefix}/${name}` : name;
}

/** An octal field, NUL- or space-terminated (leading spaces allowed); undefined when not one. */
function octal(f: Buffer): number | undefined {
  const s = f.toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  const t = s.split(/[\0 ]/)[0];
  if (!/^[0-7]+$/.test(t)) return s === '' ? 0 : undefined;
  return parseInt(t, 8);
}

/** A size field: octal, or GNU base-256 (high bit of the first byte set) for sizes of 8 GiB and more. */
function numeric(f: Buffer): number | undefined {
  if (f[0] & 0x80) {
    if (f[0] & 0x40) return undefined; // negative
    let v = f[0] & 0x3f;
    for (let k = 1; k < f.length; k++) v = v * 256 + f[k];
    return Number.isSafeInteger(v) ? v : undefined;
  }
  return octal(f);
}
