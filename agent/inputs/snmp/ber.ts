// The few BER (X.690) pieces an SNMPv2c Get/GetBulk exchange needs (RFC 3416), written so a
// response is read in place: a varbind is handed to the caller as offsets into the datagram,
// and only the values the caller keeps become JavaScript values. A general BER library makes
// an object, an OID string and a Buffer per varbind: for a fleet of 1,000 routers that was
// about 200 MB of garbage per cycle, most of the agent's memory (docs/BENCHMARKS.md).

export const TAG = {
  integer: 0x02,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  sequence: 0x30,
  ipAddress: 0x40,
  counter32: 0x41,
  gauge32: 0x42,
  timeTicks: 0x43,
  opaque: 0x44,
  counter64: 0x46,
  noSuchObject: 0x80,
  noSuchInstance: 0x81,
  endOfMibView: 0x82,
  getRequest: 0xa0,
  getResponse: 0xa2,
  getBulkRequest: 0xa5,
} as const;

/** RFC 3416 error-status names, for messages. */
export const ERROR_STATUS = [
  'noError', 'tooBig', 'noSuchName', 'badValue', 'readOnly', 'genErr', 'noAccess', 'wrongType',
  'wrongLength', 'wrongEncoding', 'wrongValue', 'noCreation', 'inconsistentValue',
  'resourceUnavailable', 'commitFailed', 'undoFailed', 'authorizationError', 'notWritable',
  'inconsistentName',
];

export class BerError extends Error {}

/** The content octets of an OID (no tag, no length): "1.3.6.1.2.1.1.3.0" → 2b 06 01 02 01 01 03 00. */
export function encodeOid(oid: string): Buffer {
  const arcs = oid.split('.').map((a) => {
    const n = Number(a);
    if (a === '' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new BerError(`invalid OID ${JSON.stringify(oid)}: arc ${JSON.stringify(a)}`);
    return n;
  });
  if (arcs.length < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) throw new BerError(`invalid OID ${JSON.stringify(oid)}`);
  const out: number[] = [];
  const sub = (v: number) => {
    const tmp = [v % 128];
    for (v = Math.floor(v / 128); v > 0; v = Math.floor(v / 128)) tmp.unshift((v % 128) | 0x80);
    out.push(...tmp);
  };
  sub(arcs[0] * 40 + arcs[1]);
  for (const a of arcs.slice(2)) sub(a);
  return Buffer.from(out);
}

/** The dotted text of the OID content [start, end) (for messages). */
export function oidText(b: Buffer, start: number, end: number): string {
  const arcs: number[] = [];
  let v = 0;
  for (let i = start; i < end; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if ((b[i] & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = Math.min(2, Math.floor(v / 40));
        arcs.push(first, v - first * 40);
      } else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

/** Bytes of one sub-identifier in base 128. */
function subidLength(v: number): number {
  let n = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeSubid(buf: Buffer, pos: number, v: number): number {
  const n = subidLength(v);
  for (let i = n - 1; i >= 0; i--) {
    buf[pos + i] = (v % 128) | (i === n - 1 ? 0 : 0x80);
    v = Math.floor(v / 128);
  }
  return pos + n;
}

const lengthLength = (len: number) => (len < 0x80 ? 1 : len < 0x100 ? 2 : len < 0x10000 ? 3 : 4);

function writeLength(buf: Buffer, pos: number, len: number): number {
  if (len < 0x80) buf[pos++] = len;
  else if (len < 0x100) {
    buf[pos++] = 0x81;
    buf[pos++] = len;
  } else if (len < 0x10000) {
    buf[pos++] = 0x82;
    buf.writeUInt16BE(len, pos);
    pos += 2;
  } else {
    buf[pos++] = 0x83;
    buf.writeUIntBE(len, pos, 3);
    pos += 3;
  }
  return pos;
}

/** Content length of a non-negative INTEGER below 2^31 (two's complement, minimal). */
const intLength = (v: number) => (v < 0x80 ? 1 : v < 0x8000 ? 2 : v < 0x800000 ? 3 : 4);

function writeInt(buf: Buffer, pos: number, v: number): number {
  const n = intLength(v);
  buf[pos++] = TAG.integer;
  buf[pos++] = n;
  buf.writeUIntBE(v, pos, n);
  return pos + n;
}

/** A varbind's name for a request: a fixed OID prefix, optionally followed by one sub-identifier. */
export interface RequestOid {
  prefix: Buffer;
  /** Appended as the last arc; -1 for none (the prefix is the whole OID). */
  index: number;
}

interface PduLayout {
  oidLen: number[];
  vbLen: number[];
  vbsContent: number;
  content: number;
}

function layoutPdu(requestId: number, a: number, b: number, oids: readonly RequestOid[]): PduLayout {
  if (!Number.isInteger(requestId) || requestId < 0 || requestId > 0x7fffffff) throw new BerError(`request-id out of range: ${requestId}`);
  const oidLen = oids.map((o) => o.prefix.length + (o.index < 0 ? 0 : subidLength(o.index)));
  const vbLen = oidLen.map((l) => 1 + lengthLength(l) + l + 2);
  const vbsContent = vbLen.reduce((s, l) => s + 1 + lengthLength(l) + l, 0);
  const content = 2 + intLength(requestId) + 2 + intLength(a) + 2 + intLength(b) + 1 + lengthLength(vbsContent) + vbsContent;
  return { oidLen, vbLen, vbsContent, content };
}

function writePdu(buf: Buffer, p: number, pdu: number, l: PduLayout, requestId: number, a: number, b: number, oids: readonly RequestOid[]): number {
  buf[p++] = pdu;
  p = writeLength(buf, p, l.content);
  p = writeInt(buf, p, requestId);
  p = writeInt(buf, p, a);
  p = writeInt(buf, p, b);
  buf[p++] = TAG.sequence;
  p = writeLength(buf, p, l.vbsContent);
  oids.forEach((o, i) => {
    buf[p++] = TAG.sequence;
    p = writeLength(buf, p, l.vbLen[i]);
    buf[p++] = TAG.oid;
    p = writeLength(buf, p, l.oidLen[i]);
    p += o.prefix.copy(buf, p);
    if (o.index >= 0) p = writeSubid(buf, p, o.index);
    buf[p++] = TAG.null;
    buf[p++] = 0;
  });
  return p;
}

/**
 * An SNMPv2c GetRequest (pdu = getRequest: a and b are 0) or GetBulkRequest
 * (a = non-repeaters, b = max-repetitions), every varbind's value NULL.
 */
export function encodeRequest(pdu: number, community: Buffer, requestId: number, a: number, b: number, oids: readonly RequestOid[]): Buffer {
  const l = layoutPdu(requestId, a, b, oids);
  const msgContent = 3 + 1 + lengthLength(community.length) + community.length + 1 + lengthLength(l.content) + l.content;
  const buf = Buffer.allocUnsafe(1 + lengthLength(msgContent) + msgContent);
  let p = 0;
  buf[p++] = TAG.sequence;
  p = writeLength(buf, p, msgContent);
  p = writeInt(buf, p, 1); // version: 1 = SNMPv2c
  buf[p++] = TAG.octetString;
  p = writeLength(buf, p, community.length);
  p += community.copy(buf, p);
  p = writePdu(buf, p, pdu, l, requestId, a, b, oids);
  if (p !== buf.length) throw new BerError(`request encoding error: wrote ${p} of ${buf.length} bytes`);
  return buf;
}

/** The PDU alone (for an SNMPv3 scoped PDU): as in encodeRequest. */
export function encodePdu(pdu: number, requestId: number, a: number, b: number, oids: readonly RequestOid[]): Buffer {
  const l = layoutPdu(requestId, a, b, oids);
  const buf = Buffer.allocUnsafe(1 + lengthLength(l.content) + l.content);
  if (writePdu(buf, 0, pdu, l, requestId, a, b, oids) !== buf.length) throw new BerError('PDU encoding error');
  return buf;
}

/** A TLV of `tag` around `parts` (the SNMPv3 envelope; few per request, so built by concatenation). */
export function tlv(tag: number, ...parts: Buffer[]): Buffer {
  const len = parts.reduce((n, b) => n + b.length, 0);
  const head = Buffer.allocUnsafe(1 + lengthLength(len));
  head[0] = tag;
  writeLength(head, 1, len);
  return Buffer.concat([head, ...parts]);
}

/** An INTEGER TLV of a value in [0, 2^31). */
export function encodeInt(v: number): Buffer {
  if (!Number.isInteger(v) || v < 0 || v > 0x7fffffff) throw new BerError(`INTEGER out of range: ${v}`);
  const buf = Buffer.allocUnsafe(2 + intLength(v));
  writeInt(buf, 0, v);
  return buf;
}

/** Bytes a TLV header takes for `len` content bytes. */
export const headerLength = (len: number): number => 1 + lengthLength(len);

// ---- Reading ----------------------------------------------------------------------------

/** A reader over one datagram. header() leaves the content's bounds in `start`/`end`. */
export class BerReader {
  pos = 0;
  start = 0;
  end = 0;
  tag = 0;
  constructor(readonly buf: Buffer, readonly limit = buf.length) {}

  /** Reads a tag and length at `pos`; the content is [start, end); pos moves past it. */
  header(expect?: number, what?: string): number {
    const b = this.buf;
    if (this.pos + 2 > this.limit) throw new BerError(`truncated at byte ${this.pos}${what ? ` (${what})` : ''}`);
    const tag = b[this.pos++];
    if (expect !== undefined && tag !== expect) {
      throw new BerError(`expected tag 0x${expect.toString(16)}${what ? ` (${what})` : ''} at byte ${this.pos - 1}, found 0x${tag.toString(16)}`);
    }
    let len = b[this.pos++];
    if (len & 0x80) {
      // Long form; any number of length bytes (RFC 3417 §8 allows padding), the value bounded
      // by the datagram. 0x80 alone (indefinite length) is not allowed in SNMP.
      const n = len & 0x7f;
      if (n === 0 || this.pos + n > this.limit) throw new BerError(`unsupported length encoding at byte ${this.pos - 1}`);
      len = 0;
      for (let i = 0; i < n; i++) {
        len = len * 256 + b[this.pos++];
        if (len > this.limit) throw new BerError(`length at byte ${this.pos - i - 2} runs past the end (${this.limit})`);
      }
    }
    this.start = this.pos;
    this.end = this.pos + len;
    if (this.end > this.limit) throw new BerError(`length ${len} at byte ${this.start} runs past the end (${this.limit})`);
    this.pos = this.end;
    this.tag = tag;
    return tag;
  }

  /** Enters the constructed value just read: pos moves to its first content byte. */
  enter(): void {
    this.pos = this.start;
  }

  /** A signed INTEGER (up to 32 bits) read by header(TAG.integer). */
  int(what: string): number {
    this.header(TAG.integer, what);
    return readSigned(this.buf, this.start, this.end, what);
  }
}

/** A signed 32-bit INTEGER; padding bytes (a leading 00 or FF that only repeats the sign) are allowed. */
function readSigned(b: Buffer, start: number, end: number, what: string): number {
  if (end <= start) throw new BerError(`${what}: INTEGER of 0 bytes`);
  while (end - start > 4 && (b[start] === 0x00 || b[start] === 0xff) && (b[start + 1] & 0x80) === (b[start] & 0x80)) start++;
  const n = end - start;
  if (n > 4) throw new BerError(`${what}: INTEGER of ${n} bytes does not fit 32 bits`);
  return b.readIntBE(start, n);
}

/** A signed 32-bit INTEGER value, or undefined when it is malformed or wider. */
export function readInteger(b: Buffer, start: number, end: number): number | undefined {
  try {
    return readSigned(b, start, end, 'INTEGER');
  } catch {
    return undefined;
  }
}

/**
 * The unsigned value [start, end) of at most `maxBytes` significant bytes: leading zero bytes
 * are skipped (padding), no bytes reads as 0. Undefined when the value is wider.
 */
export function significant(b: Buffer, start: number, end: number, maxBytes: number): number | undefined {
  while (start < end && b[start] === 0) start++;
  return end - start <= maxBytes ? start : undefined;
}

/** An unsigned integer content of at most 53 bits (Counter32, Gauge32, TimeTicks, a non-negative INTEGER); 0 for no bytes. */
export function readUnsigned(b: Buffer, start: number, end: number): number {
  let v = 0;
  for (let i = start; i < end; i++) v = v * 256 + b[i];
  return v;
}

/** An unsigned integer content of up to 9 bytes (Counter64), exact. */
export function readUnsignedBig(b: Buffer, start: number, end: number): bigint {
  while (end - start > 8 && b[start] === 0) start++;
  const n = end - start;
  if (n > 9) throw new BerError(`unsigned value of ${n} bytes`);
  if (n <= 6) return BigInt(readUnsigned(b, start, end));
  const hi = readUnsigned(b, start, end - 4);
  return (BigInt(hi) << 32n) + BigInt(b.readUInt32BE(end - 4));
}

/**
 * The single sub-identifier after `prefix` in the OID content [start, end), or -1 when the OID
 * does not start with `prefix` or has not exactly one more arc.
 */
export function indexAfter(b: Buffer, start: number, end: number, prefix: Buffer): number {
  const pl = prefix.length;
  if (end - start <= pl || b.compare(prefix, 0, pl, start, start + pl) !== 0) return -1;
  let v = 0;
  for (let i = start + pl; i < end; i++) {
    const x = b[i];
    v = v * 128 + (x & 0x7f);
    if ((x & 0x80) === 0) return i === end - 1 && v <= 0xffffffff ? v : -1;
  }
  return -1;
}

export interface ResponseHeader {
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  /** End of the varbind list's content in the datagram. */
  listEnd: number;
  /** Where the community string lies in the datagram. */
  communityStart: number;
  communityEnd: number;
}

/**
 * Reads an SNMPv2c GetResponse up to its varbind list. Returns the header and leaves `r` on the
 * varbind list's content (read varbinds with nextVarbind), or throws BerError.
 */
export function readResponse(r: BerReader): ResponseHeader {
  r.header(TAG.sequence, 'message');
  r.enter();
  const version = r.int('version');
  if (version !== 1) throw new BerError(`not an SNMPv2c message (version ${version})`);
  r.header(TAG.octetString, 'community');
  const communityStart = r.start;
  const communityEnd = r.end;
  r.header(TAG.getResponse, 'GetResponse-PDU');
  return { ...readPduFields(r), communityStart, communityEnd };
}

/** Enters the PDU just read by header(): request-id, error-status, error-index; `r` left on the first varbind. */
export function readPduFields(r: BerReader): Pick<ResponseHeader, 'requestId' | 'errorStatus' | 'errorIndex' | 'listEnd'> {
  r.enter();
  const requestId = r.int('request-id');
  const errorStatus = r.int('error-status');
  const errorIndex = r.int('error-index');
  r.header(TAG.sequence, 'varbind list');
  const listEnd = r.end;
  r.enter();
  return { requestId, errorStatus, errorIndex, listEnd };
}

/** Where one varbind's parts lie in the datagram. */
export interface Varbind {
  oidStart: number;
  oidEnd: number;
  type: number;
  valueStart: number;
  valueEnd: number;
}

/** Reads the next varbind into `vb` (reused); false at the end of the list of `listEnd`. */
export function nextVarbind(r: BerReader, listEnd: number, vb: Varbind): boolean {
  if (r.pos >= listEnd) return false;
  r.header(TAG.sequence, 'varbind');
  const vbEnd = r.end;
  r.enter();
  r.header(TAG.oid, 'varbind name');
  vb.oidStart = r.start;
  vb.oidEnd = r.end;
  vb.type = r.header(undefined, 'varbind value');
  vb.valueStart = r.start;
  vb.valueEnd = r.end;
  if (r.pos !== vbEnd) throw new BerError(`varbind at byte ${vb.oidStart} has trailing bytes`);
  return true;
}

/**
 * What a datagram's request is matched by: the PDU's request-id for SNMPv1/v2c, the msgID of
 * SNMPv3's header. Undefined for anything else (or malformed).
 */
export function messageId(buf: Buffer): number | undefined {
  try {
    const r = new BerReader(buf);
    r.header(TAG.sequence, 'message');
    r.enter();
    const version = r.int('version');
    if (version === 3) {
      r.header(TAG.sequence, 'msgGlobalData');
      r.enter();
      return r.int('msgID');
    }
    if (version !== 1 && version !== 0) return undefined;
    r.header(TAG.octetString, 'community');
    r.header(undefined, 'PDU');
    r.enter();
    return r.int('request-id');
  } catch (e) {
    if (e instanceof BerError) return undefined;
    throw e;
  }
}
