// SNMP reads on the shared client (v2c.ts or v3.ts), decoded in place (ber.ts): sysUpTime.0 by Get,
// and a walk of several IF-MIB columns at once by GetBulk, what snmpbulkwalk does per column
// but with every unfinished column in each request. Only the values kept become JavaScript
// values: an interface name is decoded once and reused while its bytes stay the same.
import type { Limiter } from '../../concurrency.js';
import { BerError, ERROR_STATUS, TAG, indexAfter, nextVarbind, readInteger, readUnsigned, readUnsignedBig, significant, type Varbind } from './ber.js';
import { rowOf, SYS_UPTIME, type Column, type IfRows } from './columns.js';
import type { Requester, V2cResponse } from './v2c.js';

/** The device answered with an error-status (RFC 3416). */
export class SnmpStatusError extends Error {}

/** ifIndex → the ifName last read. */
export type NameCache = Map<number, string>;

function checkStatus(where: string, res: V2cResponse): void {
  const s = res.header.errorStatus;
  if (s !== 0) {
    throw new SnmpStatusError(`${where} refused the request: ${ERROR_STATUS[s] ?? `error-status ${s}`} (error-index ${res.header.errorIndex})`);
  }
}

/** sysUpTime.0 in hundredths of a second; undefined when the device has none. */
export async function getUptime(send: Requester, where: string, limiter: Limiter): Promise<number | undefined> {
  const res = await limiter.run(() => send(TAG.getRequest, 0, 0, [{ prefix: SYS_UPTIME, index: -1 }]));
  checkStatus(where, res);
  const vb = newVarbind();
  if (!nextVarbind(res.reader, res.header.listEnd, vb)) throw new BerError('the answer to a Get of sysUpTime.0 has no varbind');
  const from = vb.type === TAG.timeTicks ? significant(res.reader.buf, vb.valueStart, vb.valueEnd, 4) : undefined;
  return from === undefined ? undefined : readUnsigned(res.reader.buf, from, vb.valueEnd);
}

const newVarbind = (): Varbind => ({ oidStart: 0, oidEnd: 0, type: 0, valueStart: 0, valueEnd: 0 });

/**
 * Walks `columns` to their end into `rows`. `rowsPerRequest` rows of every unfinished column
 * are asked per request (halved after a tooBig answer). A column ends at an exception
 * (endOfMibView...), at the first OID outside it, or at a row it already has (an agent that
 * stops advancing); a column an answer was cut short before (RFC 3416 §4.2.3) goes on in the
 * next request. Bounded: at most `maxRequests` requests. Returns false when that bound cut
 * the walk short.
 */
export async function walkColumns(
  send: Requester,
  where: string,
  columns: readonly Column[],
  rows: IfRows,
  names: NameCache,
  limiter: Limiter,
  rowsPerRequest = 10,
  maxRequests = 500,
): Promise<boolean> {
  let cursors = columns.map((col) => ({ col, last: -1, ended: false }));
  const vb = newVarbind();
  let maxRep = rowsPerRequest;
  for (let n = 0; cursors.length > 0; n++) {
    if (n >= maxRequests) return false;
    const oids = cursors.map((c) => ({ prefix: c.col.prefix, index: c.last }));
    const res = await limiter.run(() => send(TAG.getBulkRequest, 0, maxRep, oids));
    if (res.header.errorStatus === TOO_BIG && maxRep > 1) {
      maxRep = Math.ceil(maxRep / 2); // the same request again, asking fewer rows
      continue;
    }
    checkStatus(where, res);
    const r = res.reader;
    const buf = r.buf;
    // Varbinds come row by row: the k-th belongs to the (k mod columns)-th cursor.
    let k = 0;
    for (; nextVarbind(r, res.header.listEnd, vb); k++) {
      const c = cursors[k % cursors.length];
      if (c.ended) continue;
      const index = vb.type >= TAG.noSuchObject ? -1 : indexAfter(buf, vb.oidStart, vb.oidEnd, c.col.prefix);
      if (index < 0 || index === c.last || rows.get(index)?.[c.col.field] !== undefined) {
        c.ended = true;
        continue;
      }
      store(rowOf(rows, index) as Record<string, unknown>, c.col, buf, vb, names, index);
      c.last = index;
    }
    if (k === 0) break; // an empty answer: nothing more to read
    cursors = cursors.filter((c) => !c.ended);
  }
  return true;
}

const TOO_BIG = 1;

function store(row: Record<string, unknown>, col: Column, buf: Buffer, vb: Varbind, names: NameCache, index: number): void {
  const { type, valueStart: s, valueEnd: e } = vb;
  switch (col.kind) {
    case 'name':
      if (type === TAG.octetString) row[col.field] = nameOf(names, index, buf, s, e);
      return;
    case 'text':
      if (type === TAG.octetString) row[col.field] = buf.toString('utf8', s, e);
      return;
    case 'counter': {
      if (type === TAG.counter64 || type === TAG.counter32 || type === TAG.gauge32 || type === TAG.timeTicks) {
        const bytes = type === TAG.counter64 ? 8 : 4;
        const from = significant(buf, s, e, bytes);
        if (from === undefined) throw new BerError(`${col.oid}.${index}: a ${bytes * 8}-bit counter of ${e - s} bytes (value too wide)`);
        row[col.field] = readUnsignedBig(buf, from, e);
      } else if (type === TAG.integer) {
        const v = readInteger(buf, s, e);
        if (v !== undefined && v >= 0) row[col.field] = BigInt(v);
      }
      return;
    }
    case 'number':
      if (type === TAG.integer) {
        const v = readInteger(buf, s, e);
        if (v !== undefined) row[col.field] = v;
      } else if (type === TAG.gauge32 || type === TAG.counter32 || type === TAG.timeTicks) {
        const from = significant(buf, s, e, 4);
        if (from !== undefined) row[col.field] = readUnsigned(buf, from, e);
      }
      return;
  }
}

/** The interface name in [s, e): the cached string while the bytes are the same ASCII, else decoded anew. */
function nameOf(names: NameCache, index: number, buf: Buffer, s: number, e: number): string {
  const cached = names.get(index);
  if (cached !== undefined && cached.length === e - s) {
    let same = true;
    for (let i = 0; same && i < cached.length; i++) same = cached.charCodeAt(i) === buf[s + i] && buf[s + i] < 0x80;
    if (same) return cached;
  }
  const name = buf.toString('utf8', s, e);
  names.set(index, name);
  return name;
}
