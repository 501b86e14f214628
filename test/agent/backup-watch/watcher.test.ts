// The backup watcher driven scan by scan with explicit times: a file is taken once it stopped
// growing, reported with its size and SHA-256, exactly once, also across a restart.
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BackupWatcher, type BackupWatchOptions } from '../../../agent/inputs/backup-watch/index.js';
import { expandGlob } from '../../../agent/inputs/backup-watch/glob.js';
import { silentLogger } from '../../../log/logger.js';
import type { BackupSample } from '../../../protocol/samples.js';
import { sha256, tarGz, truncate, zip } from './archives.js';

let dir: string;
let land: string;
let emitted: BackupSample[];
const SETTLE = 60_000;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pantau-bkw-'));
  land = join(dir, 'landing', 'dinkes');
  mkdirSync(land, { recursive: true });
  emitted = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function watcher(o: Partial<BackupWatchOptions> = {}): BackupWatcher {
  return new BackupWatcher({
    watch: [{ opd: 'dinkes', glob: join(land, '*.tar.gz') }, { opd: 'dinkes', glob: join(land, '*.zip') }],
    stateFile: join(dir, 'spool', 'backup-watch.json'),
    logger: silentLogger(),
    emit: async (s) => {
      emitted.push(...s);
    },
    settleMs: SETTLE,
    ...o,
  });
}

/** A ready archive moved into the landing folder under `name`. */
function landArchive(name: string, make = tarGz): string {
  const work = mkdtempSync(join(dir, 'work-'));
  const f = make(work);
  copyFileSync(f, join(land, name));
  return join(land, name);
}

describe('backup watcher', () => {
  beforeEach(() => mkdirSync(join(dir, 'spool'), { recursive: true }));

  it('does not report a file still being written, then reports it once it stopped growing', async () => {
    const full = readFileSync(landArchive('full.tar.gz'));
    rmSync(join(land, 'full.tar.gz'));
    const f = join(land, 'dinkes-2026-12-02.tar.gz');
    const t0 = Date.now();
    const w = watcher();
    writeFileSync(f, full.subarray(0, 4000));
    expect(await w.scan(t0)).toEqual([]); // first sight
    appendFileSync(f, full.subarray(4000, 9000));
    expect(await w.scan(t0 + SETTLE)).toEqual([]); // grew since
    appendFileSync(f, full.subarray(9000));
    expect(await w.scan(t0 + 2 * SETTLE)).toEqual([]); // grew again
    expect(await w.scan(t0 + 3 * SETTLE - 1)).toEqual([]); // unchanged, not yet for the settle time
    const [s] = await w.scan(t0 + 3 * SETTLE);
    const st = statSync(f);
    expect(s).toEqual({ type: 'backup', opd: 'dinkes', ts: Math.round(st.mtimeMs), ok: true, bytes: BigInt(full.length), path: f, sha256: sha256(f) });
    expect(emitted).toEqual([s]);
    expect(await w.scan(t0 + 4 * SETTLE)).toEqual([]);
    expect(emitted).toHaveLength(1);
  });

  it('reports a good zip ok and a truncated .tar.gz failed with its reason', async () => {
    const t0 = Date.now();
    const z = landArchive('bappeda.zip', zip);
    const bad = landArchive('rusak.tar.gz');
    truncate(bad, 3000);
    const w = watcher();
    await w.scan(t0);
    const got = await w.scan(t0 + SETTLE);
    expect(got.map((s) => [s.path, s.ok, s.bytes, s.sha256, s.reason])).toEqual(
      expect.arrayContaining([
        [z, true, BigInt(statSync(z).size), sha256(z), undefined],
        [bad, false, 3000n, sha256(bad), 'gzip: unexpected end of file at byte 3000 (truncated)'],
      ]),
    );
    expect(got).toHaveLength(2);
  });

  it('reports each backup once across a restart, and a file rewritten under the same name again', async () => {
    const t0 = Date.now();
    const f = landArchive('latest.tar.gz');
    const a = watcher();
    await a.scan(t0);
    expect(await a.scan(t0 + SETTLE)).toHaveLength(1);
    expect(existsSync(join(dir, 'spool', 'backup-watch.json'))).toBe(true);

    const b = watcher(); // the agent restarted
    expect(await b.scan(t0 + 2 * SETTLE)).toEqual([]);
    expect(await b.scan(t0 + 3 * SETTLE)).toEqual([]);
    const g = landArchive('next.tar.gz');
    await b.scan(t0 + 4 * SETTLE);
    expect((await b.scan(t0 + 5 * SETTLE)).map((s) => s.path)).toEqual([g]);

    // Tonight's run overwrites latest.tar.gz: another size, another mtime, another backup.
    appendFileSync(f, Buffer.alloc(1024));
    utimesSync(f, new Date(), new Date(Date.now() + 5000));
    await b.scan(t0 + 6 * SETTLE);
    const again = await b.scan(t0 + 7 * SETTLE);
    expect(again.map((s) => [s.path, s.ok])).toEqual([[f, true]]); // trailing zeros after the gzip member are allowed
    expect(emitted).toHaveLength(3);
  });

  it('keeps a file whose delivery failed, and reports it at the next scan', async () => {
    const t0 = Date.now();
    landArchive('a.tar.gz');
    let fail = true;
    const w = watcher({
      emit: async (s) => {
        if (fail) throw new Error('spool disk unwritable');
        emitted.push(...s);
      },
    });
    await w.scan(t0);
    await expect(w.scan(t0 + SETTLE)).rejects.toThrow('spool disk unwritable');
    fail = false;
    expect(await w.scan(t0 + 2 * SETTLE)).toHaveLength(1);
    expect(emitted).toHaveLength(1);
  });

  it('remembers without reporting files already old when first seen', async () => {
    const t0 = Date.now();
    const f = landArchive('2025-01-01.tar.gz');
    const old = new Date(t0 - 30 * 86_400_000);
    utimesSync(f, old, old);
    const g = landArchive('today.tar.gz');
    const w = watcher();
    await w.scan(t0);
    expect((await w.scan(t0 + SETTLE)).map((s) => s.path)).toEqual([g]);
    const state = JSON.parse(readFileSync(join(dir, 'spool', 'backup-watch.json'), 'utf8'));
    expect(state.files[f].reportedAt).toBe(0);
    expect(state.files[g].reportedAt).toBe(t0 + SETTLE);
  });

  it('starts afresh from an unreadable state file, keeping it aside', async () => {
    writeFileSync(join(dir, 'spool', 'backup-watch.json'), '{not json');
    const t0 = Date.now();
    landArchive('a.tar.gz');
    const w = watcher();
    await w.scan(t0);
    expect(await w.scan(t0 + SETTLE)).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(dir, 'spool', 'backup-watch.json'), 'utf8')).version).toBe(1);
  });
});

describe('backup-watch globs', () => {
  it('matches per segment like the shell: *, ?, [..], folders, never a leading dot', async () => {
    for (const p of ['a/x.tar.gz', 'a/y.tar.gz', 'a/.x.tar.gz', 'a/x.tar.gz.part', 'b/z1.tar.gz', 'b/z2.zip', 'c/sub/q.tar.gz'].map((p) => join(dir, p))) {
      mkdirSync(join(p, '..'), { recursive: true });
      writeFileSync(p, 'x');
    }
    mkdirSync(join(dir, 'a', 'dir.tar.gz'));
    const names = async (g: string) => (await expandGlob(join(dir, g))).files.map((f) => f.path.slice(dir.length + 1));
    expect(await names('a/*.tar.gz')).toEqual(['a/x.tar.gz', 'a/y.tar.gz']);
    expect(await names('*/*.tar.gz')).toEqual(['a/x.tar.gz', 'a/y.tar.gz', 'b/z1.tar.gz']);
    expect(await names('b/z?.*')).toEqual(['b/z1.tar.gz', 'b/z2.zip']);
    expect(await names('[ab]/[!x]*')).toEqual(['a/y.tar.gz', 'b/z1.tar.gz', 'b/z2.zip']);
    expect(await names('c/*/q.tar.gz')).toEqual(['c/sub/q.tar.gz']);
    expect(await names('nowhere/*.tar.gz')).toEqual([]);
    const [f] = (await expandGlob(join(dir, 'b/z2.zip'))).files;
    expect(f).toMatchObject({ bytes: 1n });
  });
});
