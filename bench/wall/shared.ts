// What the wall benchmarks share: the flags, Chromium, and percentiles.
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../../collector/report/browser.js';
import { onTeardown } from '../harness/teardown.js';

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

/** The p-th percentile of sorted numbers (nearest rank). */
export const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.max(0, Math.ceil((p / 100) * xs.length) - 1))] : NaN);
export const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
