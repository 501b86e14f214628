// SNMPv2c reads on the shared client (v2c.ts), decoded in place (ber.ts): sysUpTime.0 by Get,
// and a walk of several IF-MIB columns at once by GetBulk, what snmpbulkwalk does per column
// but with every unfinished column in each request. Only the values kept become JavaScript
// values: an interface name is decoded once and reused while its bytes stay the same.
import type { Limiter } from '../../concurrency.js';
import { BerError, ERROR_STATUS, TAG, indexAfter, nextVarbind, readUnsigned, readUnsignedBig, type Varbind } from './ber.js';
import { rowOf, SYS_UPTIME, type Column, type IfRows } from './columns.js';
import type { V2cClient, V2cResponse, V2cTarget } from './v2c.js';

/** The device answered with an error-status (RFC 3416). */
export class SnmpStatusError extends Error {}

/** ifIndex → the ifName last read. */
export type NameCache = Map<number, string>;

function checkStatus(t: V2cTarget, res: V2cResponse): void {
  const s = res.header.errorStatus;
  if (s !== 0) {
    throw new SnmpStatusError(`${t.address}:${t.port} refused the request: ${ERROR_STATUS[s] ?? `error-status ${s}`} (error-index ${res.header.errorIndex})`);
  }
}

/** sysUpTime.0 in hundredths of a second; undefined when the device has none. */
export async function getUptime(client: V2cClient, t: V2cTarget, limiter: Limiter): Promise<number | undefined> {
  const res = await limiter.run(() => client.request(t, TAG.getRequest, 0, 0, [{ prefix: SYS_UPTIME, index: -1 }]));
  checkStatus(t, res);
  const vb = newVarbind();
  if (!nextVarbind(res.reader, res.header.listEnd, vb)) throw new BerError('the answer to a Get of sysUpTime.0 has no varbind');
  return vb.type === TAG.timeTicks && vb.valueEnd - vb.valueStart <= 5 ? readUnsigned(res.reader.buf, vb.valueStart, vb.valueEnd) : undefined;
}

const newVarbind = (): Varbind => ({ oidStart: 0, oidEnd: 0, type: 0, valueStart: 0, valueEnd: 0 });

/**
 * Walks `columns` to their end into `rows`. `rowsPerRequest` rows of every unfinished column
 * are asked per request. Bounded: at most `maxRequests` requests; a column ends at an exception
 * (endOfMibView...), at the first OID outside it, or when it stops advancing.
 */
export async function walkV2c(
  client: V2cClient,
  t: V2cTarget,
  columns: readonly Column[],
  rows: IfRows,
  names: NameCache,
  limiter: Limiter,
  rowsPerRequest = 10,
  maxRequests = 500,
): Promise<void> {
  let cursors = columns.map((col) => ({ col, last: -1, ended: false, got: 0 }));
  const vb = newVarbind();
  for (let n = 0; cursors.length > 0 && n < maxRequests; n++) {
    const oids = cursors.map((c) => ({ prefix: c.col.prefix, index: c.last }));
    const res = await limiter.run(() => client.request(t, TAG.getBulkRequest, 0, rowsPerRequest, oids));
    checkStatus(t, res);
    const r = res.reader;
    const buf = r.buf;
    for (const c of cursors) c.got = 0;
    // Varbinds come row by row: the k-th belongs to the (k mod columns)-th cursor.
    for (let k = 0; nextVarbind(r, res.header.listEnd, vb); k++) {
      const c = cursors[k % cursors.length];
      if (c.ended) continue;
      const index = vb.type >= TAG.noSuchObject ? -1 : indexAfter(buf, vb.oidStart, vb.oidEnd, c.col.prefix);
      if (index <= c.last) {
        c.ended = true;
        continue;
      }
      store(rowOf(rows, index) as Record<string, unknown>, c.col, buf, vb, names, index);
      c.last = index;
      c.got++;
    }
    cursors = cursors.filter((c) => !c.ended && c.got > 0);
  }
}

function store(row: Record<string, unknown>, col: Column, buf: Buffer, vb: Varbind, names: NameCache, index: number): void {
  const { type, valueStart: s, valueEnd: e } = vb;
  const len = e - s;
  switch (col.kind) {
    case 'name':
      if (type === TAG.octetString) row[col.field] = nameOf(names, index, buf, s, e);
      return;
    case 'counter':
      if (type === TAG.counter64 || type === TAG.counter32 || type === TAG.gauge32 || type === TAG.timeTicks) {
        if (len < 1 || len > (type === TAG.counter64 ? 9 : 5)) throw new BerError(`${col.oid}.${index}: counter of ${len} bytes`);
        row[col.field] = readUnsignedBig(buf, s, e);
      } else if (type === TAG.integer && len >= 1 && len <= 4 && buf.readIntBE(s, len) >= 0) {
        row[col.field] = BigInt(buf.readIntBE(s, len));
      }
      return;
    case 'number':
      if (type === TAG.integer && len >= 1 && len <= 4) row[col.field] = buf.readIntBE(s, len);
      else if ((type === TAG.gauge32 || type === TAG.counter32 || type === TAG.timeTicks) && len >= 1 && len <= 5) row[col.field] = readUnsigned(buf, s, e);
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
