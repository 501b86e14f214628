import { describe, expect, it } from 'vitest';
import { pairIncrease, isAmbiguous32, isUptimeWrap, type CounterPoint } from '../../collector/accounting/counters.js';

const T0 = Date.UTC(2026, 2, 10, 3, 0, 0);
const TWO_32 = 2n ** 32n;

function p(ts: number, inOctets: bigint, outOctets: bigint, extra: Partial<CounterPoint> = {}): CounterPoint {
  return { ts, inOctets, outOctets, bits: 64, ...extra };
}

/** A 32-bit counter series of constant traffic: true bytes so far and the counter value (mod 2^32). */
function constant32(rateBps: number, everyS: number, polls: number, speedBps: number): { points: CounterPoint[]; trueBytes: bigint } {
  const perPoll = BigInt((rateBps / 8) * everyS);
  const points: CounterPoint[] = [];
  let total = 123_456_789n;
  for (let i = 0; i < polls; i++) {
    points.push({ ts: T0 + i * everyS * 1000, inOctets: total % TWO_32, outOctets: (total / 3n) % TWO_32, bits: 32, uptime: 50_000_000 + i * everyS * 100, speedBps });
    total += perPoll;
  }
  return { points, trueBytes: perPoll * BigInt(polls - 1) };
}

describe('pairIncrease', () => {
  it('counts the difference of a rising 64-bit counter', () => {
    const r = pairIncrease(p(T0, 1000n, 50n), p(T0 + 60_000, 1500n, 80n));
    expect(r).toMatchObject({ inBytes: 500n, outBytes: 30n, kind: 'normal', inKind: 'normal', outKind: 'normal' });
    expect(r.ambiguous).toBeUndefined();
  });

  it('takes no reboot from an uptime missing on either side', () => {
    // The agent's first sample of a device without sysUpTime, then one with it (and the reverse).
    const a = pairIncrease(p(T0, 1000n, 50n), p(T0 + 60_000, 1500n, 80n, { uptime: 100 }));
    const b = pairIncrease(p(T0, 1000n, 50n, { uptime: 9_000_000 }), p(T0 + 60_000, 1500n, 80n));
    for (const r of [a, b]) expect(r).toStrictEqual({ inBytes: 500n, outBytes: 30n, kind: 'normal', inKind: 'normal', outKind: 'normal' });
  });

  it('counts nothing for an idle counter', () => {
    const r = pairIncrease(p(T0, 1000n, 50n), p(T0 + 60_000, 1000n, 50n));
    expect([r.inBytes, r.outBytes, r.kind]).toEqual([0n, 0n, 'normal']);
  });

  it('counts the new value when a 64-bit counter goes down (a reset), not a wrap', () => {
    const r = pairIncrease(p(T0, 10_000_000n, 500n, { uptime: 1000 }), p(T0 + 60_000, 4_000n, 900n, { uptime: 7000 }));
    expect(r).toMatchObject({ inBytes: 4_000n, outBytes: 400n, kind: 'reset', inKind: 'reset', outKind: 'normal' });
  });

  it('counts a 32-bit wrap while sysUpTime rises', () => {
    const prev = p(T0, TWO_32 - 1000n, 10n, { bits: 32, uptime: 100_000, speedBps: 1e9 });
    const cur = p(T0 + 30_000, 500n, 20n, { bits: 32, uptime: 103_000, speedBps: 1e9 });
    const r = pairIncrease(prev, cur);
    expect(r).toMatchObject({ inBytes: 1500n, outBytes: 10n, kind: 'wrap', inKind: 'wrap', outKind: 'normal' });
  });

  it('counts 32-bit wraps at 700 Mbit/s polled every 30 s exactly', () => {
    const { points, trueBytes } = constant32(700e6, 30, 41, 1e9);
    let counted = 0n;
    let wraps = 0;
    for (let i = 1; i < points.length; i++) {
      const r = pairIncrease(points[i - 1], points[i]);
      expect(r.ambiguous).toBeUndefined();
      if (r.inKind === 'wrap') wraps++;
      counted += r.inBytes;
    }
    // 2.625 GB per poll from 123 456 789: the counter crosses 2^32 floor((123 456 789 + 40 × 2.625e9) / 2^32) = 24 times.
    expect(wraps).toBe(24);
    expect(counted).toBe(trueBytes);
    expect(isAmbiguous32(700e6, 30_000)).toBe(false);
  });

  it('flags 32-bit counters at 700 Mbit/s polled every 60 s as ambiguous (5.25 GB > 2^32 per poll)', () => {
    const { points, trueBytes } = constant32(700e6, 60, 11, 700e6);
    let counted = 0n;
    for (let i = 1; i < points.length; i++) {
      const r = pairIncrease(points[i - 1], points[i]);
      expect(r.ambiguous).toBe(true);
      counted += r.inBytes;
    }
    // A whole 2^32 per poll is invisible: exactly what the flag warns about.
    expect(counted).toBe(trueBytes - 10n * TWO_32);
    expect(isAmbiguous32(700e6, 60_000)).toBe(true);
  });

  it('does not flag a 32-bit counter of unknown speed, nor a 64-bit one', () => {
    expect(pairIncrease(p(T0, 1n, 1n, { bits: 32 }), p(T0 + 3_600_000, 2n, 2n, { bits: 32 })).ambiguous).toBeUndefined();
    expect(pairIncrease(p(T0, 1n, 1n, { speedBps: 1e10 }), p(T0 + 3_600_000, 2n, 2n, { speedBps: 1e10 })).ambiguous).toBeUndefined();
  });

  it('takes a 32-bit drop that would exceed the interface speed for a reset (PPPoE drop), not a phantom 4 GiB', () => {
    const prev = p(T0, 3_000_000_000n, 5n, { bits: 32, uptime: 100_000, speedBps: 10e6 });
    const cur = p(T0 + 60_000, 1_000_000n, 6n, { bits: 32, uptime: 106_000, speedBps: 10e6 });
    expect(pairIncrease(prev, cur)).toMatchObject({ inBytes: 1_000_000n, kind: 'reset', inKind: 'reset' });
    // The same drop on a 1 Gbit/s port is a plausible wrap.
    const fast = pairIncrease({ ...prev, speedBps: 1e9 }, { ...cur, speedBps: 1e9 });
    expect(fast).toMatchObject({ inBytes: 1_000_000n + TWO_32 - 3_000_000_000n, kind: 'wrap' });
  });

  it('accepts a wrap up to the interface speed plus 2 % and no byte more', () => {
    // 100 Mbit/s × 1.02 × 60 s / 8 = 765 000 000 bytes
    const prev = p(T0, TWO_32 - 700_000_000n, 0n, { bits: 32, speedBps: 100e6 });
    const at = pairIncrease(prev, p(T0 + 60_000, 65_000_000n, 0n, { bits: 32, speedBps: 100e6 }));
    expect(at).toMatchObject({ inBytes: 765_000_000n, kind: 'wrap' });
    const above = pairIncrease(prev, p(T0 + 60_000, 65_000_001n, 0n, { bits: 32, speedBps: 100e6 }));
    expect(above).toMatchObject({ inBytes: 65_000_001n, kind: 'reset' });
  });

  it('counts the new values after a reboot (lower sysUpTime), even when the counters rose', () => {
    const r = pairIncrease(p(T0, 1000n, 2000n, { uptime: 9_000_000 }), p(T0 + 60_000, 5000n, 100n, { uptime: 4500 }));
    expect(r).toMatchObject({ inBytes: 5000n, outBytes: 100n, kind: 'reboot', inKind: 'reboot', outKind: 'reboot' });
  });

  it('does not take a sysUpTime wrap (497 days) with rising counters for a reboot', () => {
    const prev = p(T0, 1_000_000n, 2_000_000n, { uptime: 2 ** 32 - 3000 }); // 30 s before the wrap
    const cur = p(T0 + 60_000, 1_500_000n, 2_100_000n, { uptime: 3000 }); // 60 s later
    const r = pairIncrease(prev, cur);
    expect(r).toMatchObject({ inBytes: 500_000n, outBytes: 100_000n, kind: 'normal', uptimeWrapped: true });
  });

  it('still takes a lower sysUpTime for a reboot when the counters fell, or when the uptime does not match the clock', () => {
    const prev = p(T0, 1_000_000n, 2_000_000n, { uptime: 2 ** 32 - 3000 });
    expect(pairIncrease(prev, p(T0 + 60_000, 700n, 800n, { uptime: 3000 })).kind).toBe('reboot');
    expect(pairIncrease(prev, p(T0 + 3_600_000, 1_500_000n, 2_100_000n, { uptime: 3000 })).kind).toBe('reboot');
    expect(pairIncrease(p(T0, 1n, 1n, { uptime: 50_000_000 }), p(T0 + 60_000, 2n, 2n, { uptime: 49_000_000 })).kind).toBe('reboot');
  });

  it('tells a sysUpTime wrap from a reboot by the wall-clock gap', () => {
    expect(isUptimeWrap(2 ** 32 - 100, 5900, 60_000)).toBe(true);
    expect(isUptimeWrap(2 ** 32 - 100, 5900, 600_000)).toBe(false);
    expect(isUptimeWrap(2 ** 31, 5900, 60_000)).toBe(false);
    expect(isUptimeWrap(100, 200, 1000)).toBe(false);
  });

  it('carries a counter above 2^62 exactly', () => {
    const base = 2n ** 62n + 12_345n;
    const r = pairIncrease(p(T0, base, base * 2n - 1n), p(T0 + 60_000, base + 2n ** 40n + 1n, base * 2n + 2n));
    expect(r.inBytes).toBe(2n ** 40n + 1n);
    expect(r.outBytes).toBe(3n);
    expect(Number(base + 1n) === Number(base)).toBe(true); // Number would have lost the byte
    const reset = pairIncrease(p(T0, 2n ** 63n + 7n, 0n), p(T0 + 60_000, 9n, 0n));
    expect(reset).toMatchObject({ inBytes: 9n, kind: 'reset' });
  });

  it('counts nothing when the counter width changes between samples', () => {
    const r = pairIncrease(p(T0, 5n, 5n, { bits: 32 }), p(T0 + 60_000, 2n ** 50n, 2n ** 50n, { bits: 64 }));
    expect(r).toMatchObject({ inBytes: 0n, outBytes: 0n, kind: 'rebase' });
  });

  it('refuses samples out of time order', () => {
    expect(() => pairIncrease(p(T0, 1n, 1n), p(T0, 2n, 2n))).toThrow(RangeError);
    expect(() => pairIncrease(p(T0, 1n, 1n), p(T0 - 1, 2n, 2n))).toThrow(/increasing time order/);
  });
});
