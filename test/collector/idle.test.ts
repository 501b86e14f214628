// The collector's look at the background merge after ingest went idle (collector/ingest/idle.ts):
// once, `ms` after the last idle moment, never after stop. Fake timers: no real waiting.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterIdle } from '../../collector/ingest/idle.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('afterIdle', () => {
  it('calls once, ms after the last idle moment (each one re-arms it)', () => {
    const calls: number[] = [];
    const look = afterIdle(26, () => calls.push(Date.now()), () => {});
    const t0 = Date.now();
    look.idle();
    vi.advanceTimersByTime(10);
    look.idle(); // another answer: from here on
    vi.advanceTimersByTime(25);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual([t0 + 36]);
    vi.advanceTimersByTime(1000);
    expect(calls).toHaveLength(1); // not again without another idle moment
    look.idle();
    vi.advanceTimersByTime(26);
    expect(calls).toHaveLength(2);
  });

  it('does not call after stop, armed or not', () => {
    const fn = vi.fn();
    const look = afterIdle(26, fn, () => {});
    look.idle();
    look.stop();
    look.idle();
    vi.advanceTimersByTime(1000);
    expect(fn).not.toHaveBeenCalled();
  });

  it('hands what the call throws to onError, and keeps working', () => {
    const errors: unknown[] = [];
    let fail = true;
    const fn = vi.fn(() => {
      if (fail) throw new Error('store busy');
    });
    const look = afterIdle(26, fn, (e) => errors.push(e));
    look.idle();
    vi.advanceTimersByTime(26);
    expect(errors.map((e) => (e as Error).message)).toEqual(['store busy']);
    fail = false;
    look.idle();
    vi.advanceTimersByTime(26);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(errors).toHaveLength(1);
  });
});
