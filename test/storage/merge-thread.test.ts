// The merge thread (collector/storage/merge-worker.ts, Staging.startThread): the background
// merge's slices are planned on a thread with a connection of its own and written by the
// store's connection. Whatever the thread plans must store exactly what merging in the
// store's own transaction stores: rows, segments, interface states, buckets, counter events,
// dirty ranges. A plan read before the store moved (a merge here) is not written. No timers
// run: the test asks the thread for plans and waits for its answers; dates are fixed.
import { describe, expect, it } from 'vitest';
import type { Store } from '../../collector/storage/store.js';
import { Rollup } from '../../collector/storage/rollup.js';
import { localDayStart } from '../../collector/usage/day-cache.js';
import type { IfaceSample } from '../../protocol/samples.js';
import { tempStores } from '../helpers/temp-store.js';
import { MergeThread, type PlanMessage } from '../../collector/storage/merge-thread.js';
import { SEGMENT_MIN, SLICE_SAMPLES } from '../../collector/storage/staging.js';
import { IDLE_QUIET_MS } from '../../collector/storage/store.js';
import { GroupCommit } from '../../collector/ingest/group-commit.js';

const TZ = 'Asia/Jakarta';
const START = Date.UTC(2026, 10, 20, 1, 0, 0);
const NOW = START + 2 * 86_400_000;
const openStore = tempStores();

const withRollup = (store: Store) => new Rollup(store, { maxGapMs: 600_000, dayStart: localDayStart(TZ), timezone: TZ, foldOnMerge: true });

/** Interface `i` of router r1 at poll `p`: rates differ per interface; e3 resets at poll 12, e4 is a 32-bit counter that wraps. */
function sample(p: number, i: number): IfaceSample {
  const ts = START + p * 60_000 + i * 7;
  if (i === 4) return { type: 'iface', device: 'r1', interface: 'e4', ts, inOctets: BigInt((4_000_000_000 + p * 90_000_000) % 2 ** 32), outOctets: BigInt(p * 10), bits: 32, speedBps: 1e9, uptime: 100_000 + p * 6000, operUp: true };
  const rate = BigInt((i + 1) * 1_000_000);
  const inOctets = i === 3 && p >= 12 ? BigInt(p - 12) * rate : BigInt(p) * rate + 2n ** 60n * BigInt(i === 2 ? 1 : 0);
  return { type: 'iface', device: 'r1', interface: `e${i}`, ts, inOctets, outOctets: BigInt(p * 1000 + i), bits: 64, speedBps: 1e9, uptime: 100_000 + p * 6000, operUp: p % 5 !== 0 };
}

/** The rounds both stores receive: long runs (segments), short ones (rows), late samples among stored ones, duplicates. */
const ROUNDS: { batch: string; samples: IfaceSample[] }[][] = [
  [{ batch: 'r1', samples: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].flatMap((p) => [0, 1, 2, 3, 4].map((i) => sample(p, i))) }],
  [
    { batch: 'r2a', samples: [12, 13, 14].flatMap((p) => [0, 1, 2, 3, 4].map((i) => sample(p, i))) },
    { batch: 'r2b', samples: [sample(5, 0), { ...sample(20, 1) }, { ...sample(7, 1), inOctets: 1n }] }, // a stored ts again, a late one, a duplicate of a stored row's ts
  ],
  [{ batch: 'r3', samples: [15, 16, 17, 18, 19, 20, 21, 22, 23, 24].flatMap((p) => [0, 1, 2, 3].map((i) => sample(p, i))).concat([sample(9, 4), sample(25, 4)]) }],
];

const TABLES = [
  'SELECT series, ts, in_oct, out_oct, uptime, speed, flags FROM iface_sample ORDER BY series, ts',
  'SELECT series, t0, t1, n, hex(data) AS data FROM iface_chunk ORDER BY series, t0',
  'SELECT series, ts, oper_up, speed, bits FROM iface_state ORDER BY series',
  'SELECT series, bucket, in_bytes, out_bytes, covered_ms, span_ms FROM usage5m ORDER BY series, bucket',
  'SELECT series, ts, kind, speed FROM counter_event ORDER BY series, ts, kind',
  'SELECT series, from_ts, to_ts FROM rollup_dirty ORDER BY series',
  'SELECT series, period FROM chunk_seg ORDER BY series, period',
  "SELECT key, value FROM meta WHERE key = 'merge_gen'",
];
const contents = (store: Store) => TABLES.map((q) => store.db.prepare(q).safeIntegers(true).all());

/** Lets the thread plan until nothing is staged and no plan is out, waiting on each of its answers (no sleeps). */
async function mergeOnThread(store: Store): Promise<void> {
  for (let k = 0; k < 1000 && (store.staging.hasPending() || store.staging.threadBusy); k++) await store.staging.afterNextPlan();
  if (store.staging.hasPending()) throw new Error('the merge thread did not finish');
}

/** ROUNDS[0] merged in the store's own transaction (`here`), and staged only in another store with the rollup (`store`). */
function roundZero(): { here: Store; store: Store } {
  const here = openStore();
  withRollup(here);
  stage(here, ROUNDS[0]);
  here.settle();
  const store = openStore();
  withRollup(store);
  stage(store, ROUNDS[0]);
  return { here, store };
}

/** A plan answered by a thread of the test's own on the store's file: nothing applies it until the test does. */
function planOfThread(store: Store): Promise<PlanMessage> {
  return new Promise((resolve, reject) => {
    const t = new MergeThread(store.file, { segmentMin: SEGMENT_MIN, fold: { maxGapMs: 600_000, timezone: TZ } }, (m) => {
      t.close();
      resolve(m);
    }, (message) => reject(new Error(message)));
    t.request({ epoch: store.staging.epoch, maxSamples: 25_000 });
  });
}

function stage(store: Store, round: { batch: string; samples: IfaceSample[] }[]): void {
  const r = store.stageBatches(round.map((b) => ({ agent: 'a1', batch: b.batch, samples: b.samples, now: NOW })));
  for (const x of r) expect(x).not.toBeInstanceOf(Error);
}

/** Two stores with the rollup: one merging in its own transaction, one on the merge thread. */
function pair() {
  const here = openStore();
  const hereRollup = withRollup(here);
  const threaded = openStore();
  const threadRollup = withRollup(threaded);
  expect(threaded.startMergeThread()).toBe(true);
  return { here, hereRollup, threaded, threadRollup };
}

/** A round staged in both: merged here and on the thread, then the same tables. */
async function bothWays(here: Store, threaded: Store, round: { batch: string; samples: IfaceSample[] }[]): Promise<void> {
  stage(here, round);
  here.settle();
  stage(threaded, round);
  await mergeOnThread(threaded);
  expect(contents(threaded)).toEqual(contents(here));
}

describe('the merge thread', () => {
  it('stores exactly what merging in the store\'s own transaction stores, round after round', async () => {
    const { here, hereRollup, threaded, threadRollup } = pair();
    expect(threaded.staging.threaded).toBe(true);
    for (const round of ROUNDS) await bothWays(here, threaded, round);
    expect(threaded.staging.plans).toMatchObject({ applied: 3, stale: 0, failed: 0 });
    expect([threaded.staging.merged, threaded.staging.segments]).toEqual([here.staging.merged, here.staging.segments]);
    expect(threaded.staging.folds).toEqual(here.staging.folds);
    expect(here.staging.folds.folded).toBeGreaterThan(0);
    expect(here.staging.folds.recomputed).toBeGreaterThan(0); // the late samples
    expect(here.staging.segments).toBeGreaterThan(0);
    // And after the rollup's recompute of the late ranges.
    hereRollup.drain();
    threadRollup.drain();
    expect(contents(threaded)).toEqual(contents(here));
  });

  it('plans in slices of whole series that continue one another', async () => {
    const { here, threaded } = pair();
    const many: IfaceSample[] = [];
    for (let p = 0; p < 10; p++) for (let i = 0; i < 3000; i++) many.push({ ...sample(p, 0), interface: `x${i}`, ts: START + p * 60_000 + i });
    for (const s of [here, threaded]) stage(s, [{ batch: 'big', samples: many }]);
    here.settle();
    await mergeOnThread(threaded);
    expect(threaded.staging.plans.applied).toBeGreaterThan(1); // 30,000 samples in slices of ~25,000
    expect(contents(threaded)).toEqual(contents(here));
  });

  it('does not write a plan read before a merge on the store\'s own thread, and carries on from the store', async () => {
    const { here, threaded } = pair();
    // A first round on another router: the thread is up and has read the store once.
    await bothWays(here, threaded, ROUNDS[0].map((b) => ({ batch: `w-${b.batch}`, samples: b.samples.map((x) => ({ ...x, device: 'r0' })) })));
    expect(threaded.staging.plans.applied).toBe(1);
    stage(here, ROUNDS[0]);
    here.settle();
    stage(threaded, ROUNDS[0]);
    threaded.maintain(50, { minSamples: 1 }); // the thread plans...
    expect(threaded.staging.threadBusy).toBe(true);
    threaded.settle(); // ...while the same samples are merged here
    await mergeOnThread(threaded);
    // Its answer is a plan read before the merge here (not written), or, if it read after, "nothing staged".
    expect(threaded.staging.plans.applied).toBe(1);
    expect(threaded.staging.plans.stale + threaded.staging.plans.empty).toBe(1);
    expect(contents(threaded)).toEqual(contents(here));
    // The thread forgot what it had read: the next rounds still match.
    for (const round of ROUNDS.slice(1)) await bothWays(here, threaded, round);
    expect(threaded.staging.plans.applied).toBe(3);
  });
});

describe('a plan of the merge thread', () => {
  it('is written when the store is as the thread read it', async () => {
    const { here, store } = roundZero();
    const plan = await planOfThread(store);
    expect(plan.result.done).toEqual({ batches: 1, samples: 60 });
    expect(store.staging.applyPlan(plan)).toBe(true);
    expect(contents(store)).toEqual(contents(here));
  });

  it('is not written after a merge on the store\'s own thread (the epoch), nor after another connection\'s commit', async () => {
    const { here, store } = roundZero();
    const plan = await planOfThread(store);
    store.settle(); // the same samples merged here first
    expect(store.staging.applyPlan(plan)).toBe(false);
    expect(contents(store)).toEqual(contents(here)); // written once

    stage(here, ROUNDS[1]);
    here.settle();
    stage(store, ROUNDS[1]);
    const late = await planOfThread(store);
    const other = openStore(store.file); // another connection (a one-shot `pantau report`) merges them
    other.settle();
    expect(store.staging.applyPlan(late)).toBe(false);
    expect(contents(store).slice(0, 3)).toEqual(contents(here).slice(0, 3)); // rows, chunks, states: written once
  });
});

describe('ingest behind the merge thread', () => {
  it('waits for the thread\'s next plan instead of merging on its own thread (which would make the plan stale)', async () => {
    const store = openStore();
    withRollup(store);
    expect(store.startMergeThread()).toBe(true);
    const gc = new GroupCommit(store, { maxBacklog: 10 });
    const order: string[] = [];
    const applied = () => store.staging.plans.applied;
    for (const [k, round] of ROUNDS.entries()) {
      const before = applied();
      const r = await Promise.all(round.map((b) => gc.submit({ agent: 'a1', batch: b.batch, samples: b.samples, now: NOW })));
      order.push(`round ${k}: ${r.every((x) => !x.duplicate) ? 'stored' : 'duplicate'}, plans ${applied() - before}`);
    }
    // Each round's answers came after a plan of the thread was written; none was made stale.
    expect(order).toEqual(['round 0: stored, plans 1', 'round 1: stored, plans 1', 'round 2: stored, plans 1']);
    expect(store.staging.plans).toMatchObject({ stale: 0, failed: 0 });
    const here = openStore();
    withRollup(here);
    for (const round of ROUNDS) {
      stage(here, round);
      here.settle();
    }
    expect(contents(store)).toEqual(contents(here));
  });
});

describe('slices of the merge thread', () => {
  /** 30,000 samples over 3,000 interfaces of r1: two slices of SLICE_SAMPLES. */
  const many = (): IfaceSample[] => {
    const xs: IfaceSample[] = [];
    for (let p = 0; p < 10; p++) for (let i = 0; i < 3000; i++) xs.push({ ...sample(p, 0), interface: `x${i}`, ts: START + p * 60_000 + i });
    return xs;
  };

  it('asks for the next slice before writing the one in hand, and stores what merging here stores', async () => {
    const { here, threaded } = pair();
    expect(many().length).toBeGreaterThan(SLICE_SAMPLES);
    for (const s of [here, threaded]) stage(s, [{ batch: 'big', samples: many() }]);
    here.settle();
    const atApply: [boolean, boolean][] = []; // per plan written: more to come, the thread already planning
    const apply = threaded.staging.applyPlan.bind(threaded.staging);
    threaded.staging.applyPlan = (m) => {
      atApply.push([m.result.more, threaded.staging.threadBusy]);
      return apply(m);
    };
    await mergeOnThread(threaded);
    expect(atApply).toEqual([[true, true], [false, false]]);
    expect(threaded.staging.plans).toMatchObject({ applied: 2, stale: 0, failed: 0 });
    expect(contents(threaded)).toEqual(contents(here));
  });

  it('drops the slice asked for ahead when the one in hand is not written', async () => {
    const { here, threaded } = pair();
    for (const s of [here, threaded]) stage(s, [{ batch: 'big', samples: many() }]);
    here.settle();
    const apply = threaded.staging.applyPlan.bind(threaded.staging);
    let first = true;
    threaded.staging.applyPlan = (m) => {
      if (first) {
        first = false;
        expect(threaded.staging.threadBusy).toBe(true); // the next slice is being planned from this one's end
        threaded.settle(); // the store moves before this plan is written: everything is merged here
      }
      return apply(m);
    };
    await mergeOnThread(threaded);
    for (let k = 0; k < 10 && threaded.staging.threadBusy; k++) await threaded.staging.afterNextPlan();
    // Neither the plan in hand nor the one planned ahead from it was written: each sample once.
    expect(threaded.staging.plans).toMatchObject({ applied: 0, stale: 1, dropped: 1, failed: 0 });
    expect(contents(threaded)).toEqual(contents(here));
  });

  /**
   * A store merging many() on its thread; `midway` runs once the generation's first slice is
   * written (its second is being planned). Resolves with the samples staged at each
   * generation's end, once the thread is done (no maintain() call from the test meanwhile).
   */
  async function generationsAround(midway: (store: Store) => void) {
    const store = openStore();
    withRollup(store);
    expect(store.startMergeThread()).toBe(true);
    const ends: number[] = [];
    const was = store.staging.onApplied!;
    let first = true;
    store.staging.onApplied = (more) => {
      was(more);
      if (!more) ends.push(store.staging.pending().samples);
      else if (first) {
        first = false;
        midway(store);
      }
    };
    stage(store, [{ batch: 'big', samples: many() }]);
    store.maintain(0, { minSamples: 1, now: 0 }); // a generation begins
    for (let k = 0; k < 100 && (store.staging.threadBusy || ends.length === 0); k++) await store.staging.afterNextPlan();
    while (store.staging.threadBusy) await store.staging.afterNextPlan();
    return { store, ends };
  }
  const r1 = ROUNDS[1].reduce((n, b) => n + b.samples.length, 0);

  it('starts on what was staged meanwhile as soon as a generation ends, while ingest stays quiet', async () => {
    const { store, ends } = await generationsAround((s) => {
      stage(s, ROUNDS[1]); // staged while the generation is merged: not part of it
      s.maintain(0, { minSamples: 1e9, now: 0, idleMs: IDLE_QUIET_MS }); // then quiet, but the thread is busy
    });
    expect(ends).toEqual([r1, 0]); // the second generation began when the first ended
    expect(store.staging.hasPending()).toBe(false);
  });

  it('leaves what was staged meanwhile to the next maintain() once a batch came after the quiet call', async () => {
    const { store, ends } = await generationsAround((s) => {
      s.maintain(0, { minSamples: 1e9, now: 0, idleMs: IDLE_QUIET_MS });
      stage(s, ROUNDS[1]); // ingest resumed after the quiet call
    });
    expect(ends).toEqual([r1]);
    expect(store.staging.pending().samples).toBe(r1);
  });
});

describe('a plan checked against the store before it is written', () => {
  it('is not written when the generation marker or the finality cut moved since it was read', async () => {
    const { here, store } = roundZero();
    const setMeta = (key: string, value: string | null) =>
      value === null ? store.db.prepare('DELETE FROM meta WHERE key = ?').run(key) : store.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
    // On this connection: neither the epoch nor "another connection wrote" sees these.
    const plan = await planOfThread(store);
    setMeta('merge_gen', '999:5');
    expect(store.staging.applyPlan(plan)).toBe(false);
    setMeta('merge_gen', null);
    const again = await planOfThread(store);
    const final = store.db.prepare("SELECT value FROM meta WHERE key = 'final_before'").pluck().get() as string | undefined;
    setMeta('final_before', String(START - 86_400_000));
    expect(store.staging.applyPlan(again)).toBe(false);
    setMeta('final_before', final ?? null);
    const ok = await planOfThread(store);
    expect(store.staging.applyPlan(ok)).toBe(true);
    expect(contents(store)).toEqual(contents(here));
  });
});

describe('a merge thread that fails', () => {
  /** A store with the rollup and a merge thread whose errors the test hears. */
  function withThread() {
    const store = openStore();
    withRollup(store);
    const errors: string[] = [];
    let heard: (m: string) => void = () => {};
    expect(store.startMergeThread((m) => {
      errors.push(m);
      heard(m);
    })).toBe(true);
    const next = () => new Promise<string>((resolve) => (heard = resolve));
    return { store, errors, next };
  }
  /** The same rounds merged in the store's own transaction: after each round, or (`together`) once after all. */
  const reference = (together = false) => {
    const here = openStore();
    withRollup(here);
    for (const round of ROUNDS) {
      stage(here, round);
      if (!together) here.settle();
    }
    here.settle();
    return here;
  };

  it('exits: the merge runs on the collector\'s thread from then on and stores the same', async () => {
    const { store, errors, next } = withThread();
    stage(store, ROUNDS[0]);
    await mergeOnThread(store);
    const exited = next();
    await (store.staging as unknown as { thread: { worker: { terminate(): Promise<number> } } }).thread.worker.terminate();
    expect(await exited).toMatch(/the merge thread exited/);
    expect(store.staging.threaded).toBe(false);
    for (const round of ROUNDS.slice(1)) {
      stage(store, round);
      expect(store.maintain(50, { minSamples: 1, now: 0 })).toBeGreaterThan(0); // merged here, at once
    }
    expect(store.staging.hasPending()).toBe(false);
    expect(errors).toHaveLength(1);
    expect(contents(store)).toEqual(contents(reference()));
  });

  it('whose plans cannot be written five times in a row is left, and nothing staged is lost', async () => {
    const { store, errors } = withThread();
    // The write itself fails (inside applyPlan, which then moves the epoch as it would).
    const inner = store.staging as unknown as { applyTx: { immediate: (m: unknown) => boolean } };
    const applyTx = inner.applyTx;
    inner.applyTx = {
      immediate: () => {
        throw new Error('disk I/O error (test)');
      },
    };
    for (const round of ROUNDS) stage(store, round);
    for (let k = 0; k < 20 && store.staging.threaded; k++) await store.staging.afterNextPlan();
    expect(store.staging.threaded).toBe(false);
    expect(store.staging.plans).toMatchObject({ applied: 0, failed: 5 });
    expect(errors.filter((m) => /could not be written: disk I\/O error/.test(m))).toHaveLength(5);
    expect(errors.at(-1)).toMatch(/failed 5 times in a row: the merge runs on the collector's thread/);
    inner.applyTx = applyTx;
    expect(store.staging.hasPending()).toBe(true); // every sample still staged
    store.settle();
    expect(contents(store)).toEqual(contents(reference(true)));
  });
});
