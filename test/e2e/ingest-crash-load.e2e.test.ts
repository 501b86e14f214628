// The real `pantau collector`, killed with SIGKILL twice while six writers keep batches in
// flight (some staged, some being merged, some half sent). Each writer resends what was not
// acknowledged, as an agent's spool does. After the last restart every batch is stored exactly
// once (by series and time, with its counters), nothing is left staged, and the 5-minute
// buckets and counter events equal a recomputation from scratch of the raw samples.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCollectorConfig } from '../../config/collector.js';
import { Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { localDayStart } from '../../collector/usage/day-cache.js';
import { openDatabase } from '../../collector/storage/sqlite.js';
import { RawReader } from '../../collector/storage/chunks/reader.js';
import { AGENT_TOKEN } from '../helpers/collector.js';
import { freeTcpPort, healthy, spawnPantau, until, writeConfig, type Proc } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'pantau-ingest-crash-'));
const procs: Proc[] = [];
afterAll(async () => {
  for (const p of procs) await p.stop('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const DEVICES = 8;
const IFACES = 25; // the last one of each device is a 32-bit counter that wraps
const STEPS = 4; // timestamps per series per batch: 800 samples a batch
const BATCHES = 240;
const WRITERS = 6;
const MIN = 60_000;
const base = Math.floor((Date.now() - 2 * 86_400_000) / MIN) * MIN;

interface Row { series: string; ts: number; in: bigint }
/** Batch b: every interface at STEPS minutes of its own; batches are sent out of time order by the writers. */
function batchRows(b: number): Row[] {
  const rows: Row[] = [];
  for (let d = 0; d < DEVICES; d++)
    for (let i = 0; i < IFACES; i++)
      for (let k = 0; k < STEPS; k++) {
        const minute = b * STEPS + k;
        const wide = BigInt(minute) * BigInt(1_000_000 + i * 7919 + d * 104_729);
        rows.push({ series: `d${d}/if${i}`, ts: base + minute * MIN, in: i === IFACES - 1 ? (wide * 50n) % 2n ** 32n : wide + 10n ** 15n });
      }
  return rows;
}
function body(b: number): string {
  return JSON.stringify({
    agent: 'a1',
    batch: `load-${b}`,
    samples: batchRows(b).map((r) => {
      const [device, iface] = r.series.split('/');
      return { type: 'iface', device, interface: iface, ts: r.ts, inOctets: r.in.toString(), outOctets: (r.in / 3n).toString(), bits: iface === `if${IFACES - 1}` ? 32 : 64, speedBps: 100_000_000, operUp: true };
    }),
  });
}

describe('ingest under load across SIGKILL', () => {
  it('stores every acknowledged batch exactly once, leaves nothing staged, and its buckets equal a recomputation', async () => {
    const port = await freeTcpPort();
    const url = `http://127.0.0.1:${port}`;
    const sqlite = join(dir, 'pantau.db');
    const yaml = `
timezone: Asia/Jakarta
listen: 127.0.0.1:${port}
store: { sqlite: ${JSON.stringify(sqlite)} }
agents: [ { id: a1, token: ${AGENT_TOKEN}, intervalSeconds: 60, poll: [${Array.from({ length: DEVICES }, (_, d) => `d${d}`).join(', ')}] } ]
opds: [ { id: dinkes, name: Dinas Kesehatan, uplinks: [ { device: d0, interface: if0 } ] } ]
devices:
${Array.from({ length: DEVICES }, (_, d) => `  - { id: d${d}, opd: dinkes, kind: router, address: 127.0.0.${d + 1}, snmp: { version: 2c, community: public } }`).join('\n')}
`;
    const cfgFile = writeConfig(dir, 'collector.yaml', yaml);
    const cfg = parseCollectorConfig('collector.yaml', yaml);
    const start = async () => {
      const p = spawnPantau(['collector', '--config', cfgFile]);
      procs.push(p);
      await healthy(url, 60_000);
      return p;
    };

    const acked = new Set<number>();
    const answers: { b: number; duplicate: boolean }[] = [];
    // Interleaved so that batches arrive out of time order (the rollup's recompute path).
    const queue = Array.from({ length: BATCHES }, (_, k) => (k % 2 === 0 ? k / 2 : BATCHES - 1 - (k - 1) / 2));
    let up = true;
    const writer = async () => {
      for (;;) {
        const b = queue.shift();
        if (b === undefined) return;
        try {
          const r = await fetch(url + '/api/v1/ingest', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT_TOKEN}` }, body: body(b) });
          if (r.status !== 200) throw new Error(`status ${r.status}: ${await r.text()}`);
          const ack = (await r.json()) as { stored: number; duplicate: boolean };
          acked.add(b);
          answers.push({ b, duplicate: ack.duplicate });
        } catch {
          queue.push(b); // not acknowledged: resent later, as the agent's spool does
          if (!up) await until(() => up, 120_000, 'the collector to come back', 50);
        }
      }
    };

    let collector = await start();
    const writers = Array.from({ length: WRITERS }, writer);
    const staged: number[] = [];
    const stagedNow = () => {
      const d = openDatabase(sqlite, { readonly: true });
      try {
        return Number(d.prepare('SELECT count(*) FROM ingest_stage').pluck().get());
      } finally {
        d.close();
      }
    };
    for (const after of [60, 140]) {
      await until(() => acked.size >= after, 120_000, `${after} acknowledged batches`, 20);
      // Frozen (SIGSTOP) so that what is staged can be read; killed only while batches wait in
      // staging, otherwise let go for a moment and caught again.
      await until(async () => {
        collector.child.kill('SIGSTOP');
        const n = stagedNow();
        if (n > 0) return n;
        collector.child.kill('SIGCONT');
        await new Promise((r) => setTimeout(r, 30));
        return undefined;
      }, 60_000, 'a moment with batches in staging', 0).then((n) => staged.push(n));
      collector.child.kill('SIGKILL');
      up = false;
      expect(await collector.exited).toBeNull();
      collector = await start();
      up = true;
    }
    await Promise.all(writers);
    expect(acked.size).toBe(BATCHES);

    // The restarted collector merges and rolls up in the background: wait for both to finish.
    const gauge = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(url + '/metrics')).text())?.[1]);
    await until(async () => (await gauge('pantau_store_merge_pending_batches')) === 0 && (await gauge('pantau_store_rollup_pending_series')) === 0, 120_000, 'merge and rollup to finish');
    expect(await collector.stop('SIGTERM')).toBe(0);

    const store = new Store(sqlite);
    try {
      const db = store.db;
      expect(db.prepare('SELECT count(*) FROM ingest_stage').pluck().get()).toBe(0);
      expect(db.prepare("SELECT count(*) FROM ingest_batch WHERE batch LIKE 'load-%'").pluck().get()).toBe(BATCHES);
      // Raw rows and packed chunks alike (the collector packs samples older than
      // store.chunkAfterHours in the background, and these are two days old).
      const reader = new RawReader(store);
      const stored = new Map<string, bigint>();
      let count = 0;
      for (const s of db.prepare("SELECT s.id, d.name || '/' || s.interface AS name FROM series s JOIN device d ON d.id = s.device").all() as { id: number; name: string }[])
        for (const x of reader.range(s.id, 0, Number.MAX_SAFE_INTEGER)) {
          stored.set(`${s.name}@${x.ts}`, BigInt.asUintN(64, x.inOct));
          count++;
        }
      expect(count).toBe(stored.size);
      const expected = new Map<string, bigint>();
      for (let b = 0; b < BATCHES; b++) for (const r of batchRows(b)) expected.set(`${r.series}@${r.ts}`, r.in);
      expect(stored.size).toBe(expected.size); // none missing, none twice (and nothing else)
      const wrong = [...expected].filter(([k, v]) => stored.get(k) !== v).slice(0, 5);
      expect(wrong).toEqual([]);
      expect(answers.length).toBe(BATCHES); // one acknowledgement per batch (a resent one committed before the kill says duplicate)

      const read = () => ({
        buckets: db.prepare('SELECT series, bucket, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m ORDER BY series, bucket').safeIntegers(true).all(),
        events: db.prepare('SELECT series, ts, kind FROM counter_event ORDER BY series, ts, kind').safeIntegers(true).all(),
      });
      const live = read();
      expect(live.buckets.length).toBeGreaterThan(DEVICES * IFACES * 100);
      db.exec(
        `DELETE FROM usage5m; DELETE FROM counter_event;
         INSERT INTO rollup_dirty (series, from_ts, to_ts)
           SELECT series, min(t0), max(t1) FROM (SELECT series, ts AS t0, ts AS t1 FROM iface_sample UNION ALL SELECT series, t0, t1 FROM iface_chunk) GROUP BY series`,
      );
      new Rollup(store, { maxGapMs: cfg.evaluation.coverageMaxGapSeconds * 1000, dayStart: localDayStart(cfg.timezone) }).drain();
      const scratch = read();
      expect(live.events).toEqual(scratch.events);
      expect(live.buckets).toEqual(scratch.buckets);
      expect(staged.length).toBe(2); // both kills hit batches still in staging
      expect(staged.every((n) => n > 0)).toBe(true);
    } finally {
      store.close();
    }
  }, 420_000);
});
