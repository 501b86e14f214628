// The reboot rule when only one direction's counter falls (issue 9 part 4): a lower sysUpTime
// is sysUpTime's own wrap at 2^32 only when BOTH counters kept rising; one falling direction
// makes it a reboot, and then both directions count their new values.
import { describe, expect, it } from 'vitest';
import { pairIncrease, type CounterPoint } from '../../collector/accounting/counters.js';

const T0 = Date.UTC(2026, 2, 10, 3, 0, 0);
/** 30 s before sysUpTime wraps at 2^32 hundredths; 60 s later it reads 3000 (30 s after). */
const prev: CounterPoint = { ts: T0, inOctets: 1_000_000n, outOctets: 2_000_000n, bits: 64, uptime: 2 ** 32 - 3000 };
const at = (inOctets: bigint, outOctets: bigint): CounterPoint => ({ ts: T0 + 60_000, inOctets, outOctets, bits: 64, uptime: 3000 });

describe('pairIncrease: a lower sysUpTime whose timing fits a 497-day wrap', () => {
  it('is a wrap, not a reboot, when both counters rose', () => {
    const r = pairIncrease(prev, at(1_500_000n, 2_100_000n));
    expect(r).toEqual({ inBytes: 500_000n, outBytes: 100_000n, kind: 'normal', inKind: 'normal', outKind: 'normal', uptimeWrapped: true });
  });

  it('is a reboot when only the in counter fell, and both directions count their new values', () => {
    const r = pairIncrease(prev, at(700n, 2_100_000n));
    expect(r).toEqual({ inBytes: 700n, outBytes: 2_100_000n, kind: 'reboot', inKind: 'reboot', outKind: 'reboot' });
  });

  it('is a reboot when only the out counter fell, and both directions count their new values', () => {
    const r = pairIncrease(prev, at(1_500_000n, 800n));
    expect(r).toEqual({ inBytes: 1_500_000n, outBytes: 800n, kind: 'reboot', inKind: 'reboot', outKind: 'reboot' });
  });

  it('is a wrap when one counter stayed equal and the other rose (an idle direction is rising)', () => {
    const r = pairIncrease(prev, at(1_000_000n, 2_000_001n));
    expect(r).toEqual({ inBytes: 0n, outBytes: 1n, kind: 'normal', inKind: 'normal', outKind: 'normal', uptimeWrapped: true });
  });
});
