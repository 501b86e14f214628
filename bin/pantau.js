#!/usr/bin/env node
// The `pantau` command. Runs the TypeScript sources as JavaScript bundled by esbuild into
// .build/<fingerprint>/ (one chunk per command, so an agent never loads the collector's
// modules), rebuilt when a source file changes; this keeps a TypeScript compiler out of the
// running daemon (about 30 MB less RSS than tsx's loader). If the build cannot be written,
// it falls back to tsx's loader. PANTAU_TSX=1 forces the loader (debugging with source).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';

// The agent keeps V8's young generation at its starting size (1 MB per semi-space) instead of
// letting it grow to 16 MB per semi-space: a cycle's samples live until they are sent, and that
// survival grows the young generation to 32 MB that stays resident between cycles. Set before
// anything is loaded; V8 reads this flag at each growth. Measured in docs/BENCHMARKS.md.
if (process.argv[2] === 'agent' && process.env.PANTAU_AGENT_YOUNG_GROWTH !== '1') v8.setFlagsFromString('--semi-space-growth-factor=1');

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['cli', 'collector', 'agent', 'config', 'log', 'protocol', 'sim', 'dashboard'];

function fingerprint() {
  const h = createHash('sha256');
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') || e.name.endsWith('.js')) {
        const st = statSync(p);
        h.update(`${p}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  for (const d of SOURCES) if (existsSync(join(root, d))) walk(join(root, d));
  h.update(mtimeOf(join(root, "package-lock.json")));
  return h.digest('hex').slice(0, 16);
}

function mtimeOf(p) {
  try {
    return String(statSync(p).mtimeMs);
  } catch {
    return '';
  }
}

async function bundled() {
  const builds = join(root, '.build');
  const dir = join(builds, fingerprint());
  const entry = join(dir, 'main.mjs');
  if (existsSync(entry)) return entry;
  const { build } = await import('esbuild');
  const tmp = `${dir}.tmp-${process.pid}`;
  await build({
    // The ingest parse worker and the merge thread are thread entries of their own, beside the chunks (collector/ingest/parse-pool.ts, collector/storage/merge-thread.ts).
    entryPoints: { main: join(root, 'cli/main.ts'), 'ingest-parse-worker': join(root, 'collector/ingest/parse-worker.ts'), 'store-merge-worker': join(root, 'collector/storage/merge-worker.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    sourcemap: 'linked',
    logLevel: 'silent',
  });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process built the same sources first
  }
  // Builds of older sources go after 30 days (a long-running process started from one may
  // still load a chunk of it, such as the PDF renderer once a month).
  for (const old of readdirSync(builds)) {
    const p = join(builds, old);
    try {
      if (p !== dir && !old.includes('.tmp-') && Date.now() - statSync(p).mtimeMs > 30 * 86_400_000) rmSync(p, { recursive: true, force: true });
    } catch {
      /* another start renamed or removed it meanwhile */
    }
  }
  return entry;
}

let entry;
if (process.env.PANTAU_TSX !== '1') {
  try {
    mkdirSync(join(root, '.build'), { recursive: true });
    entry = await bundled();
  } catch (e) {
    process.stderr.write(`pantau: could not bundle the sources (${e?.message ?? e}); running them through tsx\n`);
  }
}
if (entry) await import(pathToFileURL(entry).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../cli/main.ts');
}
