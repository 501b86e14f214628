// The fold's number path (collector/storage/fold.ts foldChainNum) must give exactly what the
// bigint path gives: the same buckets, shares to the byte, covered time and events, for any
// chain it takes; chains it cannot take exactly (resets, reboots, 32-bit counters, long gaps,
// products of 2^53 and more) go to the bigint path. Property-based, with values at the edges.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { foldChain, foldChainNum } from '../../collector/storage/fold.js';
import type { CounterPoint } from '../../collector/accounting/counters.js';
import { localDayStart } from '../../collector/usage/day-cache.js';

const cfg = { maxGapMs: 600_000, dayStart: localDayStart('Asia/Jakarta') };
const T0 = Date.UTC(2026, 10, 30, 16, 58, 0); // near local midnight and a month edge

/** A chain from steps: time step, in/out increases (negative: a reset to that size), uptime step. */
const step = fc.record({
  dt: fc.oneof(
    { weight: 17, arbitrary: fc.integer({ min: 1, max: 120_000 }) },
    { weight: 2, arbitrary: fc.constantFrom(60_000, 300_000, 600_000, 600_001) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 * 86_400_000 }) },
  ),
  dIn: fc.oneof(
    { weight: 17, arbitrary: fc.integer({ min: 0, max: 10_000_000_000 }) },
    { weight: 2, arbitrary: fc.constantFrom(0, 1, 2 ** 33) },
    { weight: 1, arbitrary: fc.integer({ min: -5, max: -1 }) },
  ),
  dOut: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.constant(0)),
  reboot: fc.integer({ min: 0, max: 29 }).map((v) => v === 0),
});

function chainOf(start: bigint, steps: { dt: number; dIn: number; dOut: number; reboot: boolean }[], bits: 32 | 64): CounterPoint[] {
  const mod = bits === 32 ? 1n << 32n : 1n << 64n;
  let ts = T0;
  let inO = start % mod;
  let outO = 0n;
  let up = 1_000_000;
  const xs: CounterPoint[] = [{ ts, inOctets: inO, outOctets: outO, bits, uptime: up, speedBps: 1e9 }];
  for (const s of steps) {
    ts += s.dt;
    inO = s.dIn < 0 ? BigInt(-s.dIn) : (inO + BigInt(s.dIn)) % mod;
    outO = (outO + BigInt(s.dOut)) % mod;
    up = s.reboot ? 500 : up + Math.floor(s.dt / 10);
    xs.push({ ts, inOctets: inO, outOctets: outO, bits, uptime: up, speedBps: 1e9 });
  }
  return xs;
}

describe('the fold in numbers', () => {
  it('gives exactly the bigint path\'s buckets and events, for any chain (property)', () => {
    let fast = 0;
    fc.assert(
      fc.property(
        fc.oneof(fc.bigInt({ min: 0n, max: 1n << 40n }), fc.bigInt({ min: (1n << 53n) - 100_000_000_000n, max: (1n << 53n) + 10n }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
        fc.array(step, { minLength: 1, maxLength: 12 }),
        fc.constantFrom(64, 64, 64, 32) as fc.Arbitrary<32 | 64>,
        (start, steps, bits) => {
          const chain = chainOf(start, steps, bits);
          if (foldChainNum(chain, cfg)) fast++;
          expect(foldChain(chain, cfg)).toEqual(foldChain(chain, cfg, true));
        },
      ),
      { numRuns: 3000, seed: 20261203 },
    );
    expect(fast).toBeGreaterThan(300); // the number path was taken often enough to be tested
  });

  it('takes a plain 60 s poll, and leaves resets, 32-bit counters and long gaps to the bigint path', () => {
    const plain = chainOf(123n, Array.from({ length: 20 }, () => ({ dt: 60_000, dIn: 12_345_678, dOut: 99, reboot: false })), 64);
    expect(foldChainNum(plain, cfg)).not.toBeNull();
    const reset = chainOf(123n, [{ dt: 60_000, dIn: 5, dOut: 1, reboot: false }, { dt: 60_000, dIn: -3, dOut: 1, reboot: false }], 64);
    expect(foldChainNum(reset, cfg)).toBeNull();
    expect(foldChain(reset, cfg).events.map((e) => e.kind)).toEqual(['reset']);
    expect(foldChainNum(chainOf(123n, [{ dt: 60_000, dIn: 5, dOut: 1, reboot: false }], 32), cfg)).toBeNull();
    expect(foldChainNum(chainOf(123n, [{ dt: 600_001, dIn: 5, dOut: 1, reboot: false }], 64), cfg)).toBeNull();
    expect(foldChainNum(chainOf(123n, [{ dt: 60_000, dIn: 5, dOut: 1, reboot: true }], 64), cfg)).toBeNull();
    // A share's product Δ·(t − t0) of 2^53 or more: bigint.
    expect(foldChainNum(chainOf(0n, [{ dt: 600_000, dIn: 2 ** 34, dOut: 0, reboot: false }], 64), cfg)).toBeNull();
  });
});
