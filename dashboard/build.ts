// Bundles the wall display (dashboard/src/wall.ts) and the per-OPD page (dashboard/src/opd.ts)
// with esbuild, once per process, in memory: the collector serves the result gzipped. The
// bundles must stay under 150 KB gzipped (test/dashboard/build.test.ts holds them to it).
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

export const ENTRIES = ['wall', 'opd'] as const;
export type Entry = (typeof ENTRIES)[number];

export interface Asset {
  js: Buffer;
  gzip: Buffer;
  etag: string;
}

export interface DashboardBundle {
  assets: Record<Entry, Asset>;
  /** uPlot's stylesheet, inlined in the per-OPD page. */
  uplotCss: string;
}

/**
 * dashboard/src: beside this file when run from the sources (tsx, tests), or found upwards
 * from the bundle `bin/pantau.js` writes to .build/<fingerprint>/.
 */
export function sourceDir(from = dirname(fileURLToPath(import.meta.url))): string {
  if (existsSync(join(from, 'src', 'wall.ts'))) return join(from, 'src');
  for (let d = from, i = 0; i < 6; i++, d = dirname(d)) if (existsSync(join(d, 'dashboard', 'src', 'wall.ts'))) return join(d, 'dashboard', 'src');
  throw new Error(`the wall display's sources (dashboard/src/wall.ts) are not found above ${from}`);
}

let cached: Promise<DashboardBundle> | undefined;

async function compile(): Promise<DashboardBundle> {
  const out = await build({
    entryPoints: ENTRIES.map((e) => join(sourceDir(), `${e}.ts`)),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['chrome100', 'firefox100', 'safari15'],
    write: false,
    outdir: 'out',
    logLevel: 'silent',
    legalComments: 'none',
  });
  const assets = {} as Record<Entry, Asset>;
  for (const f of out.outputFiles) {
    const name = f.path.split('/').pop()!.replace(/\.js$/, '') as Entry;
    const js = Buffer.from(f.contents);
    assets[name] = { js, gzip: gzipSync(js, { level: 9 }), etag: `"${createHash('sha256').update(js).digest('hex').slice(0, 16)}"` };
  }
  const require = createRequire(import.meta.url);
  const uplotCss = readFileSync(join(dirname(require.resolve('uplot')), 'uPlot.min.css'), 'utf8');
  return { assets, uplotCss };
}

/** The bundles, built on first use and kept for the process's life. */
export function dashboardBundle(): Promise<DashboardBundle> {
  cached ??= compile().catch((e) => {
    cached = undefined;
    throw e;
  });
  return cached;
}
