// Issue 13: a collector under ingest and read load, with a full garbage collection forced every
// 100 ms, neither aborts nor loses a request, and stops cleanly. With better-sqlite3 12 on Node
// 24.19+ any statement the collector let the garbage collector finalise aborts it here (SIGABRT);
// CI runs this file on the machine's Node and on Node 24. The 10-minute version is bench/soak-gc.
import { describe, expect, it } from 'vitest';
import { gcSoak } from '../helpers/gc-soak.js';

describe('collector under forced garbage collection', () => {
  it('serves 60 rounds of ingest and every read path without an abort, and exits 0 on SIGTERM', async () => {
    const r = await gcSoak({ durationMs: 120_000, maxRounds: 60, gcEveryMs: 100 });
    expect(r.signal, r.log.slice(-2000)).toBeNull();
    expect(r.exitCode, r.log.slice(-2000)).toBe(0);
    expect(r.failures).toEqual([]);
    expect(r.rounds).toBe(60);
    expect(r.samples).toBe(60 * 160);
    expect(r.gcRuns).toBeGreaterThan(5);
    expect(r.log).not.toMatch(/Assertion failed|SIGABRT|core dumped/);
  }, 180_000);
});
