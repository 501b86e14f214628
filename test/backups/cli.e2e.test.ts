// `pantau backup-done` and `pantau backup-run` as an OPD's backup script runs them, against a
// real collector on loopback: exit 0 when recorded; exit 1 with one clear line on a wrong token
// or an unreachable collector (after its retries); a failing command reported as failed with
// its exit status, and its status passed on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPantau } from '../helpers/cli.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';
import { freeTcpPort } from '../helpers/processes.js';
import { backupYaml, BK_BAPPEDA, BK_DINKES, t } from './helpers.js';

let c: TestCollector;
const clock = t('2026-03-10T18:30:00Z'); // 11 March 01:30 WIB
beforeAll(async () => {
  c = await startTestCollector(backupYaml, { now: () => clock });
});
afterAll(() => c.cleanup());

const rows = () => c.store.db.prepare('SELECT phase, run, ok, bytes, path, duration_s AS durationS, exit_code AS exitCode, reason, source FROM backup_run ORDER BY id').all() as Record<string, unknown>[];
const done = (...args: string[]) => runPantau(['backup-done', '--url', c.url, '--opd', 'dinkes', ...args], { PANTAU_RETRY_BASE_MS: '10' });

describe('pantau backup-done', () => {
  it('records a start and a success of one run and exits 0', async () => {
    const s = await done('--token', BK_DINKES, '--start', '--run', 'nightly-1');
    expect(s.stderr).toBe('');
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/start of dinkes run nightly-1 recorded; status missing/); // nothing came for 10 March
    const e = await done('--token', BK_DINKES, '--run', 'nightly-1', '--bytes', '7340032', '--path', '/srv/backup/dinkes.sql.gz');
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(/success of dinkes run nightly-1 recorded; status ok/); // it covers 10 March too (a good backup after its slot)
    expect(rows().slice(-2)).toMatchObject([
      { phase: 'start', run: 'nightly-1', ok: null },
      { phase: 'end', run: 'nightly-1', ok: 1, bytes: '7340032', path: '/srv/backup/dinkes.sql.gz', source: 'api:backup:dinkes' },
    ]);
  });

  it('exits 1 with one line on a wrong token and on another OPD\'s token, recording nothing', async () => {
    const before = rows().length;
    const wrong = await done('--token', 'not-the-right-token-000', '--failed');
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(/^pantau backup-done: the collector at http:\/\/127\.0\.0\.1:\d+ refused the token \(401: unknown token\); check --token$/m);
    const other = await done('--token', BK_BAPPEDA);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/may not report backups of OPD "dinkes" \(403: .*belongs to OPD "bappeda"/);
    expect(rows()).toHaveLength(before);
  });

  it('exits 1 after its retries when the collector cannot be reached', async () => {
    const port = await freeTcpPort();
    const r = await runPantau(['backup-done', '--url', `http://127.0.0.1:${port}`, '--token', BK_DINKES, '--opd', 'dinkes'], { PANTAU_RETRY_BASE_MS: '10' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`pantau backup-done: could not reach the collector at http://127.0.0.1:${port} after 4 attempts (ECONNREFUSED); the backup was not recorded`);
  });

  it('exits 2 on bad usage', async () => {
    const r = await done('--token', BK_DINKES, '--start', '--failed');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--start and --failed exclude each other/);
  });
});

describe('pantau backup-run', () => {
  it('reports a failing command as failed with its exit status, the output\'s size and duration, and exits with its status', async () => {
    const out = join(c.dir, 'dump.sql');
    const r = await runPantau(['backup-run', '--url', c.url, '--token', BK_DINKES, '--opd', 'dinkes', '--output', out, '--', 'sh', '-c', `printf 'partial' > ${out}; exit 3`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/reported failed \(exit 3, [\d.]+ s, 7 bytes\)/);
    const [start, end] = rows().slice(-2);
    expect(start).toMatchObject({ phase: 'start', ok: null, path: out });
    expect(end).toMatchObject({ phase: 'end', run: start.run, ok: 0, exitCode: 3, bytes: '7', path: out, reason: 'sh exited with status 3' });
    expect(end.durationS).toBeGreaterThanOrEqual(0);
    const v = (await (await c.get('/api/v1/backups')).json()) as { opds: { opd: string; status: string; recent: { run: string; state: string; exitCode: number }[] }[] };
    const d = v.opds.find((o) => o.opd === 'dinkes')!;
    expect(d.status).toBe('failed');
    expect(d.recent[0]).toMatchObject({ run: start.run, state: 'failed', exitCode: 3 });
  });

  it('reports a good run with its output file\'s size and exits 0', async () => {
    const out = join(c.dir, 'good.tar');
    writeFileSync(out, '');
    const r = await runPantau(['backup-run', '--url', c.url, '--token', BK_DINKES, '--opd', 'dinkes', '--output', out, '--', 'sh', '-c', `head -c 4096 /dev/zero > ${out}`]);
    expect(r.code).toBe(0);
    expect(rows().at(-1)).toMatchObject({ phase: 'end', ok: 1, exitCode: 0, bytes: '4096' });
  });

  it('still runs the backup when the collector refuses the token, and exits with the command\'s status', async () => {
    const r = await runPantau(['backup-run', '--url', c.url, '--token', 'not-the-right-token-000', '--opd', 'dinkes', '--', 'sh', '-c', 'exit 0']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/could not report the start of run dinkes-\S+: the collector at .* refused the token \(401/);
    expect(r.stderr).toMatch(/could not report the end/);
  });
});
