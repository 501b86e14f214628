// `pantau report` as an operator runs it, beside the store a collector filled.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPantau } from '../helpers/cli.js';
import { AGENT_TOKEN, startTestCollector, testConfigYaml, type TestCollector } from '../helpers/collector.js';
import type { UsageReport } from '../../protocol/usage.js';
import { flat, pdfPages } from '../report/peers.js';

let c: TestCollector;
let cfgFile: string;
beforeAll(async () => {
  // A clock early in November: October's samples lie inside the acceptance window (rawDays 45).
  c = await startTestCollector(undefined, { now: () => Date.UTC(2026, 10, 5) });
  cfgFile = join(c.dir, 'collector.yaml');
  writeFileSync(cfgFile, testConfigYaml(join(c.dir, 'pantau.db')));
  const samples = [];
  let v = 10n ** 15n;
  for (let t = Date.UTC(2026, 9, 10); t < Date.UTC(2026, 9, 11); t += 300_000) {
    samples.push({ type: 'iface', device: 'r1', interface: 'ether1', ts: t, inOctets: v.toString(), outOctets: (v / 3n).toString(), bits: 64, speedBps: 1e9 });
    samples.push({ type: 'poll', device: 'r1', ts: t, ok: true }); // up-time: every 5 minutes, two intervals of the 60 s agent each
    v += 1_234_567_890n;
  }
  expect((await c.post('/api/v1/ingest', { agent: 'a1', batch: 'oct', samples }, AGENT_TOKEN)).status).toBe(200);
  await c.get('/api/v1/usage?month=2026-10'); // the collector's rollup turns them into buckets
}, 60_000);
afterAll(async () => c?.cleanup());

describe('pantau report', () => {
  it('writes JSON equal to /usage, its up-time section equal to /uptime, and CSV with the same bytes', async () => {
    const usage = (await (await c.get('/api/v1/usage?month=2026-10')).json()) as UsageReport;
    const uptime = (await (await c.get('/api/v1/uptime?month=2026-10')).json()) as UsageReport['uptime'];
    const json = join(c.dir, 'r.json');
    const r = await runPantau(['report', '--config', cfgFile, '--month', '2026-10', '--format', 'json', '--out', json]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { uptime: section, backups, ...fromCli } = JSON.parse(readFileSync(json, 'utf8')) as UsageReport & { backups: unknown };
    expect(backups).toMatchObject({ month: '2026-10' }); // the backup section (Pasal 17), beside /usage's figures
    expect({ ...fromCli, generatedAt: 0 }).toEqual({ ...usage, generatedAt: 0 });
    // A month that is over: the CLI's clock differs from the collector's only in generatedAt.
    expect({ ...section, generatedAt: 0 }).toEqual({ ...uptime, generatedAt: 0 });
    expect(section!.devices.map((d) => [d.device, d.state])).toEqual([['r1', 'unknown'], ['r2', 'no_data'], ['r3', 'no_data']]);
    expect(section!.devices[0]).toMatchObject({ upS: 288 * 120, downS: 0, availabilityPct: 100 });
    expect(BigInt(fromCli.opds[0].inBytes)).toBe(1_234_567_890n * 287n);

    const csv = await runPantau(['report', '--config', cfgFile, '--month', '2026-10', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const [header, dinkes] = csv.stdout.trim().split(/\r?\n/).map((l) => l.split(','));
    expect(dinkes[header.indexOf('in_bytes')]).toBe(usage.opds[0].inBytes);
    expect(dinkes[header.indexOf('total_bytes')]).toBe(usage.opds[0].totalBytes);
  });

  it('prints a PDF whose text is the report, and an Indonesian HTML document', async () => {
    const pdf = join(c.dir, 'r.pdf');
    const r = await runPantau(['report', '--config', cfgFile, '--month', '2026-10', '--format', 'pdf', '--out', pdf], {}, 60_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = flat(pdfPages(readFileSync(pdf)).join(' '));
    expect(text).toContain('Evaluasi Penggunaan Bandwidth');
    expect(text).toContain('Periode : Oktober 2026');
    expect(text).toContain('Dinas Kesehatan');
    expect(text).toContain('Dasar dan metode');
    expect(text).toContain('Ketersediaan server'); // the up-time section (Pasal 15) is in the PDF too
    // Bappeda's router sent nothing in October: said plainly, no figures.
    expect(text).toMatch(/Bappeda .*Data tidak tersedia/);
    const html = await runPantau(['report', '--config', cfgFile, '--month', '2026-10']);
    expect(html.stdout).toMatch(/<html lang="id"/);
    expect(html.stdout).toContain('Dinas Kesehatan');
  });

  it('without Chromium, fails a PDF request with one line that says what to install', async () => {
    const out = join(c.dir, 'none.pdf');
    const r = await runPantau(['report', '--config', cfgFile, '--month', '2026-10', '--format', 'pdf', '--out', out], { PANTAU_CHROMIUM: '/nonexistent/chromium' });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'pantau report: PDF and chart images need Chromium, not found at /nonexistent/chromium: install it (apt-get install chromium) or set PANTAU_CHROMIUM to its path\n',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('refuses to e-mail a month in which no OPD was observed, in one line, before contacting SMTP', async () => {
    const mailCfg = join(c.dir, 'collector-mail.yaml');
    writeFileSync(mailCfg, testConfigYaml(join(c.dir, 'pantau.db'), 'report: { to: [ tim@example.go.id ], smtp: { host: 127.0.0.1, port: 1, from: noc@example.go.id } }'));
    const r = await runPantau(['report', '--config', mailCfg, '--month', '2026-08', '--send']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(
      'pantau report: no OPD was observed in 2026-08 (zero coverage): the report is not sent; check that the agents report to this collector',
    );
    expect(r.stderr).not.toMatch(/ECONNREFUSED|at .*\.ts:/);
    expect(r.stderr).not.toMatch(/"level":/); // no log line besides it (pino writes asynchronously: it could come last)
  });

  it('refuses a bad month or format with exit 2 and says what was expected', async () => {
    const m = await runPantau(['report', '--config', cfgFile, '--month', '2026-13']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/--month: expected YYYY-MM/);
    const f = await runPantau(['report', '--config', cfgFile, '--month', '2026-10', '--format', 'docx']);
    expect(f.code).toBe(2);
    expect(f.stderr).toMatch(/--format: expected one of html, csv, json, pdf, found "docx"/);
  });

  it('reads a relative store.sqlite from the config file\'s folder, whatever the working folder', async () => {
    const rel = join(c.dir, 'relative.yaml');
    writeFileSync(rel, testConfigYaml('pantau.db'));
    const r = await runPantau(['report', '--config', rel, '--month', '2026-10', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(BigInt((JSON.parse(r.stdout) as UsageReport).opds[0].inBytes)).toBe(1_234_567_890n * 287n);
  });

  it('refuses a store that does not exist with exit 2, naming it, and creates nothing', async () => {
    const dir = join(c.dir, 'typo');
    mkdirSync(dir);
    const cfg = join(dir, 'collector.yaml');
    writeFileSync(cfg, testConfigYaml('data/pantau.bd'));
    const r = await runPantau(['report', '--config', cfg, '--month', '2026-10', '--format', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`store.sqlite: no store at ${join(dir, 'data/pantau.bd')}`);
    expect(r.stderr).toMatch(/Nothing was created\.\n$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
