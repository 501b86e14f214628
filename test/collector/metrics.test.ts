import { describe, expect, it } from 'vitest';
import { Metrics } from '../../collector/api/metrics.js';

describe('metrics registry', () => {
  it('renders a histogram with cumulative buckets, +Inf, sum and count per label set', () => {
    const m = new Metrics();
    const h = m.histogram('t_seconds', 'Time', [0.1, 1]);
    h(0.05, { result: 'stored' });
    h(0.5, { result: 'stored' });
    h(3, { result: 'stored' });
    expect(m.render()).toBe(
      [
        '# HELP t_seconds Time',
        '# TYPE t_seconds histogram',
        't_seconds_bucket{result="stored",le="0.1"} 1',
        't_seconds_bucket{result="stored",le="1"} 2',
        't_seconds_bucket{result="stored",le="+Inf"} 3',
        't_seconds_sum{result="stored"} 3.55',
        't_seconds_count{result="stored"} 3',
        '',
      ].join('\n'),
    );
  });

  it('renders an empty histogram as zeros, so the series exists before the first request', () => {
    const m = new Metrics();
    m.histogram('t_seconds', 'Time', [1]);
    expect(m.render()).toContain('t_seconds_bucket{le="+Inf"} 0\nt_seconds_sum 0\nt_seconds_count 0\n');
  });

  it('escapes label values and help text as the text format asks', () => {
    const m = new Metrics();
    m.counter('c_total', 'A "help"\\ line\nsecond')({ device: 'Gi0/1 "x"\\y\nz' });
    expect(m.render()).toBe('# HELP c_total A "help"\\\\ line\\nsecond\n# TYPE c_total counter\nc_total{device="Gi0/1 \\"x\\"\\\\y\\nz"} 1\n');
  });

  it('renders a labelled gauge per label set, read at scrape time', () => {
    const m = new Metrics();
    const v = new Map([['a1', 10]]);
    m.labelledGauge('g', 'G', () => [...v].map(([agent, n]) => [{ agent }, n]));
    v.set('a2', 0);
    expect(m.render()).toBe('# HELP g G\n# TYPE g gauge\ng{agent="a1"} 10\ng{agent="a2"} 0\n');
  });
});
