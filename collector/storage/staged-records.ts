// The staged record (issue 12): one interface sample in 48 fixed bytes, as ingest stages it
// (ingest_stage, staging.ts) and the merge reads it back (merge-plan.ts); built in the parse
// worker from a batch's columns (collector/ingest/packed.ts).
import { endianness } from 'node:os';
/**
 * A batch's interface samples as columns (collector/ingest/packed.ts builds them in a parse
 * worker). flags: bit0 32-bit counter, bit1 operUp known, bit2 operUp (iface_sample.flags). */
export interface IfaceColumns {
  n: number;
  /** Distinct "device\u0000interface" of the batch. */
  keys: string[];
  /**
   * `keys` as one string (JSON), built where the columns are: the store keeps each list's
   * series and device ids under it, so an agent sending the same interfaces every cycle costs
   * one lookup per batch instead of one per interface. Absent: no such cache.
   */
  keyList?: string;
  /** Per sample: its index in `keys`. */
  key: Uint32Array;
  ts: Float64Array;
  inOctets: BigUint64Array;
  outOctets: BigUint64Array;
  /** NaN: unknown. */
  uptime: Float64Array;
  /** NaN: unknown. */
  speed: Float64Array;
  flags: Uint8Array;
  /** Per sample: its index in the body's `samples`. */
  index: Uint32Array;
  /**
   * The samples as staged records (`RECORD` bytes each, in sample order), built where the
   * columns are (a parse worker) with the series field 0: the store writes each record's
   * series id and stages them without another pass over the fields.
   */
  records: ArrayBuffer;
}
/** Bytes per staged interface sample. */
export const RECORD = 48;
// Record layout, little-endian: series u32 @0, flags u32 @4, ts f64 @8, in u64 @16, out u64 @24,
// uptime f64 @32 (hundredths of a second), speed f64 @40 (bit/s).
// flags bits 0-2 are iface_sample.flags (bit0 32-bit, bit1 operUp known, bit2 operUp);
// bit8: uptime present, bit9: speed present.
export const HAS_UPTIME = 256;
export const HAS_SPEED = 512;

/**
 * Staged records as typed-array views of one 8-byte-aligned copy: record k's series is
 * u32[12k], flags u32[12k+1], ts f64[6k+1], in/out i64 (and u64) [6k+2] and [6k+3], uptime
 * f64[6k+4], speed f64[6k+5]. Indexing is several times cheaper than Buffer's read methods in
 * the merge's per-sample loop. Typed arrays read in the machine's byte order and the records
 * are little-endian, hence the check at load.
 */
export interface Records {
  n: number;
  u32: Uint32Array;
  f64: Float64Array;
  i64: BigInt64Array;
  u64: BigUint64Array;
}
if (endianness() !== 'LE') throw new Error('Pantau\'s store reads its staged samples as little-endian: it needs a little-endian machine (x86-64, arm64)');

/** Views of the staged records in the first `bytes` bytes of one buffer (default: all of it; no copy). */
export function recordsOf(buf: ArrayBuffer, bytes = buf.byteLength): Records {
  return { n: bytes / RECORD, u32: new Uint32Array(buf, 0, bytes / 4), f64: new Float64Array(buf, 0, bytes / 8), i64: new BigInt64Array(buf, 0, bytes / 8), u64: new BigUint64Array(buf, 0, bytes / 8) };
}

/**
 * The records of `blobs` (`bytes` long in all) in one buffer; the blobs are read one at a time,
 * so a generation is held once. `into`: a buffer to reuse when it is big enough (a new one is
 * made otherwise): memory fresh from the system costs a page fault per 4 KiB on first touch,
 * which on this project's machines made the copy ~20x slower than into warm memory.
 */
export function records(blobs: Iterable<Uint8Array>, bytes: number, into?: ArrayBuffer): Records {
  const buf = into && into.byteLength >= bytes ? into : new ArrayBuffer(bytes);
  const all = new Uint8Array(buf, 0, bytes);
  let at = 0;
  for (const b of blobs) {
    if (at + b.length > bytes) throw new Error(`staged records: more than the ${bytes} bytes counted`);
    all.set(b, at);
    at += b.length;
  }
  if (at !== bytes) throw new Error(`staged records: ${at} bytes read, ${bytes} counted`);
  return recordsOf(buf, bytes);
}

/**
 * `order` (record numbers 0..n-1) sorted by series, then time, then arrival (the record
 * number), as the comparator sort would: counted by series when the ids are dense enough (one
 * pass, stable), then each series' run checked and, only if its times are out of order, sorted.
 */
export function sortRecords(r: Records, order: Uint32Array): void {
  const { n, u32, f64 } = r;
  const cmp = (x: number, y: number) => u32[x * 12] - u32[y * 12] || f64[x * 6 + 1] - f64[y * 6 + 1] || x - y;
  let max = 0;
  for (let k = 0; k < n; k++) if (u32[k * 12] > max) max = u32[k * 12];
  if (max > 4 * n + 4096) {
    for (let k = 0; k < n; k++) order[k] = k;
    order.sort(cmp);
    return;
  }
  const start = new Uint32Array(max + 2);
  for (let k = 0; k < n; k++) start[u32[k * 12] + 1]++;
  for (let s = 1; s < start.length; s++) start[s] += start[s - 1];
  const at = start.slice(0, max + 1);
  for (let k = 0; k < n; k++) order[at[u32[k * 12]]++] = k;
  for (let s = 0; s <= max; s++) {
    const a = start[s];
    const b = start[s + 1];
    for (let i = a + 1; i < b; i++)
      if (f64[order[i] * 6 + 1] < f64[order[i - 1] * 6 + 1]) {
        order.subarray(a, b).sort(cmp);
        break;
      }
  }
}

/** Writes record `k` through the views of its buffer (the layout of `Records`). */
function putRecord(u32: Uint32Array, f64: Float64Array, u64: BigUint64Array, k: number, series: number, ts: number, inOctets: bigint, outOctets: bigint, uptime: number | undefined, speedBps: number | undefined, flags: number): void {
  const w = k * 12;
  const d = k * 6;
  u32[w] = series;
  u32[w + 1] = flags | (uptime === undefined ? 0 : HAS_UPTIME) | (speedBps === undefined ? 0 : HAS_SPEED);
  f64[d + 1] = ts;
  u64[d + 2] = inOctets; // a BigUint64Array keeps the value modulo 2^64, as BigInt.asUintN(64, ·)
  u64[d + 3] = outOctets;
  f64[d + 4] = uptime ?? 0;
  f64[d + 5] = speedBps ?? 0;
}

/**
 * The staged records of a batch's interface columns (`IfaceColumns.records`), series field 0;
 * NaN uptime or speed is an absent one.
 */
export function columnRecords(c: Omit<IfaceColumns, 'records'>): ArrayBuffer {
  const buf = new ArrayBuffer(Math.max(1, c.n) * RECORD);
  const u32 = new Uint32Array(buf);
  const f64 = new Float64Array(buf);
  const u64 = new BigUint64Array(buf);
  for (let k = 0; k < c.n; k++) {
    const up = c.uptime[k];
    const speed = c.speed[k];
    putRecord(u32, f64, u64, k, 0, c.ts[k], c.inOctets[k], c.outOctets[k], Number.isNaN(up) ? undefined : up, Number.isNaN(speed) ? undefined : speed, c.flags[k]);
  }
  return buf;
}

/** Builds one batch's staged records (the layout of `Records`, written through the same views). */
export class StagedRows {
  private readonly buf: ArrayBuffer;
  private readonly u32: Uint32Array;
  private readonly f64: Float64Array;
  private readonly u64: BigUint64Array;
  count = 0;

  constructor(capacity: number) {
    this.buf = new ArrayBuffer(Math.max(1, capacity) * RECORD);
    this.u32 = new Uint32Array(this.buf);
    this.f64 = new Float64Array(this.buf);
    this.u64 = new BigUint64Array(this.buf);
  }

  /** Records it holds room for. */
  get capacity(): number {
    return this.buf.byteLength / RECORD;
  }

  /** Empties it for another batch (a store reuses one for batch after batch: bytes() is copied by the statement that stages it). */
  reset(): this {
    this.count = 0;
    return this;
  }

  add(series: number, ts: number, inOctets: bigint, outOctets: bigint, uptime: number | undefined, speedBps: number | undefined, flags: number): void {
    if (series >>> 0 !== series) throw new RangeError(`series id ${series}: a staged record holds a 32-bit id`);
    putRecord(this.u32, this.f64, this.u64, this.count++, series, ts, inOctets, outOctets, uptime, speedBps, flags);
  }

  /**
   * Appends the records of `c` (columnRecords) whose `keep` is set, each with the series id of
   * its key (`seriesOfKey[c.key[k]]`).
   */
  addColumns(c: IfaceColumns, keep: Uint8Array, seriesOfKey: Float64Array): void {
    const all = new Uint8Array(this.buf);
    const from = new Uint8Array(c.records);
    let k = 0;
    while (k < c.n) {
      // Runs of kept records are copied whole.
      if (!keep[k]) {
        k++;
        continue;
      }
      let end = k + 1;
      while (end < c.n && keep[end]) end++;
      const at = this.count;
      all.set(from.subarray(k * RECORD, end * RECORD), at * RECORD);
      for (let i = k; i < end; i++) {
        const series = seriesOfKey[c.key[i]];
        if (series >>> 0 !== series) throw new RangeError(`sample ${i}: series id ${series} is not a 32-bit id (a staged record holds one)`);
        this.u32[(at + i - k) * 12] = series;
      }
      this.count += end - k;
      k = end;
    }
  }

  bytes(): Buffer {
    return Buffer.from(this.buf, 0, this.count * RECORD);
  }
}

/** The device and interface of a key of `IfaceColumns.keys` ("device\u0000interface"). */
export function splitKey(key: string): [device: string, iface: string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}
