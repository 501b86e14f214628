// The monthly report's "Kepatuhan pencadangan" section, made by the real `pantau report` from
// the store a running collector writes, equals GET /api/v1/backups?month= (JSON), and shows in
// the CSV's appended columns and the HTML; a month before supervision began is no_data, never 100 %.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flat, pdfPages } from '../report/peers.js';
import { runPantau } from '../helpers/cli.js';
import { AGENT_TOKEN, startTestCollector, type TestCollector } from '../helpers/collector.js';
import { writeConfig } from '../helpers/processes.js';
import { backupYaml, BK_DINKES, DAY, MIN, t } from './helpers.js';

let c: TestCollector;
let clock = t('2026-02-25T03:00:00Z'); // supervision begins 25 February
let config: string;
const slot = (day: number) => t('2026-02-28T18:00:00Z') + (day - 1) * DAY; // `day` March 01:00 WIB

beforeAll(async () => {
  c = await startTestCollector(backupYaml, { now: () => clock });
  config = writeConfig(c.dir, 'collector.yaml', backupYaml(join(c.dir, 'pantau.db')));
  clock = t('2026-04-02T03:00:00Z');
  const post = async (body: Record<string, unknown>) => expect((await c.post('/api/v1/backups', body, BK_DINKES)).status).toBe(201);
  for (let d = 1; d <= 27; d++) await post({ opd: 'dinkes', ts: slot(d) + 30 * MIN, bytes: String(1_000_000_000 + d * 1_000_000), path: `/srv/backup/dinkes-${d}.sql.gz` });
  await post({ opd: 'dinkes', ts: slot(28) + 300 * MIN, bytes: '1030000000' }); // after the 4 h grace: late
  await post({ opd: 'dinkes', ts: slot(30) + 20 * MIN, ok: false, exitCode: 2, reason: 'pg_dump: connection refused' }); // 29 and 30: missed
  const ingest = await c.post('/api/v1/ingest', { agent: 'a1', batch: 'm31', samples: [{ type: 'backup', opd: 'dinkes', ts: slot(31) + 15 * MIN, ok: false, bytes: '1000', path: '/srv/backup/dinkes-31.tar.gz', reason: 'gzip: unexpected end of file' }] }, AGENT_TOKEN);
  expect(await ingest.json()).toMatchObject({ stored: 1 });
  await post({ opd: 'dinkes', ts: slot(31) + 60 * MIN, bytes: '1040000000', path: '/srv/backup/dinkes-31b.sql.gz', sha256: 'e'.repeat(64) });
}, 60_000);
afterAll(() => c.cleanup());

const report = async (month: string, format: string) => {
  const r = await runPantau(['report', '--config', config, '--month', month, '--format', format]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
};

describe('the report\'s backup compliance section', () => {
  it('equals /backups?month= for every OPD', async () => {
    const api = (await (await c.get('/api/v1/backups?month=2026-03')).json()) as { opds: { opd: string; counts: Record<string, unknown> }[] };
    const dinkes = api.opds.find((o) => o.opd === 'dinkes')!.counts;
    expect(dinkes).toMatchObject({ month: '2026-03', state: 'complete', due: 31, made: 29, late: 1, missed: 2, compliancePct: 93.5, failed: 1, pending: 0 });
    expect(dinkes.corrupt).toEqual([{ ts: slot(31) + 15 * MIN, path: '/srv/backup/dinkes-31.tar.gz', reason: 'gzip: unexpected end of file' }]);
    expect(dinkes.lastGood).toEqual({ ts: slot(31) + 60 * MIN, bytes: '1040000000', path: '/srv/backup/dinkes-31b.sql.gz', sha256: 'e'.repeat(64) });
    expect(dinkes.sizes).toEqual({ first: '1001000000', last: '1040000000', min: '1001000000', max: '1040000000', count: 29, changePct: 3.89 });
    expect(api.opds.find((o) => o.opd === 'bappeda')!.counts).toMatchObject({ due: 5, made: 0, missed: 5, compliancePct: 0 }); // five Sundays
    const json = JSON.parse(await report('2026-03', 'json')) as { backups: { state: string; opds: Record<string, unknown>[] } };
    expect(json.backups.state).toBe('complete');
    for (const o of api.opds) {
      const { month, ...counts } = o.counts;
      expect(month).toBe('2026-03');
      expect(json.backups.opds.find((x) => x.opd === o.opd)).toMatchObject(counts);
    }
  });

  it('appends the figures to the CSV and renders the section in the HTML', async () => {
    const csv = (await report('2026-03', 'csv')).trim().split('\r\n');
    const head = csv[0].split(',');
    const row = (opd: string) => Object.fromEntries(csv.find((l) => l.startsWith(`${opd},`))!.split(',').map((v, i) => [head[i], v]));
    expect(row('dinkes')).toMatchObject({ backup_state: 'complete', backups_due: '31', backups_made: '29', backups_late: '1', backups_missed: '2', backup_compliance_pct: '93.5', backups_corrupt: '1', last_good_backup: '2026-03-31T02:00:00+07:00', backup_size_change_pct: '3.89' });
    expect(row('bkd')).toMatchObject({ backup_state: 'not_configured', backups_due: '' });
    const html = await report('2026-03', 'html');
    expect(html).toContain('Kepatuhan pencadangan (Pasal 17)');
    expect(html).toContain('gzip: unexpected end of file');
    expect(html).toContain('Tidak ada jadwal pencadangan');
  });

  it('prints the section in the PDF (Chromium renders the same HTML)', async () => {
    const out = join(c.dir, 'report.pdf');
    const r = await runPantau(['report', '--config', config, '--month', '2026-03', '--format', 'pdf', '--out', out], {}, 90_000);
    expect(r.code, r.stderr).toBe(0);
    const text = flat(pdfPages(readFileSync(out)).join(' '));
    expect(text).toContain('Kepatuhan pencadangan (Pasal 17)');
    expect(text).toMatch(/93,5\s%/); // pdftotext reads table columns in its own order
    expect(text).toContain('Tidak ada jadwal pencadangan');
    expect(text).toContain('gzip: unexpected end of file');
  }, 120_000);

  it('says no_data for a month before supervision began, never 100 %', async () => {
    const api = (await (await c.get('/api/v1/backups?month=2026-01')).json()) as { opds: { opd: string; counts: Record<string, unknown> }[] };
    expect(api.opds.find((o) => o.opd === 'dinkes')!.counts).toMatchObject({ state: 'no_data', due: 0 });
    expect(api.opds.find((o) => o.opd === 'dinkes')!.counts.compliancePct).toBeUndefined();
    const json = JSON.parse(await report('2026-01', 'json')) as { backups: { state: string } };
    expect(json.backups.state).toBe('no_data');
    const html = await report('2026-01', 'html');
    expect(html).toContain('Data pencadangan tidak tersedia untuk bulan ini');
    expect(html).not.toMatch(/100,0\u00a0%/);
  });
});
