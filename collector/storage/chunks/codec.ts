// One chunk: a run of one interface's raw samples (the rows of iface_sample), compressed the
// Gorilla / Prometheus way but exact: column by column,
// - ts: the first time and first interval in the header, then delta-of-delta per sample;
// - in/out octets (u64): the first value, then per sample the difference between the actual
//   increase and the increase predicted from the previous rate (previous increase scaled by
//   this interval / the previous one, 0 after a decrease), zigzag; a wrap, reset or any u64
//   value costs a few bytes more, never precision;
// - uptime: its change minus the interval in hundredths of a second (≈ 0 between reboots);
// - speed and flags: their values, which rarely change (run-length);
// each column a stream (chunks/streams.ts: run-length or bit-packed blocks). Pure functions.
import { Reader, Writer, unzigzag, zigzag } from './streams.js';

/** One raw interface sample as stored (schema.ts iface_sample), counters unsigned. */
export interface RawSample {
  ts: number;
  inOct: bigint;
  outOct: bigint;
  /** sysUpTime in hundredths of a second, as stored (null: not reported). */
  uptime: bigint | null;
  /** bit/s (null: unknown). */
  speed: bigint | null;
  flags: number;
}

const VERSION = 1;

/**
 * Chunks never straddle a period of this length (UTC, from the epoch): the packer makes one
 * chunk per series and period (packer.ts says why 12 hours), and the merge cuts a segment at
 * period edges, so a period's chunks are its own.
 */
export const CHUNK_PERIOD_MS = 12 * 3_600_000;
const U64 = (1n << 64n) - 1n;

/** Increase predicted from the previous pair's rate (exact integer arithmetic both ways). */
const predict = (prevDelta: bigint, prevDt: bigint, dt: bigint): bigint => (prevDelta > 0n ? (prevDelta * dt) / prevDt : 0n);

function counterColumn(rows: readonly RawSample[], get: (r: RawSample) => bigint): bigint[] {
  const out: bigint[] = [];
  let prevDelta = 0n;
  for (let i = 1; i < rows.length; i++) {
    const delta = get(rows[i]) - get(rows[i - 1]);
    const pred = i === 1 ? 0n : predict(prevDelta, BigInt(rows[i - 1].ts - rows[i - 2].ts), BigInt(rows[i].ts - rows[i - 1].ts));
    out.push(zigzag(delta - pred));
    prevDelta = delta;
  }
  return out;
}

// The fast path: the same columns computed in numbers where every value and intermediate is an
// exact safe integer (below 2^53; zigzag doubles, hence the 2^51 bound), or null, and the
// caller takes the bigint path for that column. Same bytes either way (chunks-codec.test).
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const ZIG = 2 ** 51;
const zigzagNum = (v: number): number => (v >= 0 ? v * 2 : -v * 2 - 1);

/**
 * A run of samples as number columns (the merge builds them from staged records without a
 * RawSample or a BigInt per sample): `inOct`/`outOct` null when a counter is not a safe
 * integer; uptime and speed null where absent.
 */
export interface NumColumns {
  ts: readonly number[];
  inOct: readonly number[] | null;
  outOct: readonly number[] | null;
  uptime: readonly (number | null)[];
  speed: readonly (number | null)[];
  flags: readonly number[];
}

function counterColumnNum(v: readonly number[], ts: readonly number[]): number[] | null {
  const out: number[] = new Array(v.length - 1);
  let prevDelta = 0;
  for (let i = 1; i < v.length; i++) {
    const delta = v[i] - v[i - 1]; // both below 2^53: exact
    let pred = 0;
    if (i > 1 && prevDelta > 0) {
      const dt = ts[i] - ts[i - 1];
      const prevDt = ts[i - 1] - ts[i - 2];
      const a = prevDelta * dt;
      if (a > Number.MAX_SAFE_INTEGER) return null;
      pred = Math.floor(a / prevDt); // floor of a rounded quotient: corrected to the integer one
      if (pred * prevDt > a) pred--;
      else if ((pred + 1) * prevDt <= a) pred++;
    }
    const r = delta - pred;
    if (r > ZIG || r < -ZIG) return null;
    out[i - 1] = zigzagNum(r);
    prevDelta = delta;
  }
  return out;
}

function timeColumnNum(ts: readonly number[]): number[] | null {
  const out: number[] = [];
  for (let i = 2; i < ts.length; i++) {
    // As two differences: each is exact when it is a safe integer, where 2·ts could pass 2^53.
    const a = ts[i] - ts[i - 1];
    const b = ts[i - 1] - ts[i - 2];
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) return null;
    const d = a - b;
    if (d > ZIG || d < -ZIG) return null;
    out.push(zigzagNum(d));
  }
  return out;
}

function uptimeColumnNum(up: readonly (number | null)[], ts: readonly number[], firstUp: number): number[] | null {
  const out: number[] = new Array(up.length);
  let last = -1;
  for (let i = 0; i < up.length; i++) {
    const u = up[i];
    if (u === null) {
      out[i] = 0;
      continue;
    }
    // Each step a difference of safe integers, exact whenever its result is one: a change beyond
    // 2^53 is refused, and a result within ±2^51 is exact (one beyond stays beyond when rounded).
    const change = last >= 0 ? u - up[last]! : u - firstUp;
    if (!Number.isSafeInteger(change)) return null;
    const d = last >= 0 ? change - Math.floor((ts[i] - ts[last]) / 10) : change;
    if (!(d <= ZIG && d >= -ZIG)) return null;
    out[i] = 1 + zigzagNum(d);
    last = i;
  }
  return out;
}

function speedColumnNum(speed: readonly (number | null)[]): number[] | null {
  const out: number[] = new Array(speed.length);
  for (let i = 0; i < speed.length; i++) {
    const v = speed[i];
    if (v === null) out[i] = 0;
    else if (v > ZIG || v < -ZIG) return null;
    else out[i] = 1 + zigzagNum(v);
  }
  return out;
}

/** Number columns of `n` samples to fill (numColumns here, the merge's columnsOf from staged records). */
export function emptyColumns(n: number): { ts: number[]; inOct: number[]; outOct: number[]; uptime: (number | null)[]; speed: (number | null)[]; flags: number[] } {
  return { ts: new Array<number>(n), inOct: new Array<number>(n), outOct: new Array<number>(n), uptime: new Array<number | null>(n), speed: new Array<number | null>(n), flags: new Array<number>(n) };
}

/** The number columns of rows: a counter column is null when one of its values passes 2^53; uptime and speed must be below it (else null). */
function numColumns(rows: readonly RawSample[]): NumColumns | null {
  const n = rows.length;
  const { ts, uptime, speed, flags, ...counters } = emptyColumns(n);
  let inOct: number[] | null = counters.inOct;
  let outOct: number[] | null = counters.outOct;
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    ts[i] = r.ts;
    if (inOct) inOct = r.inOct > SAFE ? null : ((inOct[i] = Number(r.inOct)), inOct);
    if (outOct) outOct = r.outOct > SAFE ? null : ((outOct[i] = Number(r.outOct)), outOct);
    if (r.uptime !== null && (r.uptime > SAFE || r.uptime < -SAFE)) return null;
    if (r.speed !== null && (r.speed > SAFE || r.speed < -SAFE)) return null;
    uptime[i] = r.uptime === null ? null : Number(r.uptime);
    speed[i] = r.speed === null ? null : Number(r.speed);
    flags[i] = r.flags;
  }
  return { ts, inOct, outOct, uptime, speed, flags };
}

/**
 * Encodes samples sorted by strictly increasing `ts` (integers); counters must be u64.
 * Throws on input it cannot represent exactly, so a bad row never turns into a wrong chunk.
 * `bigintOnly` computes every column in bigints (the reference the number path must equal).
 */
export function encodeChunk(rows: readonly RawSample[], bigintOnly = false): Uint8Array {
  if (rows.length === 0) throw new RangeError('chunk: no samples');
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isSafeInteger(r.ts)) throw new RangeError(`chunk: ts ${r.ts} is not an integer`);
    if (i > 0 && r.ts <= rows[i - 1].ts) throw new RangeError(`chunk: ts ${r.ts} does not follow ${rows[i - 1].ts}`);
    if (r.inOct < 0n || r.inOct > U64 || r.outOct < 0n || r.outOct > U64) throw new RangeError(`chunk: counter at ${r.ts} is not a u64`);
    if (!Number.isSafeInteger(r.flags) || r.flags < 0) throw new RangeError(`chunk: flags ${r.flags} at ${r.ts}`);
  }
  return encode(rows.length, bigintOnly ? null : numColumns(rows), rows)!;
}

/**
 * encodeChunk of the samples in `c` (the same bytes), computed in numbers only; null when a
 * value needs the bigint path (a counter above 2^53, a residual beyond 2^51) or the columns
 * are not a valid run (the caller then encodes RawSamples). Counters must be non-negative.
 */
export function encodeChunkColumns(c: NumColumns): Uint8Array | null {
  const n = c.ts.length;
  if (n === 0 || !c.inOct || !c.outOct) return null;
  for (let i = 0; i < n; i++) {
    if (!Number.isSafeInteger(c.ts[i]) || (i > 0 && c.ts[i] <= c.ts[i - 1])) return null;
    if (!(c.inOct[i] >= 0 && c.outOct[i] >= 0) || !Number.isSafeInteger(c.flags[i]) || c.flags[i] < 0) return null;
    const u = c.uptime[i];
    const sp = c.speed[i];
    if ((u !== null && !Number.isSafeInteger(u)) || (sp !== null && !Number.isSafeInteger(sp))) return null;
  }
  return encode(n, c, null);
}

/**
 * The chunk of n samples: each column from `num` where it can be computed in numbers, else
 * from `rows` in bigints; null when a column needs bigints and there are no rows.
 */
function encode(n: number, num: NumColumns | null, rows: readonly RawSample[] | null): Uint8Array | null {
  const w = new Writer();
  const ts = num ? num.ts : rows!.map((r) => r.ts);
  w.byte(VERSION);
  w.uvar(BigInt(n));
  w.svar(BigInt(ts[0]));
  w.uvar(n > 1 ? BigInt(ts[1] - ts[0]) : 0n);
  const stream = (col: number[] | null, big: (rows: readonly RawSample[]) => bigint[]): boolean => {
    if (col) w.streamNum(col);
    else if (rows) w.stream(big(rows));
    else return false;
    return true;
  };
  if (!stream(num && n > 2 ? timeColumnNum(ts) : null, (rs) => {
    const dods: bigint[] = [];
    for (let i = 2; i < n; i++) dods.push(zigzag(BigInt(rs[i].ts - 2 * rs[i - 1].ts + rs[i - 2].ts)));
    return dods;
  })) return null;

  w.uvar(rows ? rows[0].inOct : BigInt(num!.inOct![0]));
  w.uvar(rows ? rows[0].outOct : BigInt(num!.outOct![0]));
  const inOf = (r: RawSample) => r.inOct;
  const outOf = (r: RawSample) => r.outOct;
  if (!stream(num?.inOct && n > 1 ? counterColumnNum(num.inOct, ts) : null, (rs) => counterColumn(rs, inOf))) return null;
  if (!stream(num?.outOct && n > 1 ? counterColumnNum(num.outOct, ts) : null, (rs) => counterColumn(rs, outOf))) return null;

  // uptime: 0 = absent; else 1 + zigzag(change − interval/10) from the last sample that had one.
  let firstUp: bigint;
  if (num) {
    const u = num.uptime.find((x) => x !== null);
    firstUp = u === undefined || u === null ? 0n : BigInt(u);
  } else firstUp = rows!.find((r) => r.uptime !== null)?.uptime ?? 0n;
  w.svar(firstUp);
  if (!stream(num ? uptimeColumnNum(num.uptime, ts, Number(firstUp)) : null, (rs) => {
    const up: bigint[] = [];
    let last: RawSample | undefined;
    for (const r of rs) {
      if (r.uptime === null) {
        up.push(0n);
        continue;
      }
      up.push(1n + zigzag(last ? r.uptime - last.uptime! - BigInt(Math.floor((r.ts - last.ts) / 10)) : r.uptime - firstUp));
      last = r;
    }
    return up;
  })) return null;
  // speed: 0 = unknown, else 1 + zigzag(value); flags as they are.
  if (!stream(num ? speedColumnNum(num.speed) : null, (rs) => rs.map((r) => (r.speed === null ? 0n : 1n + zigzag(r.speed))))) return null;
  if (num) w.streamNum(num.flags as number[]);
  else w.stream(rows!.map((r) => BigInt(r.flags)));
  return w.bytes();
}

/** The samples of a chunk, exactly as they were encoded; throws on damaged data. */
export function decodeChunk(data: Uint8Array): RawSample[] {
  const rd = new Reader(data);
  const version = rd.byte();
  if (version !== VERSION) throw new RangeError(`chunk: unknown version ${version}`);
  const n = Number(rd.uvar());
  if (n < 1 || n > 10_000_000) throw new RangeError(`chunk: implausible sample count ${n}`);
  const ts: number[] = new Array(n);
  ts[0] = Number(rd.svar());
  const d1 = Number(rd.uvar());
  if (n > 1) ts[1] = ts[0] + d1;
  const dods = rd.stream(Math.max(0, n - 2));
  for (let i = 2; i < n; i++) ts[i] = 2 * ts[i - 1] - ts[i - 2] + Number(unzigzag(dods[i - 2]));

  const counters = (first: bigint, res: bigint[]): bigint[] => {
    const out = [first];
    let prevDelta = 0n;
    for (let i = 1; i < n; i++) {
      const pred = i === 1 ? 0n : predict(prevDelta, BigInt(ts[i - 1] - ts[i - 2]), BigInt(ts[i] - ts[i - 1]));
      const delta = pred + unzigzag(res[i - 1]);
      out.push(out[i - 1] + delta);
      prevDelta = delta;
    }
    return out;
  };
  const in0 = rd.uvar();
  const out0 = rd.uvar();
  const inRes = rd.stream(n - 1);
  const outRes = rd.stream(n - 1);
  const ins = counters(in0, inRes);
  const outs = counters(out0, outRes);

  const firstUp = rd.svar();
  const upTok = rd.stream(n);
  const spTok = rd.stream(n);
  const flTok = rd.stream(n);
  if (!rd.done()) throw new RangeError('chunk: bytes left after the last column');

  const rows: RawSample[] = new Array(n);
  let lastUp: bigint | null = null;
  let lastTs = 0;
  for (let i = 0; i < n; i++) {
    let uptime: bigint | null = null;
    if (upTok[i] !== 0n) {
      const d = unzigzag(upTok[i] - 1n);
      uptime = lastUp === null ? firstUp + d : lastUp + d + BigInt(Math.floor((ts[i] - lastTs) / 10));
      lastUp = uptime;
      lastTs = ts[i];
    }
    if (ins[i] < 0n || ins[i] > U64 || outs[i] < 0n || outs[i] > U64) throw new RangeError('chunk: a counter decodes outside u64');
    rows[i] = {
      ts: ts[i],
      inOct: ins[i],
      outOct: outs[i],
      uptime,
      speed: spTok[i] === 0n ? null : unzigzag(spTok[i] - 1n),
      flags: Number(flTok[i]),
    };
  }
  return rows;
}
