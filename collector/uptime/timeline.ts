// Up-time as a timeline: observations (ping, SNMP poll, host samples) become segments of
// `up`, `down` or `unknown` over a range. Pure functions; times in ms since the epoch.
// - An observation stands for the time until the next one of the same kind, but at most
//   `holdMs` (two of the agent's intervals): past that nothing observes the device: unknown.
// - Several kinds at once: up when any says up (a device that answers ping but not SNMP is
//   reachable), down when at least one says down and none says up, otherwise unknown.
// - Behind another device (`via`): the device's down time while that one is down is unknown.

export type SegState = 'up' | 'down' | 'unknown';

export interface Observation {
  ts: number;
  ok: boolean;
}

/** [from, to) with one state; a timeline's segments are sorted, adjacent, and merged (no two neighbours share a state). */
export interface Segment {
  from: number;
  to: number;
  state: SegState;
}

function push(out: Segment[], from: number, to: number, state: SegState): void {
  if (to <= from) return;
  const last = out[out.length - 1];
  if (last && last.state === state && last.to === from) last.to = to;
  else out.push({ from, to, state });
}

/** One kind of observation, sorted by `ts` (earlier ones may lie before `from`), as segments covering [from, to). */
export function observedTimeline(obs: readonly Observation[], holdMs: number, from: number, to: number): Segment[] {
  const out: Segment[] = [];
  let cursor = from;
  for (let i = 0; i < obs.length; i++) {
    const o = obs[i];
    if (o.ts >= to) break;
    const next = i + 1 < obs.length ? obs[i + 1].ts : Infinity;
    const start = Math.max(o.ts, from);
    const end = Math.min(next, o.ts + holdMs, to);
    if (end <= start) continue;
    push(out, cursor, start, 'unknown');
    push(out, start, end, o.ok ? 'up' : 'down');
    cursor = end;
  }
  push(out, cursor, to, 'unknown');
  return out;
}

/** Timelines covering the same [from, to) combined instant by instant with `fn`. */
export function overlay(lines: readonly Segment[][], from: number, to: number, fn: (states: SegState[]) => SegState): Segment[] {
  const cuts = new Set<number>([from, to]);
  for (const l of lines) for (const s of l) if (s.from > from && s.from < to) cuts.add(s.from);
  const edges = [...cuts].sort((a, b) => a - b);
  const idx = lines.map(() => 0);
  const out: Segment[] = [];
  for (let k = 0; k + 1 < edges.length; k++) {
    const a = edges[k];
    const states = lines.map((l, j) => {
      while (idx[j] < l.length && l[idx[j]].to <= a) idx[j]++;
      const s = l[idx[j]];
      return s && s.from <= a ? s.state : 'unknown';
    });
    push(out, a, edges[k + 1], fn(states));
  }
  return out;
}

/** Several kinds of observation of one device: up if any is up, down if any is down and none up. */
export function combine(lines: readonly Segment[][], from: number, to: number): Segment[] {
  if (lines.length === 0) return to > from ? [{ from, to, state: 'unknown' }] : [];
  return overlay(lines, from, to, (s) => (s.includes('up') ? 'up' : s.includes('down') ? 'down' : 'unknown'));
}

/** A device behind `parent`: its down time while the parent is down becomes unknown. */
export function behind(device: Segment[], parent: Segment[], from: number, to: number): Segment[] {
  return overlay([device, parent], from, to, ([d, p]) => (d === 'down' && p === 'down' ? 'unknown' : d));
}

/** The segment holding instant `at`, if any. */
export function segmentAt<S extends { from: number; to: number }>(segs: readonly S[], at: number): S | undefined {
  return segs.find((s) => s.from <= at && at < s.to);
}
