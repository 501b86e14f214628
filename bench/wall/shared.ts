// What the wall benchmarks share: the flags, Chromium, the render scene, and percentiles.
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../collector/report/browser.js';
import { onTeardown, tempDir } from '../harness/teardown.js';
import { fleet, pingBatch } from '../stream/fleet.js';
import { post, startWallCollector } from '../stream/start.js';

/** `--name=value` from the command line (node bin/run-ts.js bench/wall/index.ts …) or BENCH_WALL_NAME from the environment (npm run bench). */
export function flag(name: string): string | undefined {
  const a = process.argv.find((x) => x === `--${name}` || x.startsWith(`--${name}=`));
  if (a) return a.includes('=') ? a.slice(a.indexOf('=') + 1) : '1';
  return process.env[`BENCH_WALL_${name.toUpperCase()}`];
}
export const quick = flag('quick') !== undefined || process.env.BENCH_QUICK === '1';

export async function launch(): Promise<Browser> {
  const b = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  onTeardown('close Chromium', () => b.close());
  return b;
}

/**
 * The scene of the render benchmark and its trace: a collector with 60 OPDs, 2,000 devices and
 * 40 firing alerts (coalescing window 250 ms), every device up, and Chromium with a 1920×1080
 * context. `close()` stops all of it.
 */
export async function startRenderScene(name: string) {
  const f = fleet(60, 2000);
  const ids = f.devices.map((d) => d.id);
  const collector = await startWallCollector({ sqlite: join(tempDir(name), 'pantau.db'), opds: 60, devices: 2000, coalesceMs: 250, alerts: 40 });
  const ingest = (body: string) => post(`${collector.url}/api/v1/ingest`, body, f.agentToken);
  await ingest(pingBatch('all-up', ids, () => true, Date.now() - 1000));
  const browser = await launch();
  const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
  const close = async () => {
    await ctx.close();
    await browser.close();
    await collector.stop();
  };
  return { f, ids, collector, ingest, ctx, close };
}

/** The p-th percentile of sorted numbers (nearest rank). */
export const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))] : NaN);
export const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
