// Bytes on disk per interface sample at 1 day and at 45 days (issue 12 part 3), Pantau against
// InfluxDB 1.x, on the same samples (bench/storage/data.ts: seeded random walk, daily shape,
// ±2 s poll jitter; the same fields: in, out, uptime, speed, flags; tags device and interface).
// - Pantau: the store written in-process (Store.writeBatch, batches of 5,000 at the time of
//   their samples) with the collector's background work every 6 simulated hours (rollup, then
//   packing into chunks: collector/storage/chunks), then VACUUM and a WAL checkpoint. Measured:
//   page_count × page_size of the whole file, and of the raw samples alone (dbstat: iface_chunk,
//   its key index, iface_sample: what InfluxDB holds), the rest being 5-minute rollups and state.
// - InfluxDB: the same samples as line protocol; cache snapshot after 2 s and full compaction
//   after 5 s without writes; waits until every shard is one TSM file. Measured: the TSM files.
// Sizes: BENCH_STORAGE_SERIES (200 interfaces, 10 per router), BENCH_STORAGE_DAYS ("1,45").
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startInfluxd, type Influxd } from '../harness/influxd.js';
import { sleep } from '../harness/proc.js';
import { MiB, type BenchResult } from '../harness/report.js';
import { tempDir } from '../harness/teardown.js';
import { sendAll } from '../ingest/send.js';
import { generate, toLine } from './data.js';
import type { Sample } from '../../protocol/samples.js';

const DAY = 86_400_000;
const END = Date.UTC(2026, 10, 30, 17, 0, 0); // 1 Dec 00:00 WIB

interface PantauSize {
  samples: number;
  fileBytes: number;
  rawBytes: number;
  chunkBytes: number;
  packed: number;
  chunks: number;
  rowsLeft: number;
  tables: string;
}

async function measurePantau(series: number, days: number): Promise<PantauSize> {
  const { Store } = await import('../../collector/storage/store.js');
  const { Rollup } = await import('../../collector/storage/rollup.js');
  const { ChunkPacker } = await import('../../collector/storage/chunks/packer.js');
  const { localDayStart } = await import('../../collector/usage/day-cache.js');
  const file = join(tempDir('storage'), 'pantau.db');
  const store = new Store(file);
  const rollup = new Rollup(store, { maxGapMs: 600_000, dayStart: localDayStart('Asia/Jakarta') });
  const packer = new ChunkPacker(store, { afterHours: 6 });
  let pending: Sample[] = [];
  let batch = 0;
  let nextWork = 0;
  const flush = (at: number) => {
    if (pending.length) store.writeBatch('bench-agent', `b${batch++}`, pending, at);
    pending = [];
  };
  let samples = 0;
  for (const { cycle, at } of generate({ series, days, endMs: END })) {
    samples += cycle.length;
    for (const x of cycle)
      pending.push({ type: 'iface', device: x.device, interface: x.iface, ts: x.ts, inOctets: x.inOct, outOctets: x.outOct, bits: 64, uptime: x.uptime, operUp: x.operUp, speedBps: x.speed });
    if (pending.length >= 5000) flush(at);
    if (at >= nextWork) {
      rollup.drain();
      packer.packAll(at);
      nextWork = at + 6 * 3_600_000;
    }
  }
  flush(END);
  rollup.drain();
  packer.packAll(END); // as the collector would at END: the last 6 to 7 hours stay rows
  const one = (sql: string) => Number(store.db.prepare(sql).pluck().get());
  const stored = one('SELECT coalesce(sum(n), 0) FROM iface_chunk') + one('SELECT count(*) FROM iface_sample');
  if (stored !== samples) throw new Error(`Pantau holds ${stored} samples, ${samples} were written`);
  store.db.exec('VACUUM');
  store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const fileBytes = one('PRAGMA page_count') * one('PRAGMA page_size');
  const tables = store.db.prepare('SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC').all() as { name: string; bytes: number }[];
  const sum = (re: RegExp) => tables.filter((t) => re.test(t.name)).reduce((n, t) => n + t.bytes, 0);
  const raw = sum(/^(iface_chunk|iface_sample|sqlite_autoindex_iface_chunk_\d+)$/);
  const res = {
    samples,
    fileBytes,
    rawBytes: raw,
    chunkBytes: sum(/^(iface_chunk|sqlite_autoindex_iface_chunk_\d+)$/),
    packed: one('SELECT coalesce(sum(n), 0) FROM iface_chunk'),
    chunks: one('SELECT count(*) FROM iface_chunk'),
    rowsLeft: one('SELECT count(*) FROM iface_sample'),
    tables: tables.slice(0, 6).map((t) => `${t.name} ${(t.bytes / MiB).toFixed(2)} MiB`).join(', '),
  };
  store.close();
  return res;
}

/** Every shard folder of a database: shard id → its TSM files (name, bytes). */
function shards(influx: Influxd, db: string): Map<string, { name: string; bytes: number }[]> {
  const root = join(influx.dir, 'data', db);
  const out = new Map<string, { name: string; bytes: number }[]>();
  if (!existsSync(root)) return out;
  for (const rp of readdirSync(root)) {
    // _series: the database's series file (TSI), not a retention policy.
    if (rp.startsWith('_') || !statSync(join(root, rp)).isDirectory()) continue;
    for (const id of readdirSync(join(root, rp))) {
      const dir = join(root, rp, id);
      if (!statSync(dir).isDirectory()) continue;
      out.set(`${rp}/${id}`, readdirSync(dir).filter((f) => f.includes('.tsm')).map((f) => ({ name: f, bytes: statSync(join(dir, f)).size })));
    }
  }
  return out;
}

function walBytes(influx: Influxd, db: string): number {
  const walk = (p: string): number => (!existsSync(p) ? 0 : statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + walk(join(p, f)), 0) : statSync(p).size);
  return walk(join(influx.dir, 'wal', db));
}

interface InfluxSize {
  samples: number;
  tsmBytes: number;
  files: string;
  compacted: boolean;
  waitedS: number;
}

async function measureInflux(series: number, days: number): Promise<InfluxSize> {
  const influx = await startInfluxd({ snapshotColdAfter: '2s', compactColdAfter: '5s' });
  try {
    await influx.query('CREATE DATABASE bench');
    const url = `${influx.url}/write?db=bench&precision=ms`;
    const send = { concurrency: 4, headers: { 'content-type': 'text/plain' }, okStatus: 204 };
    let lines: string[] = [];
    let bodies: { body: string; count: number }[] = [];
    const cut = () => {
      if (lines.length) bodies.push({ body: lines.join('\n'), count: lines.length });
      lines = [];
    };
    let samples = 0;
    for (const { cycle } of generate({ series, days, endMs: END })) {
      samples += cycle.length;
      for (const x of cycle) lines.push(toLine(x));
      if (lines.length >= 5000) cut();
      if (bodies.length >= 40) {
        await sendAll(url, bodies, send);
        bodies = [];
      }
    }
    cut();
    if (bodies.length) await sendAll(url, bodies, send);
    const j = (await influx.query('SELECT count("in") FROM iface', 'bench')) as { results: { series?: { values: [string, number][] }[] }[] };
    const counted = j.results[0].series?.[0].values[0][1] ?? 0;
    if (counted !== samples) throw new Error(`InfluxDB holds ${counted} samples, ${samples} were written`);
    // Full compaction: WAL empty, no .tmp file, every shard down to one TSM file and still for 10 s (at most 15 min).
    const t0 = Date.now();
    let last = '';
    let stableSince = Date.now();
    let compacted = false;
    while (Date.now() - t0 < 15 * 60_000) {
      await sleep(1000);
      const s = shards(influx, 'bench');
      const state = JSON.stringify([...s]);
      if (state !== last) {
        last = state;
        stableSince = Date.now();
        continue;
      }
      const settled = s.size > 0 && walBytes(influx, 'bench') === 0 && [...s.values()].every((f) => f.length > 0 && f.every((x) => x.name.endsWith('.tsm')));
      // One TSM file per shard, or (a shard past TSM's 2 GB file size) no change for 2 minutes.
      const one = [...s.values()].every((f) => f.length === 1);
      if (settled && Date.now() - stableSince >= (one ? 10_000 : 120_000)) {
        compacted = true;
        break;
      }
    }
    const s = shards(influx, 'bench');
    const files = [...s].map(([id, f]) => `${id}: ${f.map((x) => `${x.name} ${(x.bytes / MiB).toFixed(2)} MiB`).join(' + ')}`).join('; ');
    const tsmBytes = [...s.values()].flat().reduce((n, f) => n + f.bytes, 0);
    return { samples, tsmBytes, files, compacted, waitedS: (Date.now() - t0) / 1000 };
  } finally {
    await influx.stop();
  }
}

export async function run(): Promise<BenchResult> {
  const series = Number(process.env.BENCH_STORAGE_SERIES ?? 200);
  const daysList = (process.env.BENCH_STORAGE_DAYS ?? '1,45').split(',').map(Number);
  if (!(series >= 10) || daysList.some((d) => !(d > 0))) throw new Error('BENCH_STORAGE_SERIES: expected 10 or more; BENCH_STORAGE_DAYS: expected days such as 1,45');
  const rows: BenchResult['rows'] = [];
  const extra: BenchResult['extra'] = {};
  for (const days of daysList) {
    const t0 = Date.now();
    const p = await measurePantau(series, days);
    console.log(`  Pantau, ${series} series × ${days} d: ${p.samples} samples in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    const t1 = Date.now();
    const i = await measureInflux(series, days);
    console.log(`  InfluxDB, ${series} series × ${days} d: ${i.samples} samples, compaction waited ${i.waitedS.toFixed(0)} s (${((Date.now() - t1) / 1000).toFixed(0)} s)`);
    const tag = `${series} series × ${days} d`;
    const perRaw = p.rawBytes / p.samples;
    const perFile = p.fileBytes / p.samples;
    const perInflux = i.tsmBytes / i.samples;
    rows.push(
      { metric: `raw samples, B/sample, ${tag}`, unit: 'B', pantau: perRaw, peer: perInflux, peerName: 'InfluxDB TSM (compacted)', ratio: perInflux / perRaw, ratioMeaning: 'InfluxDB/Pantau', ...(days >= 45 ? { goal: '≤ 12 B', met: perRaw <= 12 } : {}) },
      { metric: `packed samples alone, B/sample, ${tag}`, unit: 'B', pantau: p.chunkBytes / p.packed, peer: perInflux, peerName: 'InfluxDB TSM (compacted)', ratio: perInflux / (p.chunkBytes / p.packed), ratioMeaning: 'InfluxDB/Pantau' },
      { metric: `whole store, B/sample, ${tag}`, unit: 'B', pantau: perFile, peer: perInflux, peerName: 'InfluxDB TSM (compacted)', ratio: perInflux / perFile, ratioMeaning: 'InfluxDB/Pantau' },
      { metric: `samples stored, ${tag}`, unit: 'count', pantau: p.samples, peer: i.samples, peerName: 'InfluxDB' },
    );
    extra[`${tag}: Pantau`] = `${p.chunks} chunks, ${p.rowsLeft} samples not yet packed (the last 6-7 h, rows of ~40 B); file ${(p.fileBytes / MiB).toFixed(2)} MiB; ${p.tables}`;
    extra[`${tag}: InfluxDB`] = `${i.compacted ? 'fully compacted' : 'NOT fully compacted within 15 min'} after ${i.waitedS.toFixed(0)} s; ${i.files}`;
  }
  extra['what is counted'] =
    'Pantau: page_count × page_size after packing, VACUUM and a WAL checkpoint (whole store); "raw samples" = dbstat pages of iface_chunk, its key index and iface_sample, divided by all samples; "packed samples alone" = iface_chunk and its index divided by the samples in chunks. InfluxDB: the shards\' TSM files after full compaction (one file per shard)';
  return {
    name: 'storage',
    title: `bytes on disk per interface sample at ${daysList.join(' and ')} days, ${series} interfaces polled every 60 s`,
    rows,
    extra,
    notes: [
      'same samples and fields on both sides: in, out, uptime, speed, flags (bits and operUp) per sample; tags device and interface',
      'the whole store also holds the 5-minute rollups, counter events and ingest log, which InfluxDB does not compute',
    ],
  };
}
