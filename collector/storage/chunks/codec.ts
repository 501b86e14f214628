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

/**
 * Encodes samples sorted by strictly increasing `ts` (integers); counters must be u64.
 * Throws on input it cannot represent exactly, so a bad row never turns into a wrong chunk.
 */
export function encodeChunk(rows: readonly RawSample[]): Uint8Array {
  if (rows.length === 0) throw new RangeError('chunk: no samples');
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isSafeInteger(r.ts)) throw new RangeError(`chunk: ts ${r.ts} is not an integer`);
    if (i > 0 && r.ts <= rows[i - 1].ts) throw new RangeError(`chunk: ts ${r.ts} does not follow ${rows[i - 1].ts}`);
    if (r.inOct < 0n || r.inOct > U64 || r.outOct < 0n || r.outOct > U64) throw new RangeError(`chunk: counter at ${r.ts} is not a u64`);
    if (!Number.isSafeInteger(r.flags) || r.flags < 0) throw new RangeError(`chunk: flags ${r.flags} at ${r.ts}`);
  }
  const w = new Writer();
  const n = rows.length;
  w.byte(VERSION);
  w.uvar(BigInt(n));
  w.svar(BigInt(rows[0].ts));
  w.uvar(n > 1 ? BigInt(rows[1].ts - rows[0].ts) : 0n);
  const dods: bigint[] = [];
  for (let i = 2; i < n; i++) dods.push(zigzag(BigInt(rows[i].ts - 2 * rows[i - 1].ts + rows[i - 2].ts)));
  w.stream(dods);

  w.uvar(rows[0].inOct);
  w.uvar(rows[0].outOct);
  w.stream(counterColumn(rows, (r) => r.inOct));
  w.stream(counterColumn(rows, (r) => r.outOct));

  // uptime: 0 = absent; else 1 + zigzag(change − interval/10) from the last sample that had one.
  const firstUp = rows.find((r) => r.uptime !== null)?.uptime ?? 0n;
  w.svar(firstUp);
  const up: bigint[] = [];
  let last: RawSample | undefined;
  for (const r of rows) {
    if (r.uptime === null) {
      up.push(0n);
      continue;
    }
    up.push(1n + zigzag(last ? r.uptime - last.uptime! - BigInt(Math.floor((r.ts - last.ts) / 10)) : r.uptime - firstUp));
    last = r;
  }
  w.stream(up);
  // speed: 0 = unknown, else 1 + zigzag(value); flags as they are.
  w.stream(rows.map((r) => (r.speed === null ? 0n : 1n + zigzag(r.speed))));
  w.stream(rows.map((r) => BigInt(r.flags)));
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
