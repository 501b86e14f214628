// Bundles the wall display (dashboard/src/wall.ts) and the per-OPD page (dashboard/src/opd.ts)
// with esbuild, once per process, in memory: the collector serves the result gzipped. The
// bundles must stay under 150 KB gzipped (test/dashboard/build.test.ts holds them to it).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
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

const here = dirname(fileURLToPath(import.meta.url));
let cached: Promise<DashboardBundle> | undefined;

async function compile(): Promise<DashboardBundle> {
  const out = await build({
    entryPoints: ENTRIES.map((e) => join(here, 'src', `${e}.ts`)),
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
