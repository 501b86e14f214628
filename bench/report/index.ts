// The monthly report at full size: 60 OPDs, 300 routers (each router's ether1 an uplink of its
// OPD), 31 days of 1-minute samples (October 2026, WIB) = 13.4 M samples generated into a fresh
// SQLite store through Store.writeBatch, rolled up, then measured in fresh processes:
//   - the report (evaluate + daily + HTML + CSV): wall time and peak RSS   goal < 2 s, < 300 MB
//   - the PDF of the same report through Chromium (reported, no goal)
//   - GET /api/v1/usage for the current month over loopback HTTP           goal < 200 ms
//   - a profile of where the report's time goes (SQL, bigint, evaluateOpd, rendering)
//
// Run: `npm run bench -- report`, or directly `node bin/run-ts.js bench/report/index.ts`.
// BENCH_REPORT_STORE=/path/file.db keeps the generated store there and reuses it when it
// exists (skips the ~minutes of generation); BENCH_REPORT_ROUTERS=N generates a smaller fleet
// for a smoke test only (the output then says so and the goals are not judged).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult, ResultRow } from '../harness/report.js';
import { onTeardown, tempDir } from '../harness/teardown.js';
import { openDatabase } from '../../collector/storage/sqlite.js';
import { Store } from '../../collector/storage/store.js';
import { monthRange } from '../../collector/accounting/months.js';
import { ROUTERS, OPDS, MONTH, TZ, buildConfigYaml, samplesPerRouter } from './fleet.js';
import { generateStore, type GenerateResult } from './generate.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOAL_REPORT_MS = 2000;
const GOAL_REPORT_RSS_MB = 300;
const GOAL_USAGE_MS = 150; // issue 12
const MB = 1e6;

interface Child<T> {
  wallMs: number;
  result: T;
}

/** Runs bench/report/child.ts in a fresh Node process; resolves to its JSON line and the spawn-to-exit time. */
function runChild<T>(arg: object): Promise<Child<T>> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['bin/run-ts.js', 'bench/report/child.ts', JSON.stringify(arg)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PANTAU_LOG_LEVEL: 'silent' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    onTeardown(`stop report child (pid ${child.pid})`, kill);
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`report child ${JSON.stringify(arg)} exited ${code}: ${stderr}`));
      try {
        resolve({ wallMs, result: JSON.parse(stdout.trim().split('\n').pop()!) as T });
      } catch (e) {
        reject(new Error(`report child printed no result: ${stdout.slice(-500)} ${stderr}`));
      }
    });
  });
}

interface ReportOut {
  bootMs: number;
  importMs: number;
  rssAfterImportsMiB: number;
  totalMs: number;
  steps: Record<string, number>;
  maxRssMiB: number;
  heapUsedMiB: number;
  htmlBytes: number;
  csvBytes: number;
  pdfMs?: number;
  pdfBytes?: number;
  opds: number;
  status: Record<string, number>;
  flagged: string[];
  totalTB: number;
}
interface UsageOut {
  startMs: number;
  /** The benchmark client's first request (to a throwaway local server), before the timed calls. */
  clientWarmMs: number;
  calls: number[];
  evaluateInProcess: number[];
  bytes: number;
  month: string;
  maxRssMiB: number;
}
interface ProfileOut {
  rowsRead: number;
  evaluate: Record<string, number>;
  dailyMs: number;
  htmlMs: number;
  htmlBytes: number;
  csvMs: number;
  reportJsonMs: number;
  reportJsonBytes: number;
  variants: Record<string, number>;
  maxRssMiB: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f0 = (x: number) => x.toFixed(0);
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Copies October's buckets to September and August (INSERT OR IGNORE); `remove()` deletes them again. */
function withHistory(sqlite: string): { rows: number; remove(): void } {
  const { from, to } = monthRange(MONTH, TZ);
  const open = () => {
    const db = openDatabase(sqlite);
    db.pragma('journal_mode = WAL');
    return db;
  };
  const db = open();
  let rows = 0;
  try {
    const ins = db.prepare('INSERT OR IGNORE INTO usage5m (series, bucket, in_bytes, out_bytes, covered_ms, span_ms) SELECT series, bucket - ?, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m WHERE bucket >= ? AND bucket < ?');
    db.transaction(() => {
      for (const days of [30, 61]) rows += ins.run(days * 86_400_000, from, to).changes;
      // Copied behind the rollup's back: drop the earlier months' kept figures and stored days as it would.
      db.prepare('DELETE FROM month_figures').run();
      db.prepare('DELETE FROM usage_day WHERE day < ?').run(from);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  return {
    rows,
    remove() {
      const d = open();
      try {
        d.prepare('DELETE FROM usage5m WHERE bucket < ?').run(from);
        d.prepare('DELETE FROM month_figures').run();
        d.prepare('DELETE FROM usage_day WHERE day < ?').run(from);
        d.pragma('wal_checkpoint(TRUNCATE)');
      } finally {
        d.close();
      }
    },
  };
}

/** Deletes the stored usage days (usage_day), as a store the collector never evaluated has none. */
function dropStoredDays(sqlite: string): void {
  const store = new Store(sqlite); // creates the table in a store generated before it existed
  try {
    store.db.exec('DELETE FROM usage_day');
  } finally {
    store.close();
  }
}

export function cpuModel(): string {
  try {
    return /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1].trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function run(): Promise<BenchResult> {
  const routers = Number(process.env.BENCH_REPORT_ROUTERS ?? ROUTERS);
  const full = routers === ROUTERS;
  const keep = process.env.BENCH_REPORT_STORE;
  const sqlite = keep ?? join(tempDir('report'), 'pantau.db');
  let gen: GenerateResult | undefined;
  if (keep && existsSync(keep)) log(`  reusing the store ${keep} (BENCH_REPORT_STORE); generation not measured`);
  else {
    log(`  generating ${routers} routers × ${samplesPerRouter()} samples into ${sqlite}`);
    gen = generateStore(sqlite, { routers, log });
  }

  const config = `${sqlite}.collector.yml`;
  writeFileSync(config, buildConfigYaml(sqlite));
  // A collector stores each day's aggregates once it has ended (usage_day); a generated store
  // has none. The first report computes and stores them (measured apart), the next ones read them.
  dropStoredDays(sqlite);
  log('  first report child on a store without stored days…');
  const cold = await runChild<ReportOut>({ mode: 'report', sqlite, config });
  log('  report child ×3 (evaluate + backups + up-time + daily + HTML + CSV)…');
  const reports: Child<ReportOut>[] = [];
  for (let i = 0; i < 3; i++) reports.push(await runChild<ReportOut>({ mode: 'report', sqlite, config }));
  log('  PDF child…');
  const pdf = await runChild<ReportOut>({ mode: 'pdf', sqlite, config });
  log('  /usage child…');
  const usage = await runChild<UsageOut>({ mode: 'usage', sqlite, config, calls: 10 });
  log('  profile child…');
  const prof = await runChild<ProfileOut>({ mode: 'profile', sqlite, config });

  // Steady state: evaluate() also evaluates the evaluation.months − 1 earlier months (for the
  // recommendation), so a deployment that has run for a while reads three months of buckets.
  // Copy October's buckets into September and August (buckets only) and measure again.
  log('  with August + September buckets present: report child, /usage child…');
  const hist = withHistory(sqlite);
  let histReport: Child<ReportOut>;
  let histFirst: Child<ReportOut>;
  let histUsage: Child<UsageOut>;
  try {
    // The first report computes August's and September's figures and keeps them (month_figures);
    // later reports (and the collector) read them.
    histFirst = await runChild<ReportOut>({ mode: 'report', sqlite, config });
    histReport = await runChild<ReportOut>({ mode: 'report', sqlite, config });
    histUsage = await runChild<UsageOut>({ mode: 'usage', sqlite, config, calls: 5 });
  } finally {
    hist.remove();
  }

  const repMs = reports.map((r) => r.result.totalMs);
  const repRss = reports.map((r) => (r.result.maxRssMiB * 1024 * 1024) / MB);
  const e2e = reports.map((r) => r.wallMs);
  const usageMed = median(usage.result.calls);
  const usageMax = Math.max(...usage.result.calls);
  const judge = full ? (ok: boolean) => ok : () => undefined;
  const rows: ResultRow[] = [
    { metric: 'first report on a store without stored days (computes and stores them), in-process', unit: 'ms', pantau: cold.result.totalMs },
    { metric: 'report in-process: open + evaluate + backups + up-time + daily + HTML + CSV, median of 3 fresh processes', unit: 'ms', pantau: median(repMs), goal: `< ${GOAL_REPORT_MS} ms`, met: judge(median(repMs) < GOAL_REPORT_MS) },
    { metric: 'report, slowest of the 3', unit: 'ms', pantau: Math.max(...repMs), goal: `< ${GOAL_REPORT_MS} ms`, met: judge(Math.max(...repMs) < GOAL_REPORT_MS) },
    { metric: 'report process end to end (node + tsx start, imports, report, exit), median', unit: 'ms', pantau: median(e2e) },
    { metric: 'report peak RSS (maxRSS), largest of the 3', unit: 'MB', pantau: Math.max(...repRss), goal: `< ${GOAL_REPORT_RSS_MB} MB`, met: judge(Math.max(...repRss) < GOAL_REPORT_RSS_MB) },
    { metric: 'PDF render through Chromium (after evaluate)', unit: 'ms', pantau: pdf.result.pdfMs },
    { metric: 'GET /api/v1/usage current month, median of 10', unit: 'ms', pantau: usageMed, goal: `< ${GOAL_USAGE_MS} ms`, met: judge(usageMed < GOAL_USAGE_MS) },
    { metric: 'GET /api/v1/usage current month, max of 10', unit: 'ms', pantau: usageMax, goal: `< ${GOAL_USAGE_MS} ms`, met: judge(usageMax < GOAL_USAGE_MS) },
  ];
  rows.push(
    { metric: 'report with Aug + Sep buckets, first report after they arrived (computes and keeps their figures), in-process', unit: 'ms', pantau: histFirst!.result.totalMs, goal: '', met: undefined },
    { metric: 'report with Aug + Sep buckets also in the store (steady state), in-process', unit: 'ms', pantau: histReport.result.totalMs, goal: `< ${GOAL_REPORT_MS} ms`, met: judge(histReport.result.totalMs < GOAL_REPORT_MS) },
    { metric: 'report with Aug + Sep buckets, peak RSS', unit: 'MB', pantau: (histReport.result.maxRssMiB * 2 ** 20) / MB, goal: `< ${GOAL_REPORT_RSS_MB} MB`, met: judge((histReport.result.maxRssMiB * 2 ** 20) / MB < GOAL_REPORT_RSS_MB) },
    { metric: 'GET /api/v1/usage with Aug + Sep buckets, median of 5', unit: 'ms', pantau: median(histUsage.result.calls), goal: `< ${GOAL_USAGE_MS} ms`, met: judge(median(histUsage.result.calls) < GOAL_USAGE_MS) },
  );
  if (gen)
    rows.push(
      { metric: 'generation: writeBatch rate (10k-sample batches, one tx each)', unit: 'k samples/s', pantau: gen.samplesPerS / 1000 },
      { metric: 'generation: write time', unit: 's', pantau: gen.writeS },
      { metric: 'generation: rollup.drain()', unit: 's', pantau: gen.rollupS },
    );

  const r0 = reports[Math.floor(reports.length / 2)].result;
  const p = prof.result;
  const extra: Record<string, string> = {
    'data set': `${OPDS * (routers / ROUTERS)} OPDs, ${routers} routers, ${gen ? gen.samples.toLocaleString('en') : '(reused store)'} samples, month 2026-10 Asia/Jakarta${full ? '' : ' — REDUCED FLEET (BENCH_REPORT_ROUTERS), goals not judged'}`,
    ...(gen
      ? {
          store: `${(gen.fileBytes / MB).toFixed(0)} MB on disk, ${gen.buckets.toLocaleString('en')} usage5m buckets, ${gen.events} counter events; generator peak RSS ${gen.peakRssMiB.toFixed(0)} MiB; ${gen.batches} batches`,
        }
      : {}),
    'first report, no stored days (ms)': `${f0(cold.result.totalMs)}: ${Object.entries(cold.result.steps).map(([k, v]) => `${k.replace(/Ms$/, '')} ${f0(v)}`).join(', ')}`,
    'report runs (in-process ms)': repMs.map(f0).join(', '),
    'report runs (end-to-end ms)': e2e.map(f0).join(', '),
    'report runs (maxRSS MB)': repRss.map(f0).join(', '),
    'report steps (median run, ms)': `boot ${f0(r0.bootMs)}, imports ${f0(r0.importMs)} (RSS after imports ${f0((r0.rssAfterImportsMiB * 2 ** 20) / MB)} MB), ${Object.entries(r0.steps).map(([k, v]) => `${k.replace(/Ms$/, '')} ${f0(v)}`).join(', ')}`,
    'report output': `HTML ${(r0.htmlBytes / 1024).toFixed(0)} KiB, CSV ${(r0.csvBytes / 1024).toFixed(0)} KiB, PDF ${((pdf.result.pdfBytes ?? 0) / 1024).toFixed(0)} KiB; ${r0.opds} OPDs ${JSON.stringify(r0.status)}; ${r0.totalTB.toFixed(1)} TB total; ${r0.flagged.length} uplinks with data-quality notes`,
    'with Aug + Sep buckets': `${hist.rows.toLocaleString('en')} buckets copied; report steps ${Object.entries(histReport.result.steps).map(([k, v]) => `${k.replace(/Ms$/, '')} ${f0(v)}`).join(', ')}; /usage calls ${histUsage.result.calls.map(f0).join(', ')} ms`,
    '/usage calls (ms)': usage.result.calls.map(f0).join(', '),
    '/usage evaluate in-process (ms)': usage.result.evaluateInProcess.map(f0).join(', '),
    '/usage': `${usage.result.month}; response ${(usage.result.bytes / 1024).toFixed(0)} KiB; collector start ${f0(usage.result.startMs)} ms (this month evaluated at start); the client's first request (to a throwaway local server, not timed) ${f0(usage.result.clientWarmMs)} ms; collector maxRSS ${f0((usage.result.maxRssMiB * 1024 * 1024) / MB)} MB`,
    'profile: evaluate (ms)': Object.entries(p.evaluate).map(([k, v]) => `${k.replace(/Ms$/, '')} ${f0(v)}`).join(', '),
    'profile: rest (ms)': `daily ${f0(p.dailyMs)}, renderHtml ${f0(p.htmlMs)}, renderCsv ${f0(p.csvMs)}, JSON.stringify(report) ${f0(p.reportJsonMs)} (${(p.reportJsonBytes / 1024).toFixed(0)} KiB); ${p.rowsRead.toLocaleString('en')} bucket rows read`,
    'profile: read variants (ms)': `same bucket rows as JS numbers (no safeIntegers) ${f0(p.variants.bucketsAsNumbersSqlMs)}; sum() per uplink in SQL ${f0(p.variants.sqlSumsPerUplinkMs)}`,
    machine: `${(await import('node:os')).cpus().length} cores, ${((await import('node:os')).totalmem() / 2 ** 30).toFixed(0)} GiB, ${cpuModel()}, Node ${process.version}`,
  };
  return {
    name: 'report',
    title: 'monthly report for 60 OPDs / 300 routers / 31 days of 1-minute samples, and /usage for the current month',
    rows,
    extra,
    notes: [
      'each report figure comes from a fresh `node bin/run-ts.js` process (RSS is the report\'s, not the generator\'s); the store file is warm in the OS page cache (the machine was not asked to drop caches)',
      'in-process time starts after imports: config parse, Store open, UsageService.evaluate (October, now 2026-11-05), the backups and up-time sections, daily(), renderReport html + csv',
      'the first report runs on a store without stored usage days (usage_day) and stores them; the 3 measured reports read them, as they find a store a running collector keeps',
      'profile: replays an evaluation from every bucket row of each uplink (the read before the day cache and stored days), step by step, for comparison; it is not the path UsageService takes now',
      '/usage: startCollector with now = 2026-10-31 12:00 WIB, loopback HTTP, viewer token; between calls the same evaluate() is also timed in-process to separate it from HTTP + JSON',
    ],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { hookSignals, teardown } = await import('../harness/teardown.js');
  const { printResult, saveResult } = await import('../harness/report.js');
  hookSignals();
  const t0 = Date.now();
  try {
    const r = await run();
    printResult(r);
    console.log(`  (${((Date.now() - t0) / 1000).toFixed(0)} s; raw: ${saveResult(r)})`);
  } finally {
    await teardown();
  }
}
