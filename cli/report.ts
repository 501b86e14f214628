// `pantau report --config FILE --month YYYY-MM [--format html|csv|json|pdf] [--out FILE] [--send]`:
// the monthly evaluation from the store, rendered, written, and/or e-mailed.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCollectorConfig } from '../config/collector.js';
import { isMonth } from '../collector/accounting/months.js';
import { ChromiumMissingError } from '../collector/report/browser.js';
import { documentOptions } from '../collector/report/document.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../collector/report/render.js';
import { NoDataError, ReportScheduler } from '../collector/report/schedule.js';
import { Rollup } from '../collector/storage/rollup.js';
import { localDayStart } from '../collector/usage/day-cache.js';
import { SqliteReportLedger } from '../collector/storage/report-ledger.js';
import { Store } from '../collector/storage/store.js';
import { UsageService } from '../collector/usage/service.js';
import { BackupService } from '../collector/backups/service.js';
import { withBackups } from '../collector/report/backups-section.js';
import { uptimeReader } from '../collector/uptime/reader.js';
import { withUptime } from '../collector/report/uptime-section.js';
import { createLogger } from '../log/logger.js';
import { CommandError, UsageError } from './errors.js';


/** Failures an operator fixes without a stack trace: one line on stderr, exit 1. */
export async function runReport(args: string[]): Promise<number> {
  try {
    return await report(args);
  } catch (e) {
    if (e instanceof ChromiumMissingError || e instanceof NoDataError) {
      process.stderr.write(`pantau report: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

async function report(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string', short: 'c' },
      month: { type: 'string' },
      format: { type: 'string', default: 'html' },
      out: { type: 'string', short: 'o' },
      send: { type: 'boolean', default: false },
      lang: { type: 'string' },
    },
    strict: true,
  });
  if (!values.config) throw new UsageError('missing --config FILE');
  if (!values.month || !isMonth(values.month)) throw new UsageError(`--month: expected YYYY-MM such as 2026-10, found "${values.month ?? ''}"`);
  const format = values.format as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--format: expected one of ${REPORT_FORMATS.join(', ')}, found "${values.format}"`);
  if (values.lang !== undefined && values.lang !== 'id' && values.lang !== 'en') throw new UsageError(`--lang: expected id or en, found "${values.lang}"`);
  const cfg = loadCollectorConfig(values.config);
  const language = (values.lang as 'id' | 'en' | undefined) ?? cfg.report.language;
  if (values.send && !(cfg.report.smtp && cfg.report.to.length)) throw new UsageError('--send: report.to and report.smtp must be set in the config');

  // A mistyped path must not become an empty store that reports zeros.
  if (!existsSync(cfg.store.sqlite))
    throw new CommandError(
      `${values.config}: store.sqlite: no store at ${cfg.store.sqlite} (a relative path is relative to the config file's folder); expected the store the collector with this config writes. Nothing was created.`,
      2,
    );
  // The collector may be running: SQLite in WAL mode lets this process read beside it.
  const store = new Store(cfg.store.sqlite, { cacheMiB: 8 });
  try {
    // The collector's rollup turns new samples into buckets within a second; this process only
    // reads them (draining here would hide rebuilt days from the collector's cache).
    const usage = new UsageService(cfg, store, new Rollup(store, { maxGapMs: cfg.evaluation.coverageMaxGapSeconds * 1000, dayStart: localDayStart(cfg.timezone) }), { drain: false });
    const report = withUptime(withBackups(usage.evaluate({ month: values.month, language }), new BackupService(cfg, store), cfg, Date.now()), uptimeReader(cfg, store), Date.now());
    const daily = usage.daily(values.month);
    if (values.out || !values.send) {
      const doc = documentOptions(cfg.report, { language, evaluation: cfg.evaluation, baseDir: dirname(values.config), daily });
      const body = await renderReport(report, format, doc);
      if (values.out) writeFileSync(values.out, body);
      else process.stdout.write(body);
    }
    if (values.send) {
      const scheduler = new ReportScheduler({
        config: { ...cfg.report, language },
        timezone: cfg.timezone,
        buildReport: async () => report,
        buildDaily: async () => daily,
        ledger: new SqliteReportLedger(store),
        logger: createLogger(),
        catchUp: false,
        evaluation: cfg.evaluation,
        baseDir: dirname(values.config),
      });
      const sent = await scheduler.sendNow(values.month);
      process.stderr.write(`pantau report: ${values.month} sent to ${cfg.report.to.join(', ')} (${sent.messageId})\n`);
    }
    return 0;
  } finally {
    store.close();
  }
}
