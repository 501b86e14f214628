// A full disk under the spool (issue 8, defect 5): the oldest sample batches are evicted so the
// newest batch is kept, events stay, every loss is counted, losses are logged once a minute,
// and no temporary file is left behind. On a real 256 KiB tmpfs (the test runs as root, as the
// CI does) and on an injected ENOSPC.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../agent/spool/spool.js';
import { writeFileAtomic } from '../../agent/spool/atomic.js';
import { createLogger } from '../../log/logger.js';
import type { IngestBatch } from '../../protocol/samples.js';

let dir: string;
let mounted = false;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pantau-spool-full-'))));
afterEach(() => {
  if (mounted) execFileSync('umount', [dir]);
  mounted = false;
  rmSync(dir, { recursive: true, force: true });
});

/** Incompressible-ish batches of a few KB each. */
let r = 12345;
const rnd = () => ((r = (r * 1103515245 + 12345) >>> 0) / 2 ** 32);
function batch(id: string, n: number, type: 'iface' | 'poll' = 'iface'): IngestBatch {
  const samples = Array.from({ length: n }, (_, i) =>
    type === 'poll'
      ? { type: 'poll' as const, device: `d${i}`, ts: i, ok: false, error: `snmp: ${rnd().toString(36)}` }
      : { type: 'iface' as const, device: `rtr-${rnd().toString(36).slice(2)}`, interface: `ether${i}`, ts: 1_700_000_000_000 + i, inOctets: BigInt(Math.floor(rnd() * 2 ** 52)), outOctets: BigInt(i), bits: 64 as const },
  );
  return { agent: 'a1', batch: id, samples };
}

function captureLog() {
  const lines: { msg: string; lostBatches?: number; droppedBatches?: number }[] = [];
  const logger = createLogger({ level: 'warn', destination: { write: (s: string) => void lines.push(JSON.parse(s)) } });
  return { logger, lines };
}

async function fillPastTheDisk(s: Spool, puts: number): Promise<string[]> {
  await s.put(batch('e0', 20, 'poll'), 'events');
  await s.put(batch('e1', 20, 'poll'), 'events');
  const ids: string[] = [];
  for (let i = 0; i < puts; i++) {
    const id = `s${i}`;
    ids.push(id);
    const e = await s.put(batch(id, 60), 'samples');
    expect(e?.batchId, `the newest batch ${id} is kept`).toBe(id);
  }
  return ids;
}

async function contents(s: Spool): Promise<string[]> {
  const ids: string[] = [];
  for (let e = s.oldest(); e; e = s.oldest()) {
    ids.push(e.batchId);
    await s.remove(e);
  }
  return ids;
}

describe('a full disk under the spool', () => {
  it('on a 256 KiB tmpfs: keeps the newest batches and the events, counts and logs each loss once a minute, leaves no temp file', async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', dir]);
    mounted = true;
    const clock = { t: 1_000_000 };
    const { logger, lines } = captureLog();
    const s = await Spool.open({ dir: join(dir, 'batches'), maxBytes: 100 * 1024 * 1024, logger, now: () => clock.t });
    const put = await fillPastTheDisk(s, 150); // ~600 KB of batches on a 256 KiB disk
    const st = s.stats();
    expect(st.droppedBatches).toBeGreaterThan(0);
    expect(st.batches + st.droppedBatches).toBe(152);
    expect(st.droppedEvents).toBe(0);
    expect(readdirSync(join(dir, 'batches', 'tmp'))).toEqual([]);
    // One line for this minute, naming the disk; the rest are summed into the next line.
    const losses = lines.filter((l) => /lost since the last report/.test(l.msg));
    expect(losses).toHaveLength(1);
    expect(losses[0].msg).toContain('disk full');
    clock.t += 61_000;
    await s.put(batch('late', 60), 'samples');
    const after = lines.filter((l) => /lost since the last report/.test(l.msg));
    expect(after).toHaveLength(2);
    expect(losses[0].lostBatches! + after[1].lostBatches!).toBe(s.stats().droppedBatches);
    const left = await contents(s);
    expect(left.slice(0, 2)).toEqual(['e0', 'e1']); // events kept, oldest first
    expect(left[left.length - 1]).toBe('late');
    // What is left of the samples is the newest, contiguous.
    const samples = left.filter((x) => x.startsWith('s'));
    expect(samples).toEqual(put.slice(put.length - samples.length));
    s.close();
  });

  /** A disk of `cap` bytes: the spool's files count, what the spool removed frees its room. */
  function diskOf(cap: number, room = { cap }) {
    const sizes = new Map<string, number>();
    return async (file: string, data: Buffer, tmp: string) => {
      cap = room.cap;
      let used = 0;
      for (const cls of ['events', 'samples']) for (const f of readdirSync(join(dir, cls))) used += sizes.get(f) ?? 0;
      if (used + data.length > cap) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      await writeFileAtomic(file, data, tmp);
      sizes.set(file.split('/').pop()!, data.length);
    };
  }

  it('on an injected ENOSPC: evicts the oldest samples first and keeps events', async () => {
    const s = await Spool.open({ dir, maxBytes: 100 * 1024 * 1024, logger: captureLog().logger, now: () => 0, writeFile: diskOf(40_000) });
    const put = await fillPastTheDisk(s, 40);
    const st = s.stats();
    expect(st.droppedBatches).toBeGreaterThan(0);
    expect(st.droppedSamples).toBe(st.droppedBatches * 60);
    const left = await contents(s);
    expect(left.slice(0, 2)).toEqual(['e0', 'e1']);
    expect(left.slice(2)).toEqual(put.slice(put.length - (left.length - 2)));
    s.close();
  });

  it('on an injected ENOSPC with only events on the disk: gives up the incoming sample batch, counted, and keeps the events', async () => {
    const room = { cap: 1e9 };
    const s = await Spool.open({ dir, maxBytes: 100 * 1024 * 1024, logger: captureLog().logger, now: () => 0, writeFile: diskOf(0, room) });
    expect((await s.put(batch('e0', 20, 'poll'), 'events'))?.batchId).toBe('e0');
    room.cap = s.stats().bytes + 100; // the disk is now full but for 100 bytes
    expect(await s.put(batch('s0', 60), 'samples')).toBeUndefined();
    expect(s.stats()).toMatchObject({ batches: 1, droppedBatches: 1, droppedSamples: 60, droppedEvents: 0 });
    expect(s.oldest()?.batchId).toBe('e0');
    expect(readdirSync(join(dir, 'tmp'))).toEqual([]);
    s.close();
  });
});
