// The check of a `.zip`: its End of Central Directory (ZIP64 too), then every central directory
// record against the file: the count, the signatures, and each entry's local header and data
// lying before the central directory. Entry data is not decompressed. It reads the tail, the
// central directory and each local header (30 bytes) through `read`, which the caller bounds.

/** Reads `len` bytes at `pos` (fewer at the end of the file). */
export type ReadAt = (pos: number, len: number) => Promise<Buffer>;

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const LOCATOR64 = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_LEN = 22;
const MAX_COMMENT = 0xffff;
/** The central directory is parsed in pieces of this size. */
const PIECE = 1 << 20;

const u64 = (b: Buffer, at: number): number => Number(b.readBigUInt64LE(at));

/** The fault, or undefined when the archive's structure holds together. */
export async function checkZip(size: number, read: ReadAt): Promise<string | undefined> {
  if (size < EOCD_LEN) return `zip: ${size} bytes is too small for an End of Central Directory record (truncated or not a zip)`;
  const tailLen = Math.min(size, EOCD_LEN + MAX_COMMENT);
  const tail = await read(size - tailLen, tailLen);
  // The record whose comment ends exactly at the end of the file, searched from the end.
  let at = -1;
  for (let k = tail.length - EOCD_LEN; k >= 0; k--) {
    if (tail.readUInt32LE(k) === EOCD && k + EOCD_LEN + tail.readUInt16LE(k + 20) === tail.length) {
      at = k;
      break;
    }
  }
  if (at < 0) return 'zip: no End of Central Directory record at the end of the file (truncated or not a zip)';
  const eocdPos = size - tailLen + at;
  const e = tail.subarray(at, at + EOCD_LEN);
  if (e.readUInt16LE(4) !== 0 || e.readUInt16LE(6) !== 0) return 'zip: a part of a multi-volume (spanned) archive; only whole archives can be checked';
  let total = e.readUInt16LE(10);
  let cdSize = e.readUInt32LE(12);
  let cdOffset = e.readUInt32LE(16);
  let cdEnd = eocdPos;
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    if (eocdPos < 20) return 'zip: ZIP64 values without a ZIP64 locator (corrupt)';
    const loc = await read(eocdPos - 20, 20);
    if (loc.readUInt32LE(0) !== LOCATOR64) return 'zip: ZIP64 values without a ZIP64 locator (corrupt)';
    const at64 = u64(loc, 8);
    if (at64 + 56 > eocdPos - 20) return `zip: ZIP64 End of Central Directory offset ${at64} lies outside the file (corrupt)`;
    const z = await read(at64, 56);
    if (z.readUInt32LE(0) !== EOCD64) return `zip: no ZIP64 End of Central Directory record at byte ${at64} (corrupt)`;
    total = u64(z, 32);
    cdSize = u64(z, 40);
    cdOffset = u64(z, 48);
    cdEnd = at64;
  }
  if (cdOffset + cdSize !== cdEnd)
    return `zip: the central directory (${cdSize} bytes at byte ${cdOffset}) does not end where the End of Central Directory begins (byte ${cdEnd}): truncated or corrupt`;

  let count = 0;
  let pos = cdOffset;
  let buf: Buffer = Buffer.alloc(0);
  const need = async (n: number): Promise<boolean> => {
    while (buf.length < n) {
      const left = cdEnd - pos;
      if (left <= 0) return false;
      const piece = await read(pos, Math.min(PIECE, left));
      if (piece.length === 0) return false;
      pos += piece.length;
      buf = buf.length ? Buffer.concat([buf, piece]) : piece;
    }
    return true;
  };
  for (;;) {
    if (!(await need(4))) break;
    if (buf.readUInt32LE(0) !== CENTRAL) return `zip: central directory record ${count + 1} at byte ${pos - buf.length} has no signature (corrupt)`;
    if (!(await need(46))) return `zip: central directory record ${count + 1} is cut short (corrupt)`;
    const nameLen = buf.readUInt16LE(28);
    const recLen = 46 + nameLen + buf.readUInt16LE(30) + buf.readUInt16LE(32);
    if (!(await need(recLen))) return `zip: central directory record ${count + 1} is cut short (corrupt)`;
    const rec = buf.subarray(0, recLen);
    buf = buf.subarray(recLen);
    count++;
    const name = rec.subarray(46, 46 + nameLen).toString('utf8');
    let comp = rec.readUInt32LE(20);
    let local = rec.readUInt32LE(42);
    if (comp === 0xffffffff || local === 0xffffffff || rec.readUInt32LE(24) === 0xffffffff) {
      const z = zip64Extra(rec.subarray(46 + nameLen, 46 + nameLen + rec.readUInt16LE(30)), rec);
      if (!z) return `zip: entry ${show(name)} has ZIP64 sizes but no ZIP64 extra field (corrupt)`;
      comp = z.comp ?? comp;
      local = z.local ?? local;
    }
    if (local + 30 > cdOffset) return `zip: entry ${show(name)} has its local header at byte ${local}, past the data (corrupt)`;
    const lh = await read(local, 30);
    if (lh.length < 30 || lh.readUInt32LE(0) !== LOCAL) return `zip: entry ${show(name)} has no local header at byte ${local} (corrupt)`;
    if (lh.readUInt16LE(26) !== nameLen) return `zip: entry ${show(name)}: its local header does not match the central directory (corrupt)`;
    const dataEnd = local + 30 + nameLen + lh.readUInt16LE(28) + comp;
    if (dataEnd > cdOffset) return `zip: entry ${show(name)} (${comp} bytes) runs past the start of the central directory at byte ${cdOffset} (corrupt)`;
  }
  if (count !== total) return `zip: the central directory holds ${count} entries, the End of Central Directory says ${total} (corrupt)`;
  return undefined;
}

/** The ZIP64 extra field (id 1): only the values whose 32-bit field is 0xFFFFFFFF, in this order. */
function zip64Extra(extra: Buffer, rec: Buffer): { comp?: number; local?: number } | undefined {
  for (let k = 0; k + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(k);
    const len = extra.readUInt16LE(k + 2);
    if (id === 1) {
      let p = k + 4;
      const end = p + len;
      const out: { comp?: number; local?: number } = {};
      const next = (): number | undefined => (p + 8 <= end && p + 8 <= extra.length ? ((p += 8), u64(extra, p - 8)) : undefined);
      if (rec.readUInt32LE(24) === 0xffffffff) next();
      if (rec.readUInt32LE(20) === 0xffffffff) out.comp = next();
      if (rec.readUInt32LE(42) === 0xffffffff) out.local = next();
      return out;
    }
    k += 4 + len;
  }
  return undefined;
}

function show(name: string): string {
  return JSON.stringify(name.length > 120 ? name.slice(0, 117) + '...' : name);
}
