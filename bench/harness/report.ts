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
  /** How Pantau compares with the peer; its direction is stated per row in ratioMeaning (e.g. "Pantau/InfluxDB, higher is better"). */
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

// null: a NaN or a missing figure after a JSON round trip (results stored in docs/BENCHMARKS.md).
export const fmt = (v: number | null | undefined) =>
  typeof v !== 'number' || Number.isNaN(v) ? 'n/a' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);

/** One row as table cells: metric (unit), Pantau, peer, ratio, goal, met. */
export function rowCells(x: ResultRow): string[] {
  return [
    `${x.metric} (${x.unit})`,
    fmt(x.pantau),
    x.peer == null ? 'n/a' : `${fmt(x.peer)} ${x.peerName ?? ''}`.trim(),
    typeof x.ratio !== 'number' || Number.isNaN(x.ratio) ? 'n/a' : `${x.ratio.toFixed(2)}x${x.ratioMeaning ? ` ${x.ratioMeaning}` : ''}`,
    x.goal ?? '',
    x.met == null ? '' : x.met ? 'yes' : 'NO',
  ];
}

function printTable(head: string[], rows: string[][]): void {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (c: string[]) => c.map((s, i) => s.padEnd(w[i])).join('  ').trimEnd();
  console.log(line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const row of rows) console.log(line(row));
}

export function printResult(r: BenchResult): void {
  console.log(`\n== ${r.name}: ${r.title}`);
  printTable(['metric', 'Pantau', 'peer', 'ratio', 'goal', 'met'], r.rows.map(rowCells));
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

/** Rows of the closing table: those compared with a peer, and those judged against a goal. */
export const inSummary = (x: ResultRow) => x.ratio != null || x.goal != null;

/** The closing table of a run: every row compared with a peer or judged against a goal, all benchmarks together. */
export function printSummary(results: BenchResult[], failed: string[]): void {
  console.log('\n== ratios and goals, all benchmarks of this run');
  const rows = results.flatMap((r) => r.rows.filter(inSummary).map((x) => [r.name, ...rowCells(x)]));
  printTable(['benchmark', 'metric', 'Pantau', 'peer', 'ratio', 'goal', 'met'], rows);
  for (const f of failed) console.log(`  ${f}: FAILED (see above); its earlier results are kept`);
}
