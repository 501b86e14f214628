// The demo's simulated backup jobs: what they leave in the watched folders is what the demo
// promises (good nightly archives, one OPD with none, one with a truncated latest archive),
// as the agent's own check sees it.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenBucket } from '../../agent/inputs/backup-watch/rate.js';
import { inspectFile } from '../../agent/inputs/backup-watch/verify.js';
import { startSimBackups } from '../../sim/backups.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pantau-simbk-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const check = (f: string) => inspectFile(f, { bucket: new TokenBucket(1e12, 1 << 20) });

describe('simulated backup jobs', () => {
  it('leaves three nights of archives: good ones, none for the missing OPD, a truncated latest one', async () => {
    // 2026-12-02 10:00 WIB: the nights of 30 Nov, 1 and 2 Dec have run at 01:00 WIB (18:00 UTC the day before).
    const now = Date.parse('2026-12-02T03:00:00Z');
    const sim = startSimBackups({ dir, now, live: false, opds: [{ id: 'dinkes', behaviour: 'good' }, { id: 'disdik', behaviour: 'missing' }, { id: 'bkd', behaviour: 'truncated' }] });
    try {
      expect(sim.watch).toEqual(['dinkes', 'disdik', 'bkd'].map((opd) => ({ opd, glob: join(dir, opd, '*.tar.gz') })));
      expect(readdirSync(join(dir, 'dinkes')).sort()).toEqual(['dinkes-2026-11-30.tar.gz', 'dinkes-2026-12-01.tar.gz', 'dinkes-2026-12-02.tar.gz']);
      expect(readdirSync(join(dir, 'disdik'))).toEqual([]);
      // The first OPD's archive has its night's 01:05 WIB as mtime.
      expect(statSync(join(dir, 'dinkes', 'dinkes-2026-12-02.tar.gz')).mtimeMs).toBe(Date.parse('2026-12-01T18:05:00Z'));
      for (const f of readdirSync(join(dir, 'dinkes'))) {
        const r = await check(join(dir, 'dinkes', f));
        expect(r.ok).toBe(true);
        expect(r.bytes).toBeGreaterThan(100_000n); // above the demo's minBytes
      }
      expect((await check(join(dir, 'bkd', 'bkd-2026-12-01.tar.gz'))).ok).toBe(true);
      expect(await check(join(dir, 'bkd', 'bkd-2026-12-02.tar.gz'))).toMatchObject({ ok: false, reason: expect.stringMatching(/^gzip: unexpected end of file at byte \d+ \(truncated\)$/) });

      // Tonight's run (3 Dec, 01:00 WIB) writes the next archives.
      await sim.runNight(Date.parse('2026-12-02T18:00:00Z'), 1);
      expect((await check(join(dir, 'dinkes', 'dinkes-2026-12-03.tar.gz'))).ok).toBe(true);
      expect((await check(join(dir, 'bkd', 'bkd-2026-12-03.tar.gz'))).ok).toBe(false);
      expect(readdirSync(join(dir, 'disdik'))).toEqual([]);
    } finally {
      sim.stop();
    }
  }, 60_000);

  it('before the night\'s hour, the latest night is yesterday\'s', () => {
    const now = Date.parse('2026-12-01T17:30:00Z'); // 00:30 WIB on 2 Dec
    const sim = startSimBackups({ dir, now, live: false, nights: 1, opds: [{ id: 'dinkes', behaviour: 'good' }] });
    sim.stop();
    expect(readdirSync(join(dir, 'dinkes'))).toEqual(['dinkes-2026-12-01.tar.gz']);
  });
});
