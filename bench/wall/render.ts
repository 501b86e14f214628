// The wall's rendering in Chromium (headless, 1920×1080) against a collector child with 60
// OPDs, 2,000 devices and 40 firing alerts:
// - first complete paint: the page's `pantau:first-complete` mark (dashboard/src/wall.ts: the
//   end of the first render with the snapshot applied and all 60 tiles in the page), from the
//   navigation's start; the first visit (token in the address, a redirect, the bundle fetched)
//   and then fresh pages with the session cookie, as a wall that reloads;
// - a full update while events stream: the page's `pantau:render` measures (one per frame that
//   renders: header, all tiles and the problems list rebuilt, including the layout the
//   problems list forces), the gaps between animation frames, and long tasks.
// The page first streams for a warm-up (20 batches, 5 s) that is not counted: the first few
// renders after a page load run cold script (not yet optimised by V8) and took up to 26 ms on the
// quiet machine, twice p99 of what follows; a wall renders for months after them. Their slowest
// is printed apart (`warmUp`), and the first paint has its own figures above.
// Events: a ping batch four times a second, each turning one server of every OPD down or back
// up (every tile's counts change); the collector's coalescing window is 250 ms for this
// benchmark so that each batch is one event (1 s by default).
import type { Page } from 'playwright-core';
import { sleep } from '../harness/proc.js';
import { pingBatch } from '../stream/fleet.js';
import { pct, quick, sorted, startRenderScene } from './shared.js';

export interface RenderFigures {
  firstVisitMs: number;
  /** The median of each part over all full updates (ms). */
  allParts: string;
  /** Where the time to the first complete paint went (see steps()). */
  firstVisitSteps: string;
  reloadSteps: string[];
  reloadMs: number[];
  renders: number[];
  frames: number[];
  longTasks: number[];
  fcpMs?: number;
  events: number;
  seconds: number;
  /** The slowest 2 % of full updates, the median ms of each part (header, tiles, problems, layout). */
  slowParts: string;
  /** The warm-up's renders (not in `renders`): how many, and the slowest (ms). */
  warmUp: { renders: number; maxMs: number };
}

const firstComplete = (page: Page) =>
  page.waitForFunction(() => performance.getEntriesByName('pantau:first-complete')[0]?.startTime, undefined, { timeout: 60_000 }).then((h) => h.jsonValue() as Promise<number>);

/** The page's own timeline up to its first complete paint, ms from navigation start: HTML received, script loaded, session answered, mark. */
async function steps(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const res = (part) => performance.getEntriesByType('resource').find((e) => e.name.includes(part));
    const f = (x) => (x === undefined ? '?' : Math.round(x));
    const mark = (name) => performance.getEntriesByName(name)[0] && performance.getEntriesByName(name)[0].startTime;
    return 'html ' + f(nav && nav.responseEnd) + ', wall.js ' + f(res('/assets/wall.js') && res('/assets/wall.js').responseEnd) + ', session ' + f(res('/api/v1/session') && res('/api/v1/session').responseEnd) + ', stream start ' + f(mark('pantau:stream-start')) + ', open ' + f(mark('pantau:stream-open')) + ', snapshot received ' + f(mark('pantau:snapshot-received')) + ', parsed ' + f(mark('pantau:snapshot-parsed')) + ', complete ' + f(mark('pantau:first-complete')) + ' (its render: ' + Object.entries((performance.getEntriesByName('pantau:first-complete')[0] || {}).detail || {}).map(([k, v]) => k + ' ' + Math.round(v)).join(', ') + ')';
  })()`);
}

export async function measureRender(): Promise<RenderFigures> {
  const seconds = quick ? 10 : 60;
  const reloads = quick ? 3 : 10;
  const { f, ids, collector, ingest, ctx, close } = await startRenderScene('wall-render');
  try {
    let page = await ctx.newPage();
    await page.goto(`${collector.url}/?token=${f.viewerToken}`);
    const firstVisitMs = await firstComplete(page);
    const fcpMs = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime);
    const firstVisitSteps = await steps(page);
    const reloadMs: number[] = [];
    const reloadSteps: string[] = [];
    for (let i = 0; i < reloads; i++) {
      await page.close();
      page = await ctx.newPage();
      await page.goto(`${collector.url}/`);
      reloadMs.push(await firstComplete(page));
      reloadSteps.push(await steps(page));
    }
    const tiles = await page.locator('.tile').count();
    if (tiles !== 60) throw new Error(`the wall shows ${tiles} tiles, expected 60`);

    // A string, not a function: tsx would wrap named functions in a helper the page does not have.
    await page.evaluate(`(() => {
      const b = (window.__bench = { renders: [], parts: [], frames: [], long: [], warm: [], warming: true });
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (e.name === 'pantau:render') { if (b.warming) { b.warm.push(e.duration); continue; } b.renders.push(e.duration); if (e.detail) b.parts.push(e.detail); } }).observe({ type: 'measure' });
      new PerformanceObserver((l) => { for (const e of l.getEntries()) if (!b.warming) b.long.push(e.duration); }).observe({ type: 'longtask' });
      let last = 0;
      const frame = (t) => { if (last && !b.warming) b.frames.push(t - last); last = t; requestAnimationFrame(frame); };
      requestAnimationFrame(frame);
    })()`);
    // Batch k: server (5 + k mod 20) of every OPD goes down in the even rounds of 20, up in the odd ones.
    const batchAt = async (k: number) => {
      const down = Math.floor(k / 20) % 2 === 0;
      const batch = Array.from({ length: 60 }, (_, i) => ids[i + 60 * (5 + (k % 20))]);
      await ingest(pingBatch(`r-${k}`, batch, () => !down, Date.now() - 100));
    };
    const WARM = 20;
    const w0 = performance.now();
    for (let k = 0; k < WARM; k++) {
      await batchAt(k);
      await sleep(Math.max(0, w0 + (k + 1) * 250 - performance.now()));
    }
    await page.evaluate('window.__bench.warming = false');
    const t0 = performance.now();
    let events = 0;
    for (let k = WARM; performance.now() - t0 < seconds * 1000; k++) {
      await batchAt(k);
      events++;
      await sleep(Math.max(0, t0 + (k - WARM + 1) * 250 - performance.now()));
    }
    await sleep(500);
    const b = await page.evaluate(() => (window as unknown as { __bench: { renders: number[]; parts: Record<string, number>[]; frames: number[]; long: number[]; warm: number[] } }).__bench);
    // The slowest 2 % of renders: where their time went (p50 of each part over them).
    const slow = [...b.parts].sort((x, y) => Object.values(y).reduce((a, v) => a + v, 0) - Object.values(x).reduce((a, v) => a + v, 0)).slice(0, Math.max(1, Math.ceil(b.parts.length / 50)));
    const medianOf = (list: Record<string, number>[]) => (list.length ? Object.keys(list[0]).map((k) => `${k} ${pct(sorted(list.map((p) => p[k])), 50).toFixed(1)}`).join(', ') : '');
    const slowParts = medianOf(slow);
    const allParts = medianOf(b.parts);
    return { firstVisitMs, firstVisitSteps, reloadSteps, reloadMs: sorted(reloadMs), renders: sorted(b.renders), frames: sorted(b.frames), longTasks: sorted(b.long), fcpMs, events, seconds, slowParts, allParts, warmUp: { renders: b.warm.length, maxMs: Math.max(0, ...b.warm) } };
  } finally {
    await close();
  }
}

export function renderSummary(r: RenderFigures) {
  return {
    first: r.firstVisitMs,
    reloadP50: pct(r.reloadMs, 50),
    reloadMax: r.reloadMs[r.reloadMs.length - 1],
    renderP50: pct(r.renders, 50),
    renderP99: pct(r.renders, 99),
    renderMax: r.renders[r.renders.length - 1],
    frameP50: pct(r.frames, 50),
    frameP99: pct(r.frames, 99),
    frameMax: r.frames[r.frames.length - 1],
  };
}
