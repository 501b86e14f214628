// Self-metrics in the Prometheus text format 0.0.4 (GET /metrics): counters, gauges (one value
// or one per label set) and histograms. Label values are escaped as the format asks (\\, \", \n);
// every family is rendered with its HELP and TYPE, so `promtool check metrics` finds nothing.
type Labels = Record<string, string>;

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const labelKey = (labels: Labels) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',');
const num = (v: number) => (Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

interface Histogram {
  help: string;
  buckets: number[];
  series: Map<string, { counts: number[]; sum: number; count: number }>;
}

export class Metrics {
  private readonly counters = new Map<string, { help: string; values: Map<string, number> }>();
  private readonly gauges = new Map<string, { help: string; read: () => number | ReadonlyMap<string, number> }>();
  private readonly histograms = new Map<string, Histogram>();

  counter(name: string, help: string): (labels?: Labels, by?: number) => void {
    const c = { help, values: new Map<string, number>() };
    this.counters.set(name, c);
    return (labels = {}, by = 1) => {
      const key = labelKey(labels);
      c.values.set(key, (c.values.get(key) ?? 0) + by);
    };
  }

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.set(name, { help, read });
  }

  /** A gauge with one value per label set, read at scrape time (e.g. per agent). */
  labelledGauge(name: string, help: string, read: () => Iterable<[Labels, number]>): void {
    this.gauges.set(name, { help, read: () => new Map([...read()].map(([l, v]) => [labelKey(l), v])) });
  }

  /** A histogram with cumulative `le` buckets (upper bounds, ascending; +Inf is added). */
  histogram(name: string, help: string, buckets: number[]): (value: number, labels?: Labels) => void {
    const h: Histogram = { help, buckets: [...buckets].sort((a, b) => a - b), series: new Map() };
    this.histograms.set(name, h);
    return (value, labels = {}) => {
      const key = labelKey(labels);
      let s = h.series.get(key);
      if (!s) h.series.set(key, (s = { counts: h.buckets.map(() => 0), sum: 0, count: 0 }));
      for (let i = 0; i < h.buckets.length; i++) if (value <= h.buckets[i]) s.counts[i]++;
      s.sum += value;
      s.count++;
    };
  }

  render(): string {
    const out: string[] = [];
    const line = (name: string, key: string, v: number) => out.push(key ? `${name}{${key}} ${num(v)}` : `${name} ${num(v)}`);
    for (const [name, c] of this.counters) {
      out.push(`# HELP ${name} ${escapeHelp(c.help)}`, `# TYPE ${name} counter`);
      if (c.values.size === 0) out.push(`${name} 0`);
      for (const [k, v] of c.values) line(name, k, v);
    }
    for (const [name, g] of this.gauges) {
      let v: number | ReadonlyMap<string, number>;
      try {
        v = g.read();
      } catch {
        v = NaN;
      }
      out.push(`# HELP ${name} ${escapeHelp(g.help)}`, `# TYPE ${name} gauge`);
      if (typeof v === 'number') line(name, '', v);
      else for (const [k, x] of v) line(name, k, x);
    }
    for (const [name, h] of this.histograms) {
      out.push(`# HELP ${name} ${escapeHelp(h.help)}`, `# TYPE ${name} histogram`);
      const series = h.series.size ? h.series : new Map([['', { counts: h.buckets.map(() => 0), sum: 0, count: 0 }]]);
      for (const [k, s] of series) {
        const pre = k ? `${k},` : '';
        h.buckets.forEach((b, i) => out.push(`${name}_bucket{${pre}le="${num(b)}"} ${s.counts[i]}`));
        out.push(`${name}_bucket{${pre}le="+Inf"} ${s.count}`);
        line(`${name}_sum`, k, s.sum);
        line(`${name}_count`, k, s.count);
      }
    }
    return out.join('\n') + '\n';
  }
}
