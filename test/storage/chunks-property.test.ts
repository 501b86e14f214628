// Property (compressed raw storage): packing never changes a figure. Two stores receive the same
// batches in the same (shuffled) order, with replays that repeat a ts with other counters, and
// the same pruning; one of them also packs into chunks at random moments. Their buckets, counter
// events and raw reads are the same after every run.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { RawReader } from '../../collector/storage/chunks/reader.js';
import { ChunkPacker } from '../../collector/storage/chunks/packer.js';
import { localDayStart } from '../../collector/usage/day-cache.js';
import type { IfaceSample } from '../../protocol/samples.js';

const START = Date.UTC(2026, 10, 1, 0, 0, 0);
const DAY = 86_400_000;

const step = fc.record({
  dtMs: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 1_000, max: 400_000 }) }, { weight: 1, arbitrary: fc.integer({ min: 600_001, max: DAY }) }),
  inc: fc.bigInt({ min: 0n, max: 5n * 10n ** 9n }),
  event: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'reset', 'reboot', 'replay'),
  bits: fc.constantFrom(32, 64),
});

type Op = { kind: 'batch'; samples: IfaceSample[] } | { kind: 'pack'; at: number } | { kind: 'prune'; at: number };

function open() {
  const store = new Store(':memory:');
  return { store, rollup: new Rollup(store, { maxGapMs: 600_000, dayStart: localDayStart('Asia/Jakarta') }), reader: new RawReader(store), packer: new ChunkPacker(store, { afterHours: 1 }) };
}

describe('packing into chunks', () => {
  it('changes no bucket, counter event or raw read, whatever the arrival order, replays, pruning and packing times (property)', () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 5, maxLength: 150 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 0, max: 3 * DAY }), { minLength: 1, maxLength: 6 }),
        fc.option(fc.integer({ min: 1, max: 8 })),
        (steps, order, packAfter, pruneDay) => {
          // One interface per counter width; a replay repeats the previous ts with other counters.
          const samples: IfaceSample[] = [];
          const state = { 32: { ts: START, c: 10n, up: 1000 }, 64: { ts: START, c: 10n ** 15n, up: 1000 } };
          for (const s of steps) {
            const k = state[s.bits as 32 | 64];
            const mod = s.bits === 32 ? 1n << 32n : 1n << 64n;
            if (s.event === 'replay' && samples.some((x) => x.bits === s.bits)) {
              // Within the counter's width: ingest refuses a 32-bit counter above 2^32 - 1 (validate.ts).
              samples.push({ type: 'iface', device: 'r1', interface: `p${s.bits}`, ts: k.ts, inOctets: s.inc % mod, outOctets: 1n, bits: s.bits as 32 | 64, uptime: k.up });
              continue;
            }
            k.ts += s.dtMs;
            k.up = s.event === 'reboot' ? 100 : k.up + Math.round(s.dtMs / 10);
            k.c = s.event === 'reset' || s.event === 'reboot' ? s.inc % 1000n : (k.c + s.inc) % mod;
            samples.push({ type: 'iface', device: 'r1', interface: `p${s.bits}`, ts: k.ts, inOctets: k.c, outOctets: k.c / 3n, bits: s.bits as 32 | 64, uptime: k.up, speedBps: 10_000_000_000 });
          }
          // Batches of 10 in a shuffled order; packing and pruning in between.
          const batches: IfaceSample[][] = [];
          for (let i = 0; i < samples.length; i += 10) batches.push(samples.slice(i, i + 10));
          const shuffled = batches.map((b, i) => ({ b, key: order[i % order.length] + i / 1000 })).sort((x, y) => x.key - y.key).map((x) => x.b);
          const last = Math.max(...samples.map((x) => x.ts));
          const ops: Op[] = shuffled.map((s) => ({ kind: 'batch', samples: s }));
          packAfter.forEach((t, i) => ops.splice(Math.min(ops.length, (i * 3 + 1) % (ops.length + 1)), 0, { kind: 'pack', at: START + t }));
          if (pruneDay !== null) ops.splice(Math.floor(ops.length / 2), 0, { kind: 'prune', at: START + pruneDay * DAY });
          ops.push({ kind: 'pack', at: last + DAY });

          const plain = open();
          const packed = open();
          let n = 0;
          for (const op of ops) {
            for (const o of [plain, packed]) {
              if (op.kind === 'batch') o.store.writeBatch('a1', `b${n}`, op.samples, START);
              else if (op.kind === 'prune') o.rollup.finalize(op.at);
              else if (o === packed) o.packer.packAll(op.at);
              o.rollup.drain();
            }
            n++;
          }
          const snap = (o: typeof plain) => ({
            usage: o.store.db.prepare('SELECT * FROM usage5m ORDER BY series, bucket').safeIntegers(true).all(),
            events: o.store.db.prepare('SELECT * FROM counter_event ORDER BY series, ts, kind').all(),
            finals: o.store.db.prepare('SELECT * FROM series_final ORDER BY series').safeIntegers(true).all(),
            raw: [1, 2, 3].map((s) => o.reader.range(s, 0, Number.MAX_SAFE_INTEGER)),
          });
          expect(snap(packed)).toEqual(snap(plain));
          expect(Number(packed.store.db.prepare('SELECT count(*) FROM iface_sample').pluck().get())).toBe(0);
          plain.store.close();
          packed.store.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
