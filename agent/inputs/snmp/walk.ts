// The SNMPv3 path, through net-snmp (which does the USM security): walks several table
// columns at once with GetBulk (what snmpbulkwalk does per column, but one request covers
// every column). Each request goes through the shared limiter, so the number of requests in
// flight across devices stays bounded. v2c devices take the leaner bulk.ts path.
import snmp, { type Session, type Varbind } from 'net-snmp';
import type { Limiter } from '../../concurrency.js';
import { rowOf, type Column, type IfRows } from './columns.js';

/** column OID → (row index → value). */
export type Columns = Map<string, Map<string, unknown>>;

export function snmpGet(session: Session, oids: string[], limiter: Limiter): Promise<Varbind[]> {
  return limiter.run(
    () => new Promise<Varbind[]>((resolve, reject) => session.get(oids, (e, vbs) => (e ? reject(e) : resolve(vbs)))),
  );
}

function getBulk(session: Session, oids: string[], maxRep: number, limiter: Limiter): Promise<Varbind[][]> {
  return limiter.run(
    () =>
      new Promise<Varbind[][]>((resolve, reject) =>
        session.getBulk(oids, 0, maxRep, (e, vbs) =>
          e ? reject(e) : resolve(vbs.map((g) => (Array.isArray(g) ? g : [g]))),
        ),
      ),
  );
}

/**
 * Walks `columns` (column OIDs such as 1.3.6.1.2.1.31.1.1.1.6) to their end.
 * `rowsPerRequest` rows of every unfinished column are asked per request. Bounded: at most
 * `maxRequests` requests, and a column that stops advancing is ended.
 */
export async function walkColumns(
  session: Session,
  columns: string[],
  limiter: Limiter,
  rowsPerRequest = 10,
  maxRequests = 500,
): Promise<Columns> {
  const out: Columns = new Map(columns.map((c) => [c, new Map()]));
  let cursors = columns.map((col) => ({ col, next: col }));
  for (let n = 0; cursors.length > 0 && n < maxRequests; n++) {
    const groups = await getBulk(session, cursors.map((c) => c.next), rowsPerRequest, limiter);
    const still: typeof cursors = [];
    cursors.forEach((c, i) => {
      const group = groups[i] ?? [];
      let ended = group.length === 0;
      for (const vb of group) {
        if (snmp.isVarbindError(vb) || !vb.oid.startsWith(c.col + '.') || vb.oid === c.next) {
          ended = true;
          break;
        }
        out.get(c.col)!.set(vb.oid.slice(c.col.length + 1), vb.value);
        c.next = vb.oid;
      }
      if (!ended) still.push(c);
    });
    cursors = still;
  }
  return out;
}

/** Counter64 arrives as a Buffer of 1-9 big-endian bytes; Counter32 as a number. */
export function toBigInt(v: unknown): bigint | undefined {
  if (Buffer.isBuffer(v)) return v.length === 0 ? 0n : BigInt('0x' + v.toString('hex'));
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  if (typeof v === 'bigint') return v;
  return undefined;
}

/** walkColumns() into rows, with each column's values converted as bulk.ts does for v2c. */
export async function walkIntoRows(session: Session, columns: readonly Column[], rows: IfRows, limiter: Limiter, rowsPerRequest?: number): Promise<void> {
  const got = await walkColumns(session, columns.map((c) => c.oid), limiter, rowsPerRequest);
  for (const col of columns) {
    for (const [idx, v] of got.get(col.oid)!) {
      const index = Number(idx);
      if (!Number.isInteger(index) || index < 0) continue; // not an ifIndex row
      const row = rowOf(rows, index) as Record<string, unknown>;
      if (col.kind === 'name') {
        if (Buffer.isBuffer(v)) row[col.field] = v.toString('utf8');
      } else if (col.kind === 'counter') {
        const b = toBigInt(v);
        if (b !== undefined && b >= 0n) row[col.field] = b;
      } else if (typeof v === 'number') row[col.field] = v;
    }
  }
}
