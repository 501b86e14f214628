// Where a full update of the wall goes, from a Chromium trace (diagnostic, not part of
// `npm run bench`): the render benchmark's setup (60 OPDs, 2,000 devices, 40 firing alerts, a
// ping batch four times a second turning one server of every OPD down or up), traced with the
// devtools timeline categories for `--seconds=N` (default 15). For each animation frame that
// renders (holds a pantau:render measure): the time in script, style (elements restyled),
// layout (objects laid out, and how many layouts were forced by a read in script), HTML parsing
// (innerHTML/outerHTML), and what invalidated style and layout (node and reason), summed over
// the frames. Counts of elements and layout objects do not depend on the machine's load, so
// they compare two versions of the page on a shared machine where times do not.
// `node bin/run-ts.js bench/wall/trace.ts [--seconds=N] [--out=trace.json]`
import { writeFileSync } from 'node:fs';
import { sleep } from '../harness/proc.js';
import { hookSignals, teardown } from '../harness/teardown.js';
import { pingBatch } from '../stream/fleet.js';
import { flag, pct, sorted, startRenderScene } from './shared.js';

interface Ev {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event, µs: less than dur when the thread was not running. */
  tdur?: number;
  tid: number;
  pid: number;
  cat: string;
  args?: any;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

async function main(): Promise<void> {
  const seconds = Number(flag('seconds') ?? 15);
  const { f, ids, collector, ingest, ctx, close } = await startRenderScene('wall-trace');
  const page = await ctx.newPage();
  await page.goto(`${collector.url}/?token=${f.viewerToken}`);
  await page.waitForFunction(() => performance.getEntriesByName('pantau:first-complete')[0]?.startTime, undefined, { timeout: 60_000 });
  await page.evaluate(`(() => { const b = (window.__bench = { renders: [] }); new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'pantau:render') b.renders.push(e.duration); }).observe({ type: 'measure' }); })()`);
  const cdp = await ctx.newCDPSession(page);
  const profile = flag('profile') !== undefined;
  const events: Ev[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    for (const x of e.value as unknown as Ev[]) events.push(x);
  });
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', {
    transferMode: 'ReportEvents',
    traceConfig: {
      // Invalidation tracking takes a script stack per invalidation, which slows the page's DOM writes: not with --profile.
      includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', ...(profile ? [] : ['disabled-by-default-devtools.timeline.invalidationTracking']), 'blink.user_timing', 'v8.execute', 'v8', 'disabled-by-default-v8.gc'],
    },
  });
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  const t0 = performance.now();
  for (let k = 0; performance.now() - t0 < seconds * 1000; k++) {
    const down = Math.floor(k / 20) % 2 === 0;
    const batch = Array.from({ length: 60 }, (_, i) => ids[i + 60 * (5 + (k % 20))]);
    await ingest(pingBatch(`r-${k}`, batch, () => !down, Date.now() - 100));
    await sleep(Math.max(0, t0 + (k + 1) * 250 - performance.now()));
  }
  await sleep(500);
  const cpu = profile ? ((await cdp.send('Profiler.stop')) as { profile: CpuProfile }).profile : undefined;
  await cdp.send('Tracing.end');
  await done;
  const renders = (await page.evaluate('window.__bench.renders')) as number[];
  const out = flag('out');
  if (out) writeFileSync(out, JSON.stringify({ traceEvents: events }));
  await close();

  // The renderer's main thread: where the pantau:render measures are.
  const measure = events.find((e) => e.name === 'pantau:render' && e.cat.includes('blink.user_timing'));
  const main = events.filter((e) => e.tid === measure?.tid && e.pid === measure?.pid);
  const starts = main.filter((m) => m.name === 'pantau:render' && m.ph === 'b').map((m) => m.ts);
  const frames = main.filter((e) => e.name === 'FireAnimationFrame' && e.ph === 'X' && starts.some((ts) => ts >= e.ts && ts <= e.ts + (e.dur ?? 0)));
  const inside = (fr: Ev) => main.filter((e) => e.ts >= fr.ts && e.ts <= fr.ts + (fr.dur ?? 0) && e !== fr);
  const sum = new Map<string, { ms: number; n: number }>();
  const add = (k: string, ms: number) => {
    const s = sum.get(k) ?? { ms: 0, n: 0 };
    s.ms += ms;
    s.n++;
    sum.set(k, s);
  };
  let elements = 0;
  let dirty = 0;
  let forced = 0;
  const why = new Map<string, number>();
  const frameMs: number[] = [];
  for (const fr of frames) {
    frameMs.push((fr.dur ?? 0) / 1000);
    for (const e of inside(fr)) {
      if (e.ph === 'X' && ['UpdateLayoutTree', 'Layout', 'ParseHTML', 'FunctionCall', 'RecalculateStyles', 'PrePaint', 'Paint'].includes(e.name)) add(e.name, (e.dur ?? 0) / 1000);
      if (e.name === 'UpdateLayoutTree' || e.name === 'RecalculateStyles') elements += e.args?.elementCount ?? e.args?.endData?.elementCount ?? 0;
      if (e.name === 'Layout') {
        dirty += e.args?.beginData?.dirtyObjects ?? 0;
        if (e.args?.beginData?.stackTrace) forced++;
      }
      if (e.name === 'StyleRecalcInvalidationTracking' || e.name === 'LayoutInvalidationTracking' || e.name === 'StyleInvalidatorInvalidationTracking' || e.name === 'ScheduleStyleInvalidationTracking') {
        const d = e.args?.data ?? {};
        const k = `${e.name.replace('InvalidationTracking', '')}: ${d.nodeName ?? '?'} ${d.reason ?? d.changedClass ?? d.changedAttribute ?? d.changedId ?? d.invalidationList?.[0]?.classes?.join(',') ?? ''}`.trim();
        why.set(k, (why.get(k) ?? 0) + 1);
      }
    }
  }
  // The slowest 2 % of rendering frames, one by one: wall time against the thread's CPU time
  // (much less CPU than wall time: the renderer waited for a core, another process had it), and
  // what ran inside, garbage collection included.
  const slow = [...frames].sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0)).slice(0, Math.max(1, Math.ceil(frames.length / 50)));
  console.log(`slowest ${slow.length} rendering frames: wall ms / cpu ms, then what ran inside (ms)`);
  for (const fr of slow) {
    const parts = new Map<string, number>();
    for (const e of inside(fr)) if (e.ph === 'X' && (e.dur ?? 0) > 0 && /GC|Layout|UpdateLayoutTree|FunctionCall|ParseHTML|Paint|PrePaint|RunMicrotasks/.test(e.name)) parts.set(e.name, (parts.get(e.name) ?? 0) + (e.dur ?? 0) / 1000);
    const what = [...parts].sort((a, b) => b[1] - a[1]).map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ');
    console.log(`  ${((fr.dur ?? 0) / 1000).toFixed(1).padStart(6)} / ${((fr.tdur ?? 0) / 1000).toFixed(1).padStart(5)}  ${what}`);
  }
  const gcs = main.filter((e) => e.ph === 'X' && /GC/.test(e.name));
  const gcIn = frames.reduce((s, fr) => s + inside(fr).filter((e) => e.ph === 'X' && /GC/.test(e.name)).length, 0);
  console.log(`garbage collections on the renderer's main thread: ${gcs.length} in the trace (${gcs.map((e) => e.name).filter((v, i, a) => a.indexOf(v) === i).join(', ')}), ${gcIn} inside rendering frames, total ${(gcs.reduce((s, e) => s + (e.dur ?? 0), 0) / 1000).toFixed(1)} ms`);
  const n = frames.length || 1;
  console.log(`${frames.length} rendering frames traced (${renders.length} pantau:render measures); frame ms p50 ${pct(sorted(frameMs), 50).toFixed(1)}, p99 ${pct(sorted(frameMs), 99).toFixed(1)}; measure p50 ${pct(sorted(renders), 50).toFixed(1)}, p99 ${pct(sorted(renders), 99).toFixed(1)}`);
  console.log(`per frame: elements restyled ${(elements / n).toFixed(0)}, layout objects dirty ${(dirty / n).toFixed(0)}, forced layouts ${(forced / n).toFixed(2)}`);
  for (const [k, s] of [...sum].sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${k.padEnd(18)} ${(s.ms / n).toFixed(2)} ms/frame, ${(s.n / n).toFixed(1)} times/frame`);
  if (cpu) {
    // Self time per function of the page's script (all frames, not only rendering ones).
    const dt = new Map<number, number>();
    cpu.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (cpu.timeDeltas[i + 1] ?? 0) / 1000));
    const self = new Map<string, number>();
    for (const node of cpu.nodes) {
      const c = node.callFrame;
      const k = `${c.functionName || '(anonymous)'} ${c.url.split('/').pop()?.split('?')[0] ?? ''}:${c.lineNumber + 1}:${c.columnNumber + 1}`;
      self.set(k, (self.get(k) ?? 0) + (dt.get(node.id) ?? 0));
    }
    console.log('script self time, ms over the run (top 25):');
    for (const [k, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${ms.toFixed(1).padStart(8)}  ${k}`);
  }
  console.log('invalidations per frame (top 25):');
  for (const [k, c] of [...why].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(c / n).toFixed(1).padStart(7)}  ${k}`);
}

hookSignals();
try {
  await main();
} finally {
  await teardown();
}
process.exit(0);
