// The increase of an interface's octet counters between two consecutive samples: wraps of
// 32-bit counters, resets, reboots and sysUpTime's own wrap (CONTRACT "The monthly
// evaluation"). Pure; bytes are bigint throughout, timestamps ms, uptime hundredths of a second.
// Without uptime on both samples a reboot cannot be seen: a lower 32-bit counter is then a
// wrap (still subject to the speed check) and a lower 64-bit counter a reset.

export interface CounterPoint {
  /** Sample time, ms since the epoch (UTC). */
  ts: number;
  inOctets: bigint;
  outOctets: bigint;
  /** Counter width: ifHC*Octets (64) or ifIn/OutOctets (32). */
  bits: 64 | 32;
  /** sysUpTime, hundredths of a second; wraps at 2^32 (497 days). */
  uptime?: number;
  /** Interface speed, bit/s (ifHighSpeed × 10^6 or ifSpeed). */
  speedBps?: number;
}

/**
 * How one direction's counter moved:
 * - `normal`: it rose (or stayed); the difference is counted;
 * - `wrap`: a 32-bit counter went down while the device stayed up: new + 2^32 − old;
 * - `reset`: it went down and a wrap is impossible (64-bit, or the wrap would exceed the
 *   interface's speed): the new value is counted;
 * - `reboot`: sysUpTime went down: the new value is counted;
 * - `rebase`: the counter width changed between the samples (a different counter now): the
 *   pair counts nothing, as the two values cannot be compared.
 */
export type IncreaseKind = 'normal' | 'wrap' | 'reset' | 'reboot' | 'rebase';

export interface PairIncrease {
  inBytes: bigint;
  outBytes: bigint;
  /** The pair as a whole: reboot/rebase, else reset if either direction reset, else wrap if either wrapped, else normal. */
  kind: IncreaseKind;
  inKind: IncreaseKind;
  outKind: IncreaseKind;
  /** A 32-bit counter polled too slowly for its speed: in this interval it could wrap more than once, so a wrap cannot be told from a reset and whole wraps may be missing. */
  ambiguous?: boolean;
  /** sysUpTime wrapped at 2^32 between the samples (not a reboot). */
  uptimeWrapped?: boolean;
}

export const TWO_32 = 2n ** 32n;
/** sysUpTime wraps at 2^32 hundredths of a second. */
const UPTIME_WRAP = 2 ** 32;
/** A wrap implying a rate above speed × (1 + 2 %) is a reset. */
const SPEED_TOLERANCE_PCT = 102n;

/**
 * Whether a lower sysUpTime is its own wrap at 2^32 rather than a reboot: the uptime that
 * passed across the wrap, (new + 2^32 − old) hundredths, matches the wall-clock gap within
 * max(30 s, 10 % of the gap). This is only possible when the old uptime was within one gap
 * of 2^32. Polling jitter and clock drift stay far inside that tolerance.
 */
export function isUptimeWrap(prevUptime: number, curUptime: number, gapMs: number): boolean {
  if (curUptime >= prevUptime) return false;
  const passed = curUptime + UPTIME_WRAP - prevUptime; // hundredths
  const gap = gapMs / 10; // hundredths
  return Math.abs(passed - gap) <= Math.max(3000, gap * 0.1);
}

/** Whether a 32-bit counter at `speedBps` can pass 2^32 bytes within `gapMs` (speed/8 × seconds > 2^32). */
export function isAmbiguous32(speedBps: number | undefined, gapMs: number): boolean {
  if (!((speedBps ?? 0) > 0)) return false;
  // speed/8 × gapMs/1000 > 2^32  ⇔  speed × gapMs > 2^32 × 8000 (exact in bigint)
  return BigInt(Math.ceil(speedBps!)) * BigInt(gapMs) > TWO_32 * 8000n;
}

/** Whether `bytes` over `gapMs` is a rate above `speedBps` + 2 %: bytes·8/s > speed·1.02. */
function aboveSpeed(bytes: bigint, gapMs: number, speedBps: number): boolean {
  // bytes·8·1000/gapMs > speed·102/100  ⇔  bytes·8·1000·100 > speed·102·gapMs
  return bytes * 800_000n > BigInt(Math.round(speedBps)) * SPEED_TOLERANCE_PCT * BigInt(gapMs);
}

function direction(prev: bigint, cur: bigint, bits: 64 | 32, gapMs: number, speedBps: number | undefined): { bytes: bigint; kind: IncreaseKind } {
  if (cur >= prev) return { bytes: cur - prev, kind: 'normal' };
  if (bits === 64) return { bytes: cur, kind: 'reset' };
  const wrapped = cur + TWO_32 - prev;
  if ((speedBps ?? 0) > 0 && aboveSpeed(wrapped, gapMs, speedBps!)) return { bytes: cur, kind: 'reset' };
  return { bytes: wrapped, kind: 'wrap' };
}

const RANK: Record<IncreaseKind, number> = { normal: 0, wrap: 1, reset: 2, reboot: 3, rebase: 4 };

/**
 * The bytes that passed between two consecutive samples of one interface, per direction.
 * Never copies a previous delta and never guesses traffic it did not see: when in doubt the
 * new value is counted (the smaller figure). Throws a RangeError unless `cur.ts > prev.ts`:
 * callers pair samples in time order, one per timestamp.
 */
export function pairIncrease(prev: CounterPoint, cur: CounterPoint): PairIncrease {
  const gapMs = cur.ts - prev.ts;
  if (!(gapMs > 0)) throw new RangeError(`pairIncrease: samples must be in increasing time order, found ${prev.ts} then ${cur.ts}`);
  if (prev.bits !== cur.bits) {
    return { inBytes: 0n, outBytes: 0n, kind: 'rebase', inKind: 'rebase', outKind: 'rebase' };
  }
  const ambiguous = cur.bits === 32 && isAmbiguous32(cur.speedBps ?? prev.speedBps, gapMs);
  const extra = ambiguous ? { ambiguous: true as const } : {};

  let uptimeWrapped = false;
  // An uptime missing on either side says nothing (the comparison is then false).
  if ((cur.uptime ?? Infinity) < (prev.uptime ?? -Infinity)) {
    const rising = cur.inOctets >= prev.inOctets && cur.outOctets >= prev.outOctets;
    if (rising && isUptimeWrap(prev.uptime!, cur.uptime!, gapMs)) uptimeWrapped = true;
    else return { inBytes: cur.inOctets, outBytes: cur.outOctets, kind: 'reboot', inKind: 'reboot', outKind: 'reboot', ...extra };
  }

  const speed = cur.speedBps ?? prev.speedBps;
  const i = direction(prev.inOctets, cur.inOctets, cur.bits, gapMs, speed);
  const o = direction(prev.outOctets, cur.outOctets, cur.bits, gapMs, speed);
  const kind = RANK[i.kind] >= RANK[o.kind] ? i.kind : o.kind;
  return {
    inBytes: i.bytes,
    outBytes: o.bytes,
    kind,
    inKind: i.kind,
    outKind: o.kind,
    ...extra,
    ...(uptimeWrapped ? { uptimeWrapped: true } : {}),
  };
}
