// Which /metrics gauges the ingest benchmark waits for: the listed ones and any other
// pantau_store_*_pending* gauge (labelled series summed), nothing else.
import { describe, expect, it } from 'vitest';
import { PENDING_GAUGES, pendingGauges } from '../../bench/harness/pending.js';

describe('pending-work gauges', () => {
  it('finds the rollup gauge, a later merge gauge and labelled series, and ignores other metrics', () => {
    const text = [
      '# HELP pantau_store_rollup_pending_series Series whose 5-minute buckets wait to be recomputed',
      '# TYPE pantau_store_rollup_pending_series gauge',
      'pantau_store_rollup_pending_series 12',
      'pantau_store_merge_pending_rows{shard="0"} 3',
      'pantau_store_merge_pending_rows{shard="1"} 4',
      'pantau_ingest_samples_total 1000',
      'pantau_store_pending 9',
      'pantau_uptime_seconds 5.5',
    ].join('\n');
    expect(Object.fromEntries(pendingGauges(text))).toEqual({ pantau_store_rollup_pending_series: 12, pantau_store_merge_pending_rows: 7 });
    expect(PENDING_GAUGES).toContain('pantau_store_rollup_pending_series');
  });

  it('reads a gauge that could not be read (NaN) as work still pending', () => {
    expect(pendingGauges('pantau_store_rollup_pending_series NaN').get('pantau_store_rollup_pending_series')).toBe(Infinity);
  });
});
