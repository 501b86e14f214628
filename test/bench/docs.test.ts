// The generated section of docs/BENCHMARKS.md: one benchmark's run replaces only its own block
// and summary rows, the hand-written text around the markers is kept, and a stored result
// survives the round trip through its HTML comment (even text holding "--").
import { describe, expect, it } from 'vitest';
import { BEGIN, END, parseRecords, updateDocument, type RunRecord } from '../../bench/harness/docs.js';

const machine = { cpu: 'AMD EPYC', cores: 2, ramGiB: 23.5, kernel: '6.18', node: 'v20.20.2' };
const record = (name: string, pantau: number, at: string, extra: Record<string, string> = {}): RunRecord => ({
  result: {
    name,
    title: `${name} title`,
    rows: [{ metric: 'throughput', unit: 'samples/s', pantau, peer: 100, peerName: 'InfluxDB', ratio: pantau / 100, ratioMeaning: 'Pantau/InfluxDB, higher is better', goal: '>= 1.0x', met: pantau >= 100 }],
    extra,
    notes: [],
  },
  at,
  quick: false,
  machine,
  seconds: 12,
});

const doc = `# Benchmarks\n\nhand-written intro\n\n${BEGIN}\nold\n${END}\n\n## History\nkept as it is\n`;

describe('the generated section of BENCHMARKS.md', () => {
  it('keeps the hand-written text around the markers', () => {
    const out = updateDocument(doc, [record('ingest', 120, '2026-12-03T01:00:00Z')], ['fleet', 'ingest']);
    expect(out.startsWith('# Benchmarks\n\nhand-written intro\n\n<!-- bench:begin -->')).toBe(true);
    expect(out.endsWith(`${END}\n\n## History\nkept as it is\n`)).toBe(true);
    expect(out).not.toContain('\nold\n');
    expect(out).toContain('| ingest | throughput (samples/s) | 120 | 100 InfluxDB | 1.20x Pantau/InfluxDB, higher is better | >= 1.0x | yes | 2026-12-03 01:00 UTC |');
  });

  it('replaces only the benchmark that ran and renders the others from what they recorded', () => {
    const first = updateDocument(doc, [record('ingest', 120, '2026-12-03T01:00:00Z'), record('fleet', 50, '2026-12-03T00:30:00Z')], ['fleet', 'ingest']);
    const second = updateDocument(first, [record('ingest', 80, '2026-12-03T02:00:00Z')], ['fleet', 'ingest']);
    const recs = parseRecords(second);
    expect([...recs.keys()]).toEqual(['fleet', 'ingest']);
    expect(recs.get('fleet')!.result.rows[0].pantau).toBe(50);
    expect(recs.get('ingest')!.result.rows[0].pantau).toBe(80);
    expect(second).toContain('| fleet | throughput (samples/s) | 50.0 |');
    expect(second).toContain('| ingest | throughput (samples/s) | 80.0 | 100 InfluxDB | 0.80x Pantau/InfluxDB, higher is better | >= 1.0x | NO | 2026-12-03 02:00 UTC |');
    // fleet comes first: the registry's order, not the order of the runs
    expect(second.indexOf('### fleet')).toBeLessThan(second.indexOf('### ingest'));
  });

  it('stores text holding "--" and "-->" without ending its comment early', () => {
    const out = updateDocument(doc, [record('ingest', 120, '2026-12-03T01:00:00Z', { command: 'npm run bench -- ingest --quick --> out.txt' })], ['ingest']);
    const line = out.split('\n').find((l) => l.startsWith('<!-- bench:result ingest '))!;
    expect(line.indexOf('-->')).toBe(line.length - 3); // the comment ends only where it should
    expect(line.slice(4, -3)).not.toContain('--');
    expect(parseRecords(out).get('ingest')!.result.extra.command).toBe('npm run bench -- ingest --quick --> out.txt');
  });

  it('shows a figure that was NaN when stored (null after JSON) as n/a', () => {
    const r = record('fleet', NaN, '2026-12-03T01:00:00Z');
    r.result.rows[0].peer = NaN;
    const again = updateDocument(updateDocument(doc, [r], ['fleet']), [], ['fleet']);
    expect(again).toContain('| fleet | throughput (samples/s) | n/a | n/a | n/a | >= 1.0x | NO |');
  });

  it('says on what machine, when and under what load each result was taken', () => {
    const r = { ...record('ingest', 120, '2026-12-03T01:00:00Z'), load: [10.4, 12] as [number, number] };
    const out = updateDocument(doc, [r], ['ingest']);
    expect(out).toContain('Run 2026-12-03 01:00 UTC (12.0 s) on AMD EPYC, 2 cores, 23.5 GiB RAM, Linux 6.18, Node.js v20.20.2; load average 10.4 at the start, 12.0 at the end.');
  });

  it('adds the section at the end of a page without markers', () => {
    const out = updateDocument('# Benchmarks\n', [record('ingest', 120, '2026-12-03T01:00:00Z')], ['ingest']);
    expect(out.startsWith('# Benchmarks\n\n<!-- bench:begin -->')).toBe(true);
    expect(out.trimEnd().endsWith(END)).toBe(true);
  });
});
