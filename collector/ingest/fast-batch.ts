// The usual ingest body read straight from its bytes (issue 12): no string of the whole body,
// no JSON.parse of it, no object per interface sample. Measured in a parse worker, turning a
// 1 MB body into a string cost as much as JSON.parse of it, and both together about half of
// what ingest spent per sample.
//
// It reads a strict subset of JSON: the body object's keys agent, batch and samples, and
// interface samples whose keys are the protocol's, with ASCII strings without escapes, whole
// numbers and true/false, every value within what validate.ts accepts. Any other sample (another
// type, escapes or non-ASCII bytes, a value to refuse or set aside, an unknown or repeated key)
// is cut out of the bytes and goes through JSON.parse and validate.ts by itself, as before. Any
// other body (anything at its top level out of the subset, a syntax error anywhere) gets
// undefined, and parse-batch.ts reads it the old way. Either way the result is what the old way
// gives for the body, field for field (test/collector/fast-batch.test.ts compares them).
import { MAX_INTERFACE_NAME } from '../../protocol/interface-name.js';
import type { FieldSetAside, Sample, SampleRefusal } from '../../protocol/samples.js';
import { HAS_SPEED, HAS_UPTIME, RECORD } from '../storage/staged-records.js';
import { forbiddenPrototype } from './json-guard.js';
import type { BufferPool } from './buffers.js';
import type { PackedBatch } from './packed.js';
import type { ParsedBatch } from './parse-batch.js';
import { acceptanceWindow, validateSample, type AcceptanceWindow } from './validate.js';

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const BACKSLASH = 0x5c;
const ZERO = 0x30;
const NINE = 0x39;
const U32_MAX = 0xffffffff;
const U64_MAX = (1n << 64n) - 1n;
const TWO32 = 4294967296;

const bytesOf = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));
const KEYS = ['type', 'device', 'interface', 'ts', 'inOctets', 'outOctets', 'bits', 'uptime', 'operUp', 'speedBps'].map(bytesOf);
const [TYPE, DEVICE, IFACE, TS, IN, OUT, BITS, UPTIME, OPER, SPEED] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
/** type, device, interface, ts, inOctets, outOctets and bits: the keys an interface sample must have. */
const REQUIRED = 0b1111111;
const TOP = ['agent', 'batch', 'samples'].map(bytesOf);
const IFACE_VALUE = bytesOf('"iface"');
const TRUE = bytesOf('true');
const FALSE = bytesOf('false');

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function ws(b: Uint8Array, p: number): number {
  while (p < b.length && isWs(b[p])) p++;
  return p;
}

function bytesAt(b: Uint8Array, p: number, word: Uint8Array): boolean {
  if (p + word.length > b.length) return false;
  for (let i = 0; i < word.length; i++) if (b[p + i] !== word[i]) return false;
  return true;
}

/** The closing quote of a string whose bytes begin at `p` (after its opening quote), or -1 if it holds anything but printable ASCII without escapes. */
function plainEnd(b: Uint8Array, p: number): number {
  for (; p < b.length; p++) {
    const c = b[p];
    if (c === QUOTE) return p;
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
  }
  return -1;
}

/** Which of KEYS the key b[s..e) is, or -1: picked by its length and first byte, then compared whole. */
function sampleKey(b: Uint8Array, s: number, e: number): number {
  const c = b[s];
  let k: number;
  switch (e - s) {
    case 2: k = TS; break;
    case 4: k = c === 0x74 ? TYPE : BITS; break;
    case 6: k = c === 0x64 ? DEVICE : c === 0x75 ? UPTIME : OPER; break;
    case 8: k = c === 0x69 ? IN : SPEED; break;
    case 9: k = c === 0x69 ? IFACE : OUT; break;
    default: return -1;
  }
  return bytesAt(b, s, KEYS[k]) ? k : -1;
}

/** Which of `words` the key b[s..e) is, or -1. */
function keyOf(b: Uint8Array, s: number, e: number, words: Uint8Array[]): number {
  const n = e - s;
  for (let k = 0; k < words.length; k++) if (words[k].length === n && bytesAt(b, s, words[k])) return k;
  return -1;
}

/** Set by wholeAt: the value of the whole number read. */
let whole = 0;

/**
 * A whole number of at most 15 digits at `p` (exact as a double), left in `whole`: the index
 * after it, or -1 (a sign, a fraction, an exponent, more digits, a leading zero, not a number).
 */
function wholeAt(b: Uint8Array, p: number): number {
  const s = p;
  let v = 0;
  while (p < b.length && b[p] >= ZERO && b[p] <= NINE) v = v * 10 + (b[p++] - ZERO);
  const n = p - s;
  if (n === 0 || n > 15 || (n > 1 && b[s] === ZERO)) return -1;
  if (p < b.length && (b[p] === 0x2e || b[p] === 0x65 || b[p] === 0x45)) return -1;
  whole = v;
  return p;
}

/** The index just after the JSON value (object or array) that begins at `p`, by brackets and strings alone (JSON.parse judges the rest), or -1. */
function valueEnd(b: Uint8Array, p: number): number {
  let depth = 0;
  for (; p < b.length; p++) {
    const c = b[p];
    if (c === QUOTE) {
      for (p++; p < b.length && b[p] !== QUOTE; p++) if (b[p] === BACKSLASH) p++;
      if (p >= b.length) return -1;
    } else if (c === LBRACE || c === LBRACKET) depth++;
    else if (c === RBRACE || c === RBRACKET) {
      if (--depth === 0) return p + 1;
    }
  }
  return -1;
}

const FNV = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Whether `key` ("device\u0000interface") is b[ds..de) NUL b[is..ie). */
function sameKey(key: string, b: Uint8Array, ds: number, de: number, is: number, ie: number): boolean {
  const dn = de - ds;
  if (key.length !== dn + 1 + ie - is || key.charCodeAt(dn) !== 0) return false;
  for (let x = 0; x < dn; x++) if (key.charCodeAt(x) !== b[ds + x]) return false;
  for (let x = is, y = dn + 1; x < ie; x++, y++) if (key.charCodeAt(y) !== b[x]) return false;
  return true;
}

/**
 * The interface samples read so far: staged records (staged-records.ts' layout, series 0) and,
 * per sample, its key and index in the body. Its buffers are kept from body to body (one
 * worker reads one body at a time).
 */
class Rows {
  n = 0;
  rec = new ArrayBuffer(0);
  u32 = new Uint32Array(0);
  f64 = new Float64Array(0);
  u64 = new BigUint64Array(0);
  key = new Uint32Array(0);
  index = new Uint32Array(0);
  keys: string[] = [];
  keyOf = new Map<string, number>();
  /** ASCII keys by a hash of their bytes (hashKey), so a key read from bytes is found without making its string; `chain` links keys of one hash. */
  byHash = new Map<number, number>();
  chain: number[] = [];

  /** Buffers come from here, and the records go out in one of them, when a worker reads (BufferPool). */
  private pool: BufferPool | undefined;

  /** Records there is room for: the least of the records buffer's and the key (and index) arrays'. */
  private cap = 0;

  reset(capacity: number, pool: BufferPool | undefined): void {
    this.n = 0;
    this.keys = [];
    this.keyOf = new Map();
    this.byHash = new Map();
    this.chain = [];
    this.pool = pool;
    this.ensure(capacity);
  }

  /** Room for `capacity` records at least, keeping the first n; each buffer is replaced only when it is too small. */
  private ensure(capacity: number): void {
    if (this.rec.byteLength < capacity * RECORD) {
      const rec = this.pool ? this.pool.take(capacity * RECORD) : new ArrayBuffer(capacity * RECORD);
      new Uint8Array(rec).set(new Uint8Array(this.rec, 0, this.n * RECORD));
      this.pool?.give(this.rec);
      this.rec = rec;
      this.u32 = new Uint32Array(rec);
      this.f64 = new Float64Array(rec);
      this.u64 = new BigUint64Array(rec);
    }
    if (this.key.length < capacity) {
      const key = new Uint32Array(capacity);
      key.set(this.key.subarray(0, this.n));
      this.key = key;
      const index = new Uint32Array(capacity);
      index.set(this.index.subarray(0, this.n));
      this.index = index;
    }
    this.cap = Math.min(this.key.length, Math.floor(this.rec.byteLength / RECORD)); // index grows with key
  }

  /** Room for one more, of key `j`; returns its number. */
  private next(j: number, i: number): number {
    if (this.n >= this.cap) this.ensure(Math.max(64, this.n * 2));
    const k = this.n++;
    this.key[k] = j;
    this.index[k] = i;
    return k;
  }

  private newKey(name: string): number {
    const j = this.keys.push(name) - 1;
    this.keyOf.set(name, j);
    let h = FNV;
    for (let x = 0; x < name.length; x++) {
      const c = name.charCodeAt(x);
      if (c > 0x7f) return j; // never read from bytes (those are ASCII)
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    h &= 0x3fffffff;
    const first = this.byHash.get(h);
    this.chain[j] = first ?? -1;
    this.byHash.set(h, j);
    return j;
  }

  /** Room for one more, of the key named; returns its number. */
  nextNamed(name: string, i: number): number {
    return this.next(this.keyOf.get(name) ?? this.newKey(name), i);
  }

  /** Room for one more, of the key whose device and interface are b[ds..de) and b[is..ie) (ASCII); returns its number. */
  nextBytes(buf: Buffer, ds: number, de: number, is: number, ie: number, i: number): number {
    let h = FNV;
    for (let x = ds; x < de; x++) h = Math.imul(h ^ buf[x], FNV_PRIME);
    h = Math.imul(h, FNV_PRIME); // the NUL between them
    for (let x = is; x < ie; x++) h = Math.imul(h ^ buf[x], FNV_PRIME);
    h &= 0x3fffffff;
    let j = this.byHash.get(h) ?? -1;
    for (; j >= 0; j = this.chain[j]) if (sameKey(this.keys[j], buf, ds, de, is, ie)) return this.next(j, i);
    return this.next(this.newKey(`${buf.toString('latin1', ds, de)}\u0000${buf.toString('latin1', is, ie)}`), i);
  }

  /** A sample validate.ts kept (as pack() would add it). */
  addSample(s: Extract<Sample, { type: 'iface' }>, i: number): void {
    const k = this.nextNamed(`${s.device}\u0000${s.interface}`, i);
    const w = k * 12;
    const d = k * 6;
    this.u32[w] = 0;
    this.u32[w + 1] = (s.bits === 32 ? 1 : 0) | (s.operUp === undefined ? 0 : 2 | (s.operUp ? 4 : 0)) | (s.uptime === undefined ? 0 : HAS_UPTIME) | (s.speedBps === undefined ? 0 : HAS_SPEED);
    this.f64[d + 1] = s.ts;
    this.u64[d + 2] = s.inOctets;
    this.u64[d + 3] = s.outOctets;
    this.f64[d + 4] = s.uptime ?? 0;
    this.f64[d + 5] = s.speedBps ?? 0;
  }

  /**
   * The batch's columns and records, as pack() lays them out. With a pool, the columns' buffer
   * comes from it and the records are the buffer they were read into (at least n × RECORD
   * bytes; the next body reads into another one from the pool); without, both are exact copies.
   */
  packed(): PackedBatch['iface'] {
    const n = this.n;
    const bytes = n * (8 * 5 + 4 * 2 + 1);
    const buf = this.pool ? this.pool.take(bytes) : new ArrayBuffer(bytes);
    const ts = new Float64Array(buf, 0, n);
    const inOctets = new BigUint64Array(buf, 8 * n, n);
    const outOctets = new BigUint64Array(buf, 16 * n, n);
    const uptime = new Float64Array(buf, 24 * n, n);
    const speed = new Float64Array(buf, 32 * n, n);
    const key = new Uint32Array(buf, 40 * n, n);
    const index = new Uint32Array(buf, 44 * n, n);
    const flags = new Uint8Array(buf, 48 * n, n);
    const dst = new Uint32Array(buf, 0, 10 * n);
    const { u32, f64 } = this;
    for (let k = 0; k < n; k++) {
      const w = k * 12;
      const d = k * 6;
      const f = u32[w + 1];
      ts[k] = f64[d + 1];
      dst[2 * n + 2 * k] = u32[w + 4];
      dst[2 * n + 2 * k + 1] = u32[w + 5];
      dst[4 * n + 2 * k] = u32[w + 6];
      dst[4 * n + 2 * k + 1] = u32[w + 7];
      uptime[k] = f & HAS_UPTIME ? f64[d + 4] : NaN;
      speed[k] = f & HAS_SPEED ? f64[d + 5] : NaN;
      flags[k] = f & 7;
    }
    key.set(this.key.subarray(0, n));
    index.set(this.index.subarray(0, n));
    let records: ArrayBuffer;
    if (n === 0) records = new ArrayBuffer(RECORD);
    else if (this.pool) {
      records = this.rec;
      this.rec = new ArrayBuffer(0);
      this.cap = 0;
    } else records = this.rec.slice(0, n * RECORD);
    return { n, keys: this.keys, keyList: JSON.stringify(this.keys), key, ts, inOctets, outOctets, uptime, speed, flags, index, records };
  }
}

const rows = new Rows();

/** What reading one body needs besides the bytes. */
interface Read {
  b: Uint8Array;
  buf: Buffer;
  win: AcceptanceWindow;
  refused: SampleRefusal[];
  setAside: FieldSetAside[];
  others: Sample[];
  otherIndex: number[];
  newest: number | undefined;
}

/** A counter read by counterAt: a double when exact (below 2^53), else a bigint. */
let counterNum = 0;
let counterBig: bigint | undefined;

/** A counter at `p`: a decimal string as validate.ts takes it, or a whole number; the index after it, or -1. */
function counterAt(r: Read, p: number): number {
  const b = r.b;
  if (b[p] !== QUOTE) {
    const e = wholeAt(b, p);
    if (e < 0) return -1;
    counterNum = whole;
    counterBig = undefined;
    return e;
  }
  const s = p + 1;
  let e = s;
  let v = 0;
  while (e < b.length && b[e] >= ZERO && b[e] <= NINE) v = v * 10 + (b[e++] - ZERO);
  const n = e - s;
  if (b[e] !== QUOTE || n === 0 || n > 20 || (n > 1 && b[s] === ZERO)) return -1;
  if (n <= 15) {
    counterNum = v;
    counterBig = undefined;
  } else {
    const big = BigInt(r.buf.toString('latin1', s, e));
    if (big > U64_MAX) return -1;
    counterBig = big;
  }
  return e + 1;
}

/**
 * An interface sample at `p` read wholly from its bytes and added to `rows`: the index after
 * it, or -1 when it is not in the subset (nothing added; the caller reads it the slow way).
 */
function fastIface(r: Read, p: number, i: number): number {
  const b = r.b;
  let seen = 0;
  let devS = 0;
  let devE = 0;
  let ifS = 0;
  let ifE = 0;
  let ts = 0;
  let bits = 0;
  let inNum = 0;
  let inBig: bigint | undefined;
  let outNum = 0;
  let outBig: bigint | undefined;
  let uptime = -1;
  let oper = -1;
  let speed = -1;
  p = ws(b, p + 1);
  for (;;) {
    if (b[p] !== QUOTE) return -1;
    const ke = plainEnd(b, p + 1);
    if (ke < 0) return -1;
    const k = sampleKey(b, p + 1, ke);
    if (k < 0 || seen & (1 << k)) return -1;
    seen |= 1 << k;
    p = ws(b, ke + 1);
    if (b[p] !== COLON) return -1;
    p = ws(b, p + 1);
    switch (k) {
      case TYPE:
        if (!bytesAt(b, p, IFACE_VALUE)) return -1;
        p += IFACE_VALUE.length;
        break;
      case DEVICE:
      case IFACE: {
        if (b[p] !== QUOTE) return -1;
        const e = plainEnd(b, p + 1);
        const n = e - p - 1;
        if (e < 0 || n === 0 || n > (k === DEVICE ? 128 : MAX_INTERFACE_NAME)) return -1;
        if (k === DEVICE) {
          devS = p + 1;
          devE = e;
        } else {
          ifS = p + 1;
          ifE = e;
        }
        p = e + 1;
        break;
      }
      case TS:
        if ((p = wholeAt(b, p)) < 0 || whole < r.win.from || whole > r.win.to) return -1;
        ts = whole;
        break;
      case BITS:
        if ((p = wholeAt(b, p)) < 0 || (whole !== 64 && whole !== 32)) return -1;
        bits = whole;
        break;
      case IN:
      case OUT:
        if ((p = counterAt(r, p)) < 0) return -1;
        if (k === IN) {
          inNum = counterNum;
          inBig = counterBig;
        } else {
          outNum = counterNum;
          outBig = counterBig;
        }
        break;
      case UPTIME:
        if ((p = wholeAt(b, p)) < 0 || whole > U32_MAX) return -1;
        uptime = whole;
        break;
      case SPEED:
        if ((p = wholeAt(b, p)) < 0 || whole > 1e13) return -1;
        speed = whole;
        break;
      case OPER:
        if (bytesAt(b, p, TRUE)) {
          oper = 1;
          p += TRUE.length;
        } else if (bytesAt(b, p, FALSE)) {
          oper = 0;
          p += FALSE.length;
        } else return -1;
        break;
    }
    p = ws(b, p);
    if (b[p] === COMMA) p = ws(b, p + 1);
    else if (b[p] === RBRACE) break;
    else return -1;
  }
  if ((seen & REQUIRED) !== REQUIRED) return -1;
  if (bits === 32 && (inBig !== undefined || outBig !== undefined || inNum > U32_MAX || outNum > U32_MAX)) return -1;
  const k = rows.nextBytes(r.buf, devS, devE, ifS, ifE, i);
  const w = k * 12;
  const d = k * 6;
  const { u32, f64, u64 } = rows;
  u32[w] = 0;
  u32[w + 1] = (bits === 32 ? 1 : 0) | (oper < 0 ? 0 : 2 | (oper ? 4 : 0)) | (uptime < 0 ? 0 : HAS_UPTIME) | (speed < 0 ? 0 : HAS_SPEED);
  f64[d + 1] = ts;
  if (inBig === undefined) {
    u32[w + 4] = inNum >>> 0;
    u32[w + 5] = Math.floor(inNum / TWO32);
  } else u64[d + 2] = inBig;
  if (outBig === undefined) {
    u32[w + 6] = outNum >>> 0;
    u32[w + 7] = Math.floor(outNum / TWO32);
  } else u64[d + 3] = outBig;
  f64[d + 4] = uptime < 0 ? 0 : uptime;
  f64[d + 5] = speed < 0 ? 0 : speed;
  if (r.newest === undefined || ts > r.newest) r.newest = ts;
  return p + 1;
}

/**
 * A sample at `p` the slow way: its bytes JSON.parse'd and validated by themselves. The index
 * after it, or -1 when its bytes are not JSON or hold a forbidden prototype key (the whole body
 * then goes the slow way, which says so).
 */
function slowSample(r: Read, p: number, i: number): number {
  const e = valueEnd(r.b, p);
  if (e < 0) return -1;
  const text = r.buf.toString('utf8', p, e);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return -1;
  }
  if (forbiddenPrototype(text, raw)) return -1;
  const t = (raw as { ts?: unknown }).ts;
  if (typeof t === 'number' && Number.isFinite(t) && (r.newest === undefined || t > r.newest)) r.newest = t;
  const s = validateSample(raw, i, r.win, r.refused, r.setAside);
  if (s?.type === 'iface') rows.addSample(s, i);
  else if (s) {
    r.others.push(s);
    r.otherIndex.push(i);
  }
  return e;
}

/** The samples array at `p` (its `[`): the index after it, or -1. */
function samplesAt(r: Read, p: number): number {
  const b = r.b;
  p = ws(b, p + 1);
  if (b[p] === RBRACKET) return p + 1;
  for (let i = 0; ; i++) {
    if (b[p] !== LBRACE) return -1; // not an object: the slow way names it
    let e = fastIface(r, p, i);
    if (e < 0 && (e = slowSample(r, p, i)) < 0) return -1;
    p = ws(b, e);
    if (b[p] === COMMA) p = ws(b, p + 1);
    else if (b[p] === RBRACKET) return p + 1;
    else return -1;
  }
}

/**
 * The body read from its bytes, or undefined when it is not in the subset this reads (the caller
 * then reads it with JSON.parse and validate.ts; the result is the same either way).
 */
export function fastBatch(body: Uint8Array, now: number, maxAgeMs: number, pool?: BufferPool): ParsedBatch | undefined {
  const b = body;
  const r: Read = {
    b,
    buf: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
    win: acceptanceWindow(now, maxAgeMs),
    refused: [],
    setAside: [],
    others: [],
    otherIndex: [],
    newest: undefined,
  };
  // The smallest interface sample this reads is about 90 bytes.
  rows.reset(Math.ceil(b.length / 90) + 1, pool);
  let agent: string | undefined;
  let batch: string | undefined;
  let samples = false;
  let p = ws(b, 0);
  if (b[p] !== LBRACE) return undefined;
  p = ws(b, p + 1);
  for (;;) {
    if (b[p] !== QUOTE) return undefined;
    const ke = plainEnd(b, p + 1);
    if (ke < 0) return undefined;
    const k = keyOf(b, p + 1, ke, TOP);
    p = ws(b, ke + 1);
    if (b[p] !== COLON) return undefined;
    p = ws(b, p + 1);
    if (k === 0 || k === 1) {
      if ((k === 0 ? agent : batch) !== undefined || b[p] !== QUOTE) return undefined;
      const e = plainEnd(b, p + 1);
      if (e < 0) return undefined;
      const v = r.buf.toString('latin1', p + 1, e);
      if (k === 0) agent = v;
      else batch = v;
      p = e + 1;
    } else if (k === 2) {
      if (samples || b[p] !== LBRACKET) return undefined;
      samples = true;
      if ((p = samplesAt(r, p)) < 0) return undefined;
    } else return undefined;
    p = ws(b, p);
    if (b[p] === COMMA) p = ws(b, p + 1);
    else if (b[p] === RBRACE) break;
    else return undefined;
  }
  if (ws(b, p + 1) !== b.length) return undefined;
  // What validateBatch rejects the body for: the slow way says it.
  if (!samples || agent === undefined || batch === undefined || agent.length === 0 || agent.length > 128 || batch.length === 0 || batch.length > 200) return undefined;
  return {
    batch: { agent, batch, refused: r.refused, setAside: r.setAside, iface: rows.packed(), others: r.others, otherIndex: r.otherIndex },
    newest: r.newest,
  };
}
