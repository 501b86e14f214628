// A validated batch in the form that crosses from a parse worker to the main thread cheaply:
// interface samples (nearly all of a batch) as columns of typed arrays, transferred without a
// copy, with their (device, interface) names once each; the other samples (one or a few per
// device and cycle) stay objects. Counters stay exact (BigUint64Array).
import type { FieldSetAside, Sample, SampleRefusal } from '../../protocol/samples.js';
import type { ValidatedBatch } from './validate.js';
import { columnRecords, type IfaceColumns } from '../storage/staging.js';

export type { IfaceColumns };

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
  const c: Omit<IfaceColumns, 'records'> = {
    n, keys: [], key: new Uint32Array(n), ts: new Float64Array(n), inOctets: new BigUint64Array(n), outOctets: new BigUint64Array(n),
    uptime: new Float64Array(n), speed: new Float64Array(n), flags: new Uint8Array(n), index: new Uint32Array(n),
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
  return [...[c.key, c.ts, c.inOctets, c.outOctets, c.uptime, c.speed, c.flags, c.index].map((a) => a.buffer as ArrayBuffer), c.records];
}

/** The device and interface of a key. */
export function splitKey(key: string): [device: string, iface: string] {
  const at = key.indexOf('\u0000');
  return [key.slice(0, at), key.slice(at + 1)];
}
