// scratch: diagnosis experiments (deleted after use)
const mode = process.argv[2];
const sqlite = '/tmp/pantau-bench-report-full/pantau.db';
const config = `${sqlite}.collector.yml`;
const ms = (t: number) => (performance.now() - t).toFixed(0);
const rss = () => `rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB, maxRSS ${(process.resourceUsage().maxRSS / 1024 / 0.9537).toFixed(0)} MB, heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`;
if (mode === 'empty') {
  console.log('empty', rss());
} else if (mode === 'imports') {
  await import('../../collector/storage/store.js');
  console.log('store', rss());
  await import('../../collector/usage/service.js');
  console.log('+service', rss());
  await import('../../config/collector.js');
  console.log('+config', rss());
  await import('../../collector/report/html.js');
  console.log('+html', rss());
  await import('../../collector/report/render.js');
  console.log('+render (playwright-core)', rss());
} else {
  const { readFileSync } = await import('node:fs');
  const { parseCollectorConfig } = await import('../../config/collector.js');
  const { Store } = await import('../../collector/storage/store.js');
  const { Rollup } = await import('../../collector/storage/rollup.js');
  const { UsageService } = await import('../../collector/usage/service.js');
  const { monthRange } = await import('../../collector/accounting/months.js');
  const file = mode === 'history' ? '/tmp/pantau-bench-report-full/hist.db' : sqlite;
  const cfg = parseCollectorConfig(config, readFileSync(config, 'utf8'));
  const store = new Store(file);
  if (process.argv[3]) store.db.pragma(`cache_size = ${process.argv[3]}`);
  const usage = new UsageService(cfg, store, new Rollup(store, { maxGapMs: 600_000 }));
  console.log('opened', rss());
  if (mode === 'rss') {
    let t = performance.now();
    usage.evaluate({ month: '2026-10', now: Date.parse('2026-11-05T09:00:00+07:00') });
    console.log('evaluate', ms(t), 'ms', rss());
    t = performance.now();
    usage.daily('2026-10');
    console.log('daily', ms(t), 'ms', rss());
  } else if (mode === 'history') {
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      usage.evaluate({ now: Date.parse('2026-10-31T12:00:00+07:00') });
      console.log('evaluate current month with Aug+Sep history present', ms(t), 'ms', rss());
    }
  } else if (mode === 'variants') {
    const { from, to } = monthRange('2026-10', 'Asia/Jakarta');
    const ids = (o: (typeof cfg.opds)[number]) => o.uplinks.map((u) => usage.seriesId(u.device, u.interface)!);
    for (let k = 0; k < 2; k++) {
      let t = performance.now();
      let rows = 0;
      const perOpd = store.db.prepare(
        'SELECT bucket, sum(in_bytes), sum(out_bytes), sum(covered_ms) FROM usage5m WHERE series IN (?, ?, ?, ?, ?) AND bucket >= ? AND bucket < ? GROUP BY bucket',
      ).raw(true);
      for (const o of cfg.opds) rows += perOpd.all(...ids(o), from, to).length;
      console.log(`per-OPD GROUP BY bucket (numbers): ${ms(t)} ms, ${rows} rows`);
      t = performance.now();
      const perUplink = store.db.prepare('SELECT bucket, in_bytes, out_bytes, covered_ms FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ?').raw(true);
      rows = 0;
      for (const o of cfg.opds) for (const s of ids(o)) rows += perUplink.all(s, from, to).length;
      console.log(`per-uplink rows as numbers: ${ms(t)} ms, ${rows} rows`);
      t = performance.now();
      const it = store.db.prepare('SELECT bucket, in_bytes, out_bytes, covered_ms FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ?').raw(true);
      rows = 0;
      for (const o of cfg.opds) for (const s of ids(o)) for (const _r of it.iterate(s, from, to)) rows++;
      console.log(`per-uplink iterate(): ${ms(t)} ms, ${rows} rows`);
      t = performance.now();
      const cnt = store.db.prepare('SELECT count(*), sum(in_bytes) FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ?').raw(true);
      for (const o of cfg.opds) for (const s of ids(o)) cnt.get(s, from, to);
      console.log(`per-uplink count+sum in SQLite only (scan floor): ${ms(t)} ms`);
      t = performance.now();
      const day = store.db.prepare('SELECT CAST((bucket - ?) / 86400000 AS INTEGER) AS day, sum(in_bytes) + sum(out_bytes) FROM usage5m WHERE series = ? AND bucket >= ? AND bucket < ? GROUP BY day').raw(true);
      for (const o of cfg.opds) for (const s of ids(o)) day.all(from, s, from, to);
      console.log(`daily() query as numbers (no safeIntegers): ${ms(t)} ms`);
    }
  }
  store.db.close();
}
