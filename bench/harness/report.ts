// Result shape shared by every benchmark, and its printing: one table per benchmark with
// Pantau's figure, the peer's figure from the same run, their ratio and whether the goal is met.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface ResultRow {
  metric: string;
  unit: string;
  pantau?: number;
  peer?: number;
  peerName?: string;
  /** How Pantau compares, oriented so that > 1 is better for Pantau (stated per row). */
  ratio?: number;
  ratioMeaning?: string;
  goal?: string;
  met?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  rows: ResultRow[];
  /** Extra figures (peers besides the main one, settings) as label → value text. */
  extra: Record<string, string>;
  notes: string[];
}

const fmt = (v: number | undefined) =>
  v === undefined || Number.isNaN(v) ? 'n/a' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

export function printResult(r: BenchResult): void {
  const head = ['metric', 'Pantau', 'peer', 'ratio', 'goal', 'met'];
  const rows = r.rows.map((x) => [
    `${x.metric} (${x.unit})`,
    fmt(x.pantau),
    x.peer === undefined ? 'n/a' : `${fmt(x.peer)} ${x.peerName ?? ''}`.trim(),
    x.ratio === undefined ? 'n/a' : `${x.ratio.toFixed(2)}x${x.ratioMeaning ? ` ${x.ratioMeaning}` : ''}`,
    x.goal ?? '',
    x.met === undefined ? '' : x.met ? 'yes' : 'NO',
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (c: string[]) => c.map((s, i) => s.padEnd(w[i])).join('  ');
  console.log(`\n== ${r.name}: ${r.title}`);
  console.log(line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const row of rows) console.log(line(row));
  for (const [k, v] of Object.entries(r.extra)) console.log(`  ${k}: ${v}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
}

/** Keeps the raw result as JSON in test-artifacts/bench/ (git-ignored) for docs/BENCHMARKS.md. */
export function saveResult(r: BenchResult): string {
  const dir = fileURLToPath(new URL('../../test-artifacts/bench/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${r.name}.json`;
  writeFileSync(file, JSON.stringify({ ...r, at: new Date().toISOString() }, null, 2));
  return file;
}

export const MiB = 1024 * 1024;
