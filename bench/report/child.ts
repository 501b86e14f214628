// One measurement of the monthly-report benchmark in a fresh process, so that its RSS and heap
// are the measured work's alone. argv[2]: JSON {mode, sqlite}. Prints one JSON line on stdout.
//   report:  open store → evaluate October (now 2026-11-05) → daily() → HTML → CSV; wall + maxRSS
//   pdf:     the same, then the PDF through Chromium (timed on its own)
//   usage:   startCollector (now 2026-10-31 12:00 WIB) on 127.0.0.1:0, GET /api/v1/usage × N
//   profile: the steps of UsageService.evaluate/daily replayed with a timer around each
//            (SQL, bigint conversion, evaluateOpd, flags, history), plus cheaper read variants
const bootS = process.uptime(); // node + tsx loader start, before this module's imports resolve below
const tImport = performance.now();
const { readFileSync } = await import('node:fs');
const { parseCollectorConfig } = await import('../../config/collector.js');
const { MONTH, REPORT_NOW, USAGE_NOW, VIEWER_TOKEN } = await import('./fleet.js');
const { Store, fromI64 } = await import('../../collector/storage/store.js');
const { Rollup } = await import('../../collector/storage/rollup.js');
const { UsageService } = await import('../../collector/usage/service.js');
const { renderReport } = await import('../../collector/report/render.js');
const { BackupService } = await import('../../collector/backups/service.js');
const { withBackups } = await import('../../collector/report/backups-section.js');
const { uptimeReader } = await import('../../collector/uptime/reader.js');
const { withUptime } = await import('../../collector/report/uptime-section.js');
const importMs = performance.now() - tImport;
const rssAfterImportsMiB = process.memoryUsage().rss / 2 ** 20;

const o = JSON.parse(process.argv[2]) as { mode: 'report' | 'pdf' | 'usage' | 'profile'; sqlite: string; config: string; calls?: number };
/** The deployment's collector.yml (written by the parent; store.sqlite points at the benchmark store). */
const buildConfig = (_sqlite: string) => parseCollectorConfig(o.config, readFileSync(o.config, 'utf8'));
const ms = (t: number) => performance.now() - t;
const rssMiB = () => process.resourceUsage().maxRSS / 1024;
const out = (x: object) => process.stdout.write(`${JSON.stringify(x)}\n`);

async function reportMode(pdf: boolean) {
  const t0 = performance.now();
  const cfg = buildConfig(o.sqlite);
  const tConfig = ms(t0);
  let t = performance.now();
  const store = new Store(o.sqlite, { cacheMiB: 8 }); // as `pantau report` opens it
  const usage = new UsageService(cfg, store, new Rollup(store, { maxGapMs: cfg.evaluation.coverageMaxGapSeconds * 1000 }));
  const tOpen = ms(t);
  t = performance.now();
  const bandwidth = usage.evaluate({ month: MONTH, now: REPORT_NOW, language: 'id' });
  const tEval = ms(t);
  // The other sections, as `pantau report` adds them (cli/report.ts).
  t = performance.now();
  const withB = withBackups(bandwidth, new BackupService(cfg, store), cfg, REPORT_NOW);
  const tBackups = ms(t);
  t = performance.now();
  const report = withUptime(withB, uptimeReader(cfg, store), REPORT_NOW);
  const tUptime = ms(t);
  t = performance.now();
  const daily = usage.daily(MONTH);
  const tDaily = ms(t);
  t = performance.now();
  const html = await renderReport(report, 'html', { language: 'id', daily });
  const tHtml = ms(t);
  t = performance.now();
  const csv = await renderReport(report, 'csv', { language: 'id', daily });
  const tCsv = ms(t);
  const totalMs = ms(t0);
  const maxRssMiB = rssMiB();
  const heapUsedMiB = process.memoryUsage().heapUsed / 2 ** 20;
  let pdfMs: number | undefined;
  let pdfBytes: number | undefined;
  if (pdf) {
    t = performance.now();
    const body = await renderReport(report, 'pdf', { language: 'id', daily, chromiumPath: '/usr/bin/chromium' });
    pdfMs = ms(t);
    pdfBytes = body.length;
    if (body.subarray(0, 4).toString() !== '%PDF') throw new Error('renderReport pdf: output does not start with %PDF');
  }
  store.close();
  const st = { over: 0, warning: 0, ok: 0 } as Record<string, number>;
  for (const x of report.opds) st[x.status] = (st[x.status] ?? 0) + 1;
  out({
    bootMs: bootS * 1000,
    importMs,
    rssAfterImportsMiB,
    totalMs,
    steps: { configMs: tConfig, openMs: tOpen, evaluateMs: tEval, backupsMs: tBackups, uptimeMs: tUptime, dailyMs: tDaily, htmlMs: tHtml, csvMs: tCsv },
    maxRssMiB,
    heapUsedMiB,
    htmlBytes: html.length,
    csvBytes: csv.length,
    pdfMs,
    pdfBytes,
    opds: report.opds.length,
    status: st,
    flagged: report.opds.flatMap((x) => x.uplinks.filter((u) => u.flags.length).map((u) => `${u.device}: ${u.flags.join('; ')}`)),
    totalTB: report.opds.reduce((s, x) => s + Number(x.totalBytes), 0) / 1e12,
  });
}

async function usageMode() {
  const { startCollector } = await import('../../collector/main.js');
  const { silentLogger } = await import('../../log/logger.js');
  const cfg = buildConfig(o.sqlite);
  let t = performance.now();
  const c = await startCollector(cfg, { now: () => USAGE_NOW, logger: silentLogger(), listen: '127.0.0.1:0' });
  const startMs = ms(t);
  // The benchmark's own HTTP client starts cold (undici loads on its first fetch: ~100 ms here),
  // which is not the collector's time: one request to a throwaway local server first (not to the
  // collector, whose own first-request path belongs in the measure).
  const { createServer } = await import('node:http');
  const warm = createServer((_q, s) => s.end('ok'));
  await new Promise<void>((r) => warm.listen(0, '127.0.0.1', r));
  t = performance.now();
  await (await fetch(`http://127.0.0.1:${(warm.address() as { port: number }).port}/`)).text();
  const clientWarmMs = ms(t);
  warm.close();
  const calls: number[] = [];
  const serverSide: number[] = [];
  let bytes = 0;
  let month = '';
  try {
    for (let i = 0; i < (o.calls ?? 10); i++) {
      t = performance.now();
      const res = await fetch(`${c.url}/api/v1/usage`, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
      const body = await res.text();
      calls.push(ms(t));
      if (res.status !== 200) throw new Error(`GET /api/v1/usage: HTTP ${res.status}: ${body.slice(0, 300)}`);
      bytes = body.length;
      const j = JSON.parse(body) as { month: string; current: boolean; opds: unknown[] };
      month = `${j.month}${j.current ? ' (current)' : ''}, ${j.opds.length} OPDs`;
      // The same evaluation in-process, without HTTP/JSON, to split the call's time.
      t = performance.now();
      c.usage.evaluate({ now: USAGE_NOW });
      serverSide.push(ms(t));
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await c.stop();
  }
  out({ bootMs: bootS * 1000, importMs, startMs, clientWarmMs, calls, evaluateInProcess: serverSide, bytes, month, maxRssMiB: rssMiB() });
}

async function profileMode() {
  const { evaluateOpd, figuresOf } = await import('../../collector/accounting/evaluate.js');
  const { monthRange, previousMonths } = await import('../../collector/accounting/months.js');
  const { describeFlags, emptyFlags } = await import('../../collector/accounting/series.js');
  const { renderHtml } = await import('../../collector/report/html.js');
  const { renderCsv } = await import('../../collector/report/csv.js');
  type UsageBucket = import('../../collector/accounting/buckets.js').UsageBucket;
  type SeriesFlags = import('../../collector/accounting/series.js').SeriesFlags;
  const cfg = buildConfig(o.sqlite);
  const store = new Store(o.sqlite);
  const d = store.db;
  const tz = cfg.timezone;
  const range = monthRange(MONTH, tz);
  const q = {
    series: d.prepare('SELECT s.id FROM series s JOIN device d ON d.id = s.device WHERE d.name = ? AND s.interface = ?').pluck(),
    buckets: d
      .prepare('SELECT bucket, in_bytes, out_bytes, covered_ms FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ? ORDER BY bucket')
      .raw(true)
      .safeIntegers(true),
    bucketsNum: d
      .prepare('SELECT bucket, in_bytes, out_bytes, covered_ms FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ? ORDER BY bucket')
      .raw(true),
    events: d.prepare('SELECT kind, count(*) AS n, max(speed) AS speed FROM counter_event WHERE series = ? AND ts > ? AND ts <= ? GROUP BY kind'),
    sums: d.prepare('SELECT sum(in_bytes), sum(out_bytes), sum(covered_ms) FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ?').raw(true),
  };
  const EVENT_FLAG: Record<string, keyof SeriesFlags> = {
    wrap: 'wraps', reset: 'resets', reboot: 'reboots', rebase: 'rebases', uptime_wrap: 'uptimeWraps', ambiguous: 'ambiguous', gap: 'gaps',
  };
  const acc = { rollupDrainMs: 0, seriesLookupMs: 0, sqlBucketsMs: 0, bigintConvertMs: 0, flagsMs: 0, evaluateOpdMs: 0, historyMonthsMs: 0 };
  const ev = { ...cfg.evaluation, language: 'id' as const };
  const now = REPORT_NOW;
  let rows = 0;

  let t = performance.now();
  new Rollup(store, { maxGapMs: 600_000 }).drain();
  acc.rollupDrainMs = ms(t);

  const evalMonth = (month: string, r: { from: number; to: number }, history: Map<string, ReturnType<typeof figuresOf>[]>, into: 'main' | 'history') =>
    cfg.opds.map((opd) => {
      const uplinks = opd.uplinks.map((u) => {
        let t1 = performance.now();
        const series = q.series.get(u.device, u.interface) as number | undefined;
        acc.seriesLookupMs += ms(t1);
        if (series === undefined) return { device: u.device, interface: u.interface, buckets: [], flags: [] };
        t1 = performance.now();
        const raw = q.buckets.all(series, r.from, r.to) as [bigint, bigint, bigint, bigint][];
        acc.sqlBucketsMs += ms(t1);
        rows += raw.length;
        t1 = performance.now();
        const buckets = new Array<UsageBucket>(raw.length);
        for (let i = 0; i < raw.length; i++) {
          const x = raw[i];
          buckets[i] = { bucket: Number(x[0]), inBytes: fromI64(x[1]), outBytes: fromI64(x[2]), coveredMs: Number(x[3]) };
        }
        acc.bigintConvertMs += ms(t1);
        t1 = performance.now();
        const f = emptyFlags();
        for (const e of q.events.all(series, r.from, r.to) as { kind: string; n: number; speed: number | null }[]) {
          const k = EVENT_FLAG[e.kind];
          if (k && k !== 'ambiguousSpeedBps') (f[k] as number) += e.n;
          if (e.kind === 'ambiguous' && e.speed) f.ambiguousSpeedBps = e.speed;
        }
        const flags = describeFlags(f, 'id');
        acc.flagsMs += ms(t1);
        return { device: u.device, interface: u.interface, buckets, flags };
      });
      const t1 = performance.now();
      const u = evaluateOpd({ opd, month, range: r, now, uplinks, history: history.get(opd.id) ?? [], options: ev });
      if (into === 'main') acc.evaluateOpdMs += ms(t1);
      return u;
    });

  const tEval = performance.now();
  const history = new Map<string, ReturnType<typeof figuresOf>[]>();
  t = performance.now();
  const save = { ...acc };
  for (const m of previousMonths(MONTH, Math.max(0, cfg.evaluation.months - 1))) {
    const r = monthRange(m, tz);
    evalMonth(m, r, new Map(), 'history').forEach((u, i) => {
      if (u.coverage > 0) history.set(cfg.opds[i].id, [...(history.get(cfg.opds[i].id) ?? []), figuresOf(u, m, now >= r.to)]);
    });
  }
  acc.historyMonthsMs = ms(t);
  // Attribute the empty months' lookups to "history" only.
  Object.assign(acc, { ...save, historyMonthsMs: acc.historyMonthsMs });
  const opds = evalMonth(MONTH, range, history, 'main');
  const evaluateTotalMs = ms(tEval) + acc.rollupDrainMs;
  const report = { month: MONTH, timezone: tz, from: range.from, to: range.to, current: false, generatedAt: now, opds };

  t = performance.now();
  const usage = new UsageService(cfg, store, new Rollup(store, { maxGapMs: 600_000 }));
  const daily = usage.daily(MONTH);
  const dailyMs = ms(t);
  t = performance.now();
  const html = renderHtml(report, { language: 'id', daily });
  const htmlMs = ms(t);
  t = performance.now();
  renderCsv(report);
  const csvMs = ms(t);
  t = performance.now();
  const json = JSON.stringify(report);
  const jsonMs = ms(t);

  // Cheaper read variants, for comparison (not what the service does today).
  t = performance.now();
  let n = 0;
  for (const opd of cfg.opds)
    for (const u of opd.uplinks) {
      const s = q.series.get(u.device, u.interface) as number;
      n += (q.bucketsNum.all(s, range.from, range.to) as unknown[]).length;
    }
  const sqlNumbersMs = ms(t);
  t = performance.now();
  for (const opd of cfg.opds)
    for (const u of opd.uplinks) q.sums.get(q.series.get(u.device, u.interface) as number, range.from, range.to);
  const sqlSumsOnlyMs = ms(t);
  store.close();
  out({
    importMs,
    rowsRead: rows,
    evaluate: { ...acc, totalMs: evaluateTotalMs },
    dailyMs,
    htmlMs,
    htmlBytes: html.length,
    csvMs,
    reportJsonMs: jsonMs,
    reportJsonBytes: json.length,
    variants: { bucketsAsNumbersSqlMs: sqlNumbersMs, bucketsAsNumbersRows: n, sqlSumsPerUplinkMs: sqlSumsOnlyMs },
    maxRssMiB: rssMiB(),
  });
}

if (o.mode === 'report' || o.mode === 'pdf') await reportMode(o.mode === 'pdf');
else if (o.mode === 'usage') await usageMode();
else if (o.mode === 'profile') await profileMode();
else throw new Error(`unknown mode ${o.mode}`);
