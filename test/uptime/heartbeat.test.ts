// Agent heartbeats in the store: the first of an agent due at once, later ones at most every
// 10 s, written together (one transaction for every due agent), and whatever is due at stop.
// The collector runs no timers: the test calls flushBeats() as the background does each second.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UptimeService } from '../../collector/uptime/service.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';

const T = Date.UTC(2026, 11, 3, 2, 0, 0);
let c: TestCollector | undefined;
let dir: string | undefined;
afterEach(async () => {
  await c?.cleanup();
  c = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('agent heartbeats', () => {
  it('writes an agent\'s first heartbeat with the next flush, later ones every 10 s at most, all due ones together, and the due ones at stop', async () => {
    dir = mkdtempSync(join(tmpdir(), 'pantau-beats-'));
    const sqlite = join(dir, 'pantau.db');
    c = await startTestCollector(undefined, { now: () => T, sqlite });
    const stored = (agent: string) => new UptimeService(c!.config, c!.store).lastBatch(agent);
    const changes = () => Number(c!.store.sql('SELECT total_changes()', { pluck: true }).get());
    let before = changes();
    c.uptime.heartbeat('a1', T);
    c.uptime.heartbeat('a2', T + 1_000); // both first heartbeats: due, no write each
    expect(changes() - before).toBe(0);
    expect([stored('a1'), stored('a2'), c.uptime.lastBatch('a1')]).toEqual([undefined, undefined, T]); // known in memory at once
    expect(c.uptime.flushBeats()).toBe(2); // one transaction
    expect([stored('a1'), stored('a2')]).toEqual([T, T + 1_000]);
    c.uptime.heartbeat('a1', T + 5_000); // within 10 s of the written one: kept in memory only
    c.uptime.heartbeat('a2', T + 6_000);
    expect(c.uptime.flushBeats()).toBe(0);
    expect([stored('a1'), stored('a2'), c.uptime.lastBatch('a1')]).toEqual([T, T + 1_000, T + 5_000]);
    c.uptime.heartbeat('a1', T + 12_000);
    c.uptime.heartbeat('a2', T + 16_000);
    c.uptime.heartbeat('a1', T + 13_000);
    expect(stored('a1')).toBe(T); // due, not yet written
    before = changes();
    expect(c.uptime.flushBeats()).toBe(2);
    expect(changes() - before).toBe(2);
    expect([stored('a1'), stored('a2')]).toEqual([T + 13_000, T + 16_000]);
    expect(c.uptime.flushBeats()).toBe(0);
    // Due at stop: written by stop(), so the next start knows it.
    c.uptime.heartbeat('a1', T + 30_000);
    await c.stop();
    c = await startTestCollector(undefined, { now: () => T + 60_000, sqlite });
    expect(c.uptime.lastBatch('a1')).toBe(T + 30_000);
  });
});
