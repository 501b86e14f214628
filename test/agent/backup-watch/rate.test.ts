// The read-rate bound of the backup checks, proved on an injected clock: sleeping advances it,
// so the bound is arithmetic on the clock, never a timing of this machine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenBucket, type Clock } from '../../../agent/inputs/backup-watch/rate.js';
import { inspectFile } from '../../../agent/inputs/backup-watch/verify.js';

/** A clock that only moves when someone sleeps. */
function fakeClock(): Clock & { t: number; slept: number } {
  const c = {
    t: 1_000,
    slept: 0,
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
      c.slept++;
    },
  };
  return c;
}

/** A bucket that records (time, bytes) of every grant. */
function recorded(rate: number, burst: number, clock: Clock) {
  const b = new TokenBucket(rate, burst, clock);
  const grants: { t: number; n: number }[] = [];
  const take = b.take.bind(b);
  b.take = async (n: number, signal?: AbortSignal) => {
    await take(n, signal);
    grants.push({ t: clock.now(), n });
  };
  return { b, grants };
}

/** The most bytes granted in any window, minus what the rate allows in it: ≤ burst when bounded. */
function worstExcess(grants: { t: number; n: number }[], rate: number): number {
  let worst = -Infinity;
  for (let i = 0; i < grants.length; i++) {
    let sum = 0;
    for (let j = i; j < grants.length; j++) {
      sum += grants[j].n;
      worst = Math.max(worst, sum - (rate * (grants[j].t - grants[i].t)) / 1000);
    }
  }
  return worst;
}

describe('backup check rate bound', () => {
  it('grants no more than the burst above the rate in any window', async () => {
    const clock = fakeClock();
    const { b, grants } = recorded(1e6, 64 * 1024, clock);
    for (let k = 0; k < 200; k++) await b.take(16 * 1024 + (k % 7) * 1000);
    const total = grants.reduce((s, g) => s + g.n, 0);
    expect(worstExcess(grants, 1e6)).toBeLessThanOrEqual(64 * 1024);
    // The whole took at least (total − burst) / rate seconds of the clock.
    expect(clock.t - 1_000).toBeGreaterThanOrEqual(((total - 64 * 1024) / 1e6) * 1000);
    expect(clock.slept).toBeGreaterThan(0);
  });

  it('splits a request larger than the burst', async () => {
    const clock = fakeClock();
    const { b } = recorded(1e6, 100_000, clock);
    await b.take(1_000_000);
    expect(clock.t - 1_000).toBeGreaterThanOrEqual(900);
  });

  it('reads a file at the configured rate: 5 MB at 1 MB/s takes at least 4 s of the clock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantau-bkr-'));
    try {
      const f = join(dir, 'big.tar.gz');
      writeFileSync(f, randomBytes(5_000_000));
      const clock = fakeClock();
      const { b, grants } = recorded(1e6, 1 << 20, clock);
      const r = await inspectFile(f, { bucket: b, chunkBytes: 256 * 1024 });
      expect(r.bytes).toBe(5_000_000n);
      expect(r.ok).toBe(false); // random bytes are no gzip
      const total = grants.reduce((s, g) => s + g.n, 0);
      expect(total).toBeGreaterThanOrEqual(5_000_000); // every byte read was granted first
      expect(worstExcess(grants, 1e6)).toBeLessThanOrEqual(1 << 20);
      expect(clock.t - 1_000).toBeGreaterThanOrEqual(((5_000_000 - (1 << 20)) / 1e6) * 1000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops a check when aborted while it waits for the rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantau-bkr-'));
    try {
      writeFileSync(join(dir, 'x.tar'), randomBytes(1_000_000));
      const ac = new AbortController();
      const clock: Clock = {
        now: () => 0, // time stands still: the bucket must sleep, and the sleeper aborts
        sleep: async () => {
          ac.abort(new Error('stopped'));
          throw new Error('stopped');
        },
      };
      await expect(inspectFile(join(dir, 'x.tar'), { bucket: new TokenBucket(1000, 256 * 1024, clock), signal: ac.signal })).rejects.toThrow('stopped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
