// A validated batch in the form that crosses from a parse worker to the main thread cheaply:
// interface samples (nearly all of a batch) as columns of typed arrays, transferred without a
// copy, with their (device, interface) names once each; the other samples (one or a few per
// device and cycle) stay objects. Counters stay exact (BigUint64Array).
import type { FieldSetAside, Sample, SampleRefusal } from '../../protocol/samples.js';
import type { ValidatedBatch } from './validate.js';
import { columnRecords, type IfaceColumns } from '../storage/staging.js';

export type { IfaceColumns };
export { splitKey } from '../storage/staged-records.js';

export interface PackedBatch {
  agent: string;
  batch: string;
  refused: SampleRefusal[];
  setAside: FieldSetAside[];
  iface: IfaceColumns;
  /** The samples of other types, with their index in the body. */
  others: Sample[];
  otherIndex: number[];
}

export function pack(v: ValidatedBatch): PackedBatch {
  let n = 0;
  for (const s of v.samples) if (s.type === 'iface') n++;
  // Every column a view of one buffer (8-byte columns first, then 4-byte, then bytes): one
  // buffer to move to the main thread instead of eight.
  const buf = new ArrayBuffer(n * (8 * 5 + 4 * 2 + 1));
  let at = 0;
  const take = <T,>(make: (b: ArrayBuffer, offset: number, length: number) => T, width: number): T => {
    const v = make(buf, at, n);
    at += width * n;
    return v;
  };
  const c: Omit<IfaceColumns, 'records'> = {
    n,
    keys: [],
    ts: take((b, o, l) => new Float64Array(b, o, l), 8),
    inOctets: take((b, o, l) => new BigUint64Array(b, o, l), 8),
    outOctets: take((b, o, l) => new BigUint64Array(b, o, l), 8),
    uptime: take((b, o, l) => new Float64Array(b, o, l), 8),
    speed: take((b, o, l) => new Float64Array(b, o, l), 8),
    key: take((b, o, l) => new Uint32Array(b, o, l), 4),
    index: take((b, o, l) => new Uint32Array(b, o, l), 4),
    flags: take((b, o, l) => new Uint8Array(b, o, l), 1),
  };
  const keyOf = new Map<string, number>();
  const others: Sample[] = [];
  const otherIndex: number[] = [];
  let k = 0;
  v.samples.forEach((s, i) => {
    if (s.type !== 'iface') {
      others.push(s);
      otherIndex.push(v.indices[i]);
      return;
    }
    const name = `${s.device}\u0000${s.interface}`;
    let j = keyOf.get(name);
    if (j === undefined) keyOf.set(name, (j = c.keys.push(name) - 1));
    c.key[k] = j;
    c.ts[k] = s.ts;
    c.inOctets[k] = s.inOctets;
    c.outOctets[k] = s.outOctets;
    c.uptime[k] = s.uptime ?? NaN;
    c.speed[k] = s.speedBps ?? NaN;
    c.flags[k] = (s.bits === 32 ? 1 : 0) | (s.operUp === undefined ? 0 : 2 | (s.operUp ? 4 : 0));
    c.index[k] = v.indices[i];
    k++;
  });
  return { agent: v.agent, batch: v.batch, refused: v.refused, setAside: v.setAside, iface: { ...c, keyList: JSON.stringify(c.keys), records: columnRecords(c) }, others, otherIndex };
}

/** The buffers postMessage can move instead of copying. */
export function transferables(p: PackedBatch): ArrayBuffer[] {
  const c = p.iface;
  return [...new Set([c.key, c.ts, c.inOctets, c.outOctets, c.uptime, c.speed, c.flags, c.index].map((a) => a.buffer as ArrayBuffer)), c.records];
}
