// The ingest benchmark's workloads: both servers get the same samples, InfluxDB exactly the
// fields Pantau stores per interface sample, each agent's requests in time order with rising
// counters, and the sizes the cases promise.
import { describe, expect, it } from 'vitest';
import { encode, seriesOf, shapes, timedSamples, warmSamples, workload, type Shape } from '../../bench/ingest/workload.js';

const small: Shape = { key: 't', label: 't', agents: 2, devicesPerAgent: 2, ifaces: 3, warmPolls: 2, timedPolls: 3, batch: 5 };
const NOW = Date.UTC(2026, 11, 3, 1, 0, 0);

interface Json {
  agent: string;
  batch: string;
  samples: { type: string; device: string; interface: string; ts: number; inOctets: string; outOctets: string; bits: number; uptime: number; operUp: boolean; speedBps: number }[];
}

function parseLine(l: string) {
  const m = /^iface,device=([^,]+),interface=(\S+) (\S+) (\d+)$/.exec(l);
  if (!m) throw new Error(`not an iface line: ${l}`);
  const fields = Object.fromEntries(m[3].split(',').map((kv) => kv.split('=')));
  return { device: m[1], iface: m[2], fields, ts: Number(m[4]) };
}

describe('ingest benchmark workloads', () => {
  it('gives InfluxDB the same samples as Pantau, with exactly the fields Pantau stores', () => {
    const w = workload(small, NOW);
    for (const phase of ['warm', 'timed'] as const) {
      const pj = encode(w, phase, 'pantau');
      const il = encode(w, phase, 'influx', 'i');
      expect(pj.map((a) => a.length)).toEqual(il.map((a) => a.length));
      pj.forEach((reqs, a) =>
        reqs.forEach((r, n) => {
          const body = JSON.parse(r.body) as Json;
          const lines = il[a][n].body.split('\n').map(parseLine);
          expect(body.agent).toBe(w.agents[a].id);
          expect(body.samples).toHaveLength(r.count);
          expect(lines).toHaveLength(il[a][n].count);
          body.samples.forEach((s, k) => {
            const l = lines[k];
            expect(Object.keys(l.fields).sort()).toEqual(['flags', 'in_oct', 'out_oct', 'speed', 'uptime']);
            expect([l.device, l.iface, l.ts]).toEqual([s.device, s.interface, s.ts]);
            expect(l.fields).toEqual({
              in_oct: `${s.inOctets}i`,
              out_oct: `${s.outOctets}i`,
              uptime: `${s.uptime}i`,
              speed: `${s.speedBps}i`,
              flags: `${2 | (s.operUp ? 4 : 0)}i`, // as collector/storage/store.ts computes it for a 64-bit sample
            });
            expect(w.agents[a].devices).toContain(s.device);
          });
        }),
      );
    }
  });

  it('writes counters as unsigned when asked, with the same value', () => {
    const w = workload(small, NOW);
    const line = encode(w, 'timed', 'influx', 'u')[0][0].body.split('\n')[0];
    const i = encode(w, 'timed', 'influx', 'i')[0][0].body.split('\n')[0];
    expect(parseLine(line).fields.in_oct).toBe(parseLine(i).fields.in_oct.replace(/i$/, 'u'));
  });

  it('sends each agent its polls in time order, counters rising, and no more than `batch` per request', () => {
    const w = workload(small, NOW);
    const last = new Map<string, { ts: number; inOct: bigint; outOct: bigint }>();
    for (const phase of ['warm', 'timed'] as const)
      for (const reqs of encode(w, phase, 'pantau'))
        for (const r of reqs) {
          expect(r.count).toBeLessThanOrEqual(small.batch);
          for (const s of (JSON.parse(r.body) as Json).samples) {
            const key = `${s.device}/${s.interface}`;
            const prev = last.get(key);
            if (prev) {
              expect(s.ts - prev.ts).toBe(60_000);
              expect(BigInt(s.inOctets) > prev.inOct).toBe(true);
              expect(BigInt(s.outOctets) > prev.outOct).toBe(true);
            }
            last.set(key, { ts: s.ts, inOct: BigInt(s.inOctets), outOct: BigInt(s.outOctets) });
          }
        }
    expect(last.size).toBe(seriesOf(small));
    // the last poll lies before the collector's clock (inside its acceptance window)
    expect(Math.max(...[...last.values()].map((v) => v.ts))).toBeLessThan(NOW);
  });

  it('puts warm-up and timed polls where the cases say (series exist before the timer, except in "new")', () => {
    const w = workload(small, NOW);
    const count = (phase: 'warm' | 'timed') => encode(w, phase, 'pantau').flat().reduce((n, r) => n + r.count, 0);
    expect(count('warm')).toBe(warmSamples(small));
    expect(count('timed')).toBe(timedSamples(small));
    const full = Object.fromEntries(shapes(false).map((s) => [s.key, s]));
    expect([seriesOf(full.long), full.long.timedPolls, full.long.agents, full.long.batch]).toEqual([1000, 400, 4, 5000]);
    // Warm-up: a fifth of the timed polls for the two shapes measured from a fresh process's first polls before.
    expect([full.long.warmPolls, full.agents.warmPolls]).toEqual([80, 8]);
    expect([seriesOf(full.steady), full.steady.warmPolls, full.steady.timedPolls]).toEqual([50_000, 20, 20]);
    expect([full.agents.agents, full.agents.devicesPerAgent * full.agents.ifaces, full.agents.batch]).toEqual([300, 50, 50]);
    expect([seriesOf(full.new), full.new.warmPolls]).toEqual([50_000, 0]);
    for (const q of shapes(true)) {
      const f = full[q.key];
      const scale = (timedSamples(f) + warmSamples(f)) / (timedSamples(q) + warmSamples(q));
      expect(scale).toBeGreaterThan(10);
      expect(scale).toBeLessThan(30);
    }
  });
});
