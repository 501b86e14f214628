// One interface's samples to 5-minute buckets: pairs consecutive samples (counters.ts), splits
// each increase over buckets (buckets.ts), and tallies what the counters did (wraps, resets,
// reboots, ambiguity) so the evaluation can state how far its figures can be trusted.
import { pairBuckets, addInto, type UsageBucket } from './buckets.js';
import { pairIncrease, type CounterPoint, type IncreaseKind } from './counters.js';

export interface SeriesFlags {
  pairs: number;
  wraps: number;
  resets: number;
  reboots: number;
  /** Counter width changes: pairs that counted nothing. */
  rebases: number;
  uptimeWraps: number;
  /** Pairs of 32-bit counters polled too slowly for their speed to tell a wrap from a reset. */
  ambiguous: number;
  /** The highest speed seen on ambiguous pairs, bit/s. */
  ambiguousSpeedBps?: number;
  /** Pairs further apart than the coverage gap: bytes kept, coverage not. */
  gaps: number;
}

export interface SeriesOptions {
  /** coverageMaxGapSeconds × 1000. */
  maxGapMs?: number;
  /** Only buckets overlapping [from, to) are returned (the lead's incremental recomputation). */
  from?: number;
  to?: number;
}

export function emptyFlags(): SeriesFlags {
  return { pairs: 0, wraps: 0, resets: 0, reboots: 0, rebases: 0, uptimeWraps: 0, ambiguous: 0, gaps: 0 };
}

function tally(flags: SeriesFlags, kind: IncreaseKind): void {
  if (kind === 'wrap') flags.wraps++;
  else if (kind === 'reset') flags.resets++;
  else if (kind === 'reboot') flags.reboots++;
  else if (kind === 'rebase') flags.rebases++;
}

/**
 * Buckets of one interface from its samples. Samples are sorted by time here; samples at an
 * already seen timestamp are ignored (the first one stays). The pairs that straddle `from`
 * or `to` contribute exactly their share, so pass the sample before `from` and the one after `to`.
 */
export function seriesBuckets(points: readonly CounterPoint[], opts: SeriesOptions = {}): { buckets: UsageBucket[]; flags: SeriesFlags } {
  const sorted = [...points].sort((a, b) => a.ts - b.ts);
  const acc = new Map<number, UsageBucket>();
  const flags = emptyFlags();
  for (let i = 1, prev = sorted[0]; i < sorted.length; i++) {
    const cur = sorted[i];
    if (cur.ts === prev.ts) continue;
    const inc = pairIncrease(prev, cur);
    const span = { t0: prev.ts, t1: cur.ts, inBytes: inc.inBytes, outBytes: inc.outBytes };
    prev = cur;
    const parts = [...pairBuckets(span, opts)];
    if (parts.length === 0) continue;
    flags.pairs++;
    if (inc.inKind === inc.outKind) tally(flags, inc.kind);
    else {
      tally(flags, inc.inKind);
      tally(flags, inc.outKind);
    }
    if (inc.uptimeWrapped) flags.uptimeWraps++;
    if (inc.ambiguous) {
      flags.ambiguous++;
      const s = cur.speedBps ?? 0;
      if (s > (flags.ambiguousSpeedBps ?? 0)) flags.ambiguousSpeedBps = s;
    }
    if (span.t1 - span.t0 > (opts.maxGapMs ?? Infinity)) flags.gaps++;
    for (const p of parts) addInto(acc, p);
  }
  // In time order already: pairs are visited in time order and pairBuckets yields in time order
  // (a bucket two pairs share was first added by the earlier one).
  return { buckets: [...acc.values()], flags };
}

/** Merges the flags of several ranges of one series. */
export function mergeFlags(a: SeriesFlags, b: SeriesFlags): SeriesFlags {
  const out = emptyFlags();
  for (const k of ['pairs', 'wraps', 'resets', 'reboots', 'rebases', 'uptimeWraps', 'ambiguous', 'gaps'] as const) out[k] = a[k] + b[k];
  const s = Math.max(a.ambiguousSpeedBps ?? 0, b.ambiguousSpeedBps ?? 0);
  if (s > 0) out.ambiguousSpeedBps = s;
  return out;
}

/** The data-quality notes of UplinkUsage.flags, one sentence each. */
export function describeFlags(flags: SeriesFlags, lang?: 'id' | 'en'): string[] {
  const out: string[] = [];
  const mbps = flags.ambiguousSpeedBps ? Math.round(flags.ambiguousSpeedBps / 1e6) : undefined;
  if (lang === 'en') {
    if (flags.ambiguous)
      out.push(`32-bit counters polled too slowly${mbps ? ` for ${mbps} Mbit/s` : ''}: wraps cannot be told from resets (${flags.ambiguous} intervals); volume may be undercounted`);
    if (flags.reboots) out.push(`device rebooted ${flags.reboots} time(s): counted from zero after each reboot`);
    if (flags.resets) out.push(`counters reset ${flags.resets} time(s): counted from zero after each reset`);
    if (flags.rebases) out.push(`counter width changed ${flags.rebases} time(s): those intervals count nothing`);
    if (flags.gaps) out.push(`${flags.gaps} gap(s) between samples: bytes kept, coverage reduced`);
  } else {
    if (flags.ambiguous)
      out.push(`penghitung 32-bit dibaca terlalu jarang${mbps ? ` untuk ${mbps} Mbit/s` : ''}: wrap tidak dapat dibedakan dari reset (${flags.ambiguous} interval); volume mungkin kurang terhitung`);
    if (flags.reboots) out.push(`perangkat dinyalakan ulang ${flags.reboots} kali: dihitung dari nol setelah setiap reboot`);
    if (flags.resets) out.push(`penghitung direset ${flags.resets} kali: dihitung dari nol setelah setiap reset`);
    if (flags.rebases) out.push(`lebar penghitung berubah ${flags.rebases} kali: interval tersebut tidak dihitung`);
    if (flags.gaps) out.push(`${flags.gaps} jeda antar sampel: byte tetap dihitung, cakupan berkurang`);
  }
  return out;
}
