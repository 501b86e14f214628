// SNMPv3 authPriv (User-based Security Model, RFC 3414) on the shared UDP client (udp.ts): the
// message envelope, engine discovery kept per device (net-snmp discovers again before every
// request), USM reports turned into errors, and the scoped PDU decoded in place (ber.ts) like
// a v2c answer. The cryptography is net-snmp's own, exported helpers (key localisation with
// its cache, HMAC digests, DES/AES privacy), so the keys are derived exactly as before.
import snmp from 'net-snmp';
import { BerError, BerReader, encodeInt, encodeOid, encodePdu, headerLength, oidText, readPduFields, TAG, tlv, type RequestOid, type ResponseHeader } from './ber.js';
import { SnmpTimeoutError, type UdpClient } from './udp.js';
import type { Requester, V2cResponse } from './v2c.js';

export interface V3Target {
  address: string;
  port: number;
  timeoutMs: number;
  retries: number;
  user: Buffer;
  /** net-snmp's AuthProtocols / PrivProtocols values. */
  authProtocol: number;
  authKey: string;
  privProtocol: number;
  privKey: string;
}

/** The device's SNMP engine as discovered: id, boots, and its time at `at` (ms, performance.now()). */
export interface Engine {
  id: Buffer;
  boots: number;
  time: number;
  at: number;
}

/** Per-device state: the engine, once discovered. */
export interface V3State {
  engine?: Engine;
  /** A discovery under way: requests that need the engine meanwhile wait for it. */
  discovering?: Promise<Engine>;
}

/** usmStats counters (RFC 3414) a device reports a refused request with. */
export const USM_STATS: Record<number, string> = {
  1: 'Unsupported Security Level',
  2: 'Not In Time Window',
  3: 'Unknown User Name',
  4: 'Unknown Engine ID',
  5: 'Wrong Digest',
  6: 'Decryption Error',
};

/** The device refused the request with a USM report; `engine` is what the report said. */
export class UsmReportError extends Error {
  constructor(
    readonly stat: number,
    /** The engine a signed report names (boots and time to use); undefined for an unsigned one. */
    readonly engine: Engine | undefined,
    /** The OID of a Report that names no usmStats counter. */
    oid?: string,
  ) {
    super(USM_STATS[stat] ? `the device reported ${USM_STATS[stat]}` : `the device sent a Report (${oid ?? `usmStats.${stat}`})`);
  }
}

/** An authenticated answer that does not decrypt with our privacy key. */
export class V3DecryptError extends Error {}

/** The device answers discovery but not the encrypted request (Debian's snmpd with a wrong privKey). */
export class V3SilentError extends Error {}

const FLAG_AUTH = 1;
const FLAG_PRIV = 2;
const FLAG_REPORTABLE = 4;
const USM = 3;
const MAX_SIZE = 65507;
const REPORT = 0xa8;
const USM_STATS_PREFIX = encodeOid('1.3.6.1.6.3.15.1.1');
const EMPTY = Buffer.alloc(0);

interface Security {
  engineID: Buffer;
  boots: number;
  time: number;
  user: Buffer;
  authLength: number;
  priv: Buffer;
}

/** The v3 message around `msgData`, and where the digest goes. */
function envelope(id: number, flags: number, sec: Security, msgData: Buffer): { msg: Buffer; authAt: number } {
  const version = encodeInt(3);
  const global = tlv(TAG.sequence, encodeInt(id), encodeInt(MAX_SIZE), tlv(TAG.octetString, Buffer.from([flags])), encodeInt(USM));
  const before = [tlv(TAG.octetString, sec.engineID), encodeInt(sec.boots), encodeInt(sec.time), tlv(TAG.octetString, sec.user)];
  const after = [tlv(TAG.octetString, Buffer.alloc(sec.authLength)), tlv(TAG.octetString, sec.priv)];
  const innerContent = [...before, ...after].reduce((n, b) => n + b.length, 0);
  const inner = tlv(TAG.sequence, ...before, ...after);
  const secParams = tlv(TAG.octetString, inner);
  const msgContent = version.length + global.length + secParams.length + msgData.length;
  const msg = tlv(TAG.sequence, version, global, secParams, msgData);
  const authField =
    headerLength(msgContent) + version.length + global.length + headerLength(inner.length) + headerLength(innerContent) + before.reduce((n, b) => n + b.length, 0);
  return { msg, authAt: authField + headerLength(sec.authLength) };
}

/** An SNMPv3 message read up to its msgData. */
interface V3Message {
  id: number;
  flags: number;
  engineID: Buffer;
  boots: number;
  time: number;
  authStart: number;
  authEnd: number;
  privStart: number;
  privEnd: number;
  /** Positioned on msgData. */
  reader: BerReader;
}

function readV3(buf: Buffer): V3Message {
  const r = new BerReader(buf);
  r.header(TAG.sequence, 'message');
  r.enter();
  if (r.int('version') !== 3) throw new BerError('not an SNMPv3 message');
  r.header(TAG.sequence, 'msgGlobalData');
  const globalEnd = r.end;
  r.enter();
  const id = r.int('msgID');
  r.int('msgMaxSize');
  r.header(TAG.octetString, 'msgFlags');
  if (r.end - r.start !== 1) throw new BerError('msgFlags is not one byte');
  const flags = buf[r.start];
  if (r.int('msgSecurityModel') !== USM) throw new BerError('not the User-based Security Model');
  if (r.pos !== globalEnd) throw new BerError('msgGlobalData has trailing bytes');
  r.header(TAG.octetString, 'msgSecurityParameters');
  const spEnd = r.end;
  const after = r.pos;
  const sp = new BerReader(buf, spEnd);
  sp.pos = r.start;
  sp.header(TAG.sequence, 'UsmSecurityParameters');
  sp.enter();
  sp.header(TAG.octetString, 'msgAuthoritativeEngineID');
  const engineID = buf.subarray(sp.start, sp.end);
  const boots = sp.int('msgAuthoritativeEngineBoots');
  const time = sp.int('msgAuthoritativeEngineTime');
  sp.header(TAG.octetString, 'msgUserName');
  sp.header(TAG.octetString, 'msgAuthenticationParameters');
  const authStart = sp.start;
  const authEnd = sp.end;
  sp.header(TAG.octetString, 'msgPrivacyParameters');
  r.pos = after;
  return { id, flags, engineID, boots, time, authStart, authEnd, privStart: sp.start, privEnd: sp.end, reader: r };
}

/** Reads a scoped PDU at `r`: returns the PDU's tag and header, `r` left on its first varbind. */
function readScopedPdu(r: BerReader): { tag: number; header: ResponseHeader } {
  r.header(TAG.sequence, 'ScopedPDU');
  r.enter();
  r.header(TAG.octetString, 'contextEngineID');
  r.header(TAG.octetString, 'contextName');
  const tag = r.header(undefined, 'PDU');
  if (tag !== TAG.getResponse && tag !== REPORT) throw new BerError(`unexpected PDU type 0x${tag.toString(16)}`);
  return { tag, header: { ...readPduFields(r), communityStart: 0, communityEnd: 0 } };
}

/** What a Report says: the usmStats counter its first varbind names (0: another OID, named in `oid`). */
interface Report {
  stat: number;
  oid?: string;
}

/** Reads the Report whose varbind list is at `r` (left past its first varbind name). */
function readReport(r: BerReader, listEnd: number): Report {
  if (r.pos >= listEnd) return { stat: 0, oid: 'no varbind' };
  r.header(TAG.sequence, 'varbind');
  r.enter();
  r.header(TAG.oid, 'varbind name');
  const b = r.buf;
  const p = USM_STATS_PREFIX.length;
  const usm = r.end - r.start > p && b.compare(USM_STATS_PREFIX, 0, p, r.start, r.start + p) === 0 && b[r.start + p] < 0x80;
  return usm ? { stat: b[r.start + p] } : { stat: 0, oid: oidText(b, r.start, r.end) };
}

const engineOf = (m: V3Message): Engine | undefined =>
  m.engineID.length > 0 ? { id: Buffer.from(m.engineID), boots: m.boots, time: m.time, at: performance.now() } : undefined;

/** Engine discovery: an empty, unauthenticated request the device answers with a Report. */
function discover(udp: UdpClient, t: V3Target): Promise<Engine> {
  const nothing: Security = { engineID: EMPTY, boots: 0, time: 0, user: EMPTY, authLength: 0, priv: EMPTY };
  return udp.request({
    address: t.address,
    port: t.port,
    timeoutMs: t.timeoutMs,
    retries: t.retries,
    build: (id) => envelope(id, FLAG_REPORTABLE, nothing, tlv(TAG.sequence, tlv(TAG.octetString, EMPTY), tlv(TAG.octetString, EMPTY), encodePdu(TAG.getRequest, id, 0, 0, []))).msg,
    accept: (buf) => {
      let m: V3Message;
      try {
        m = readV3(buf);
        if (m.flags & FLAG_PRIV) return undefined;
        const { tag } = readScopedPdu(m.reader);
        if (tag !== REPORT) return undefined;
      } catch (e) {
        if (e instanceof BerError) return undefined;
        throw e;
      }
      const engine = engineOf(m);
      if (!engine) throw new BerError('the discovery report names no engine');
      return engine;
    },
  });
}


/** One authPriv request with the engine as known. */
function exchange(udp: UdpClient, t: V3Target, engine: Engine, pdu: number, a: number, b: number, oids: readonly RequestOid[]): Promise<V2cResponse> {
  const authLength = snmp.Authentication.getParametersLength(t.authProtocol);
  return udp.request<V2cResponse>({
    address: t.address,
    port: t.port,
    timeoutMs: t.timeoutMs,
    retries: t.retries,
    build: (id) => {
      // A monotonic clock: a host clock stepped back must not give a negative engine time.
      const time = Math.min(0x7fffffff, engine.time + Math.max(0, Math.floor((performance.now() - engine.at) / 1000)));
      const scoped = tlv(TAG.sequence, tlv(TAG.octetString, engine.id), tlv(TAG.octetString, EMPTY), encodePdu(pdu, id, a, b, oids));
      const { encryptedPdu, msgPrivacyParameters } = snmp.Encryption.encryptPdu(t.privProtocol, scoped, t.privKey, t.authProtocol, {
        engineID: engine.id,
        engineBoots: engine.boots,
        engineTime: time,
      });
      const sec: Security = { engineID: engine.id, boots: engine.boots, time, user: t.user, authLength, priv: msgPrivacyParameters };
      const { msg, authAt } = envelope(id, FLAG_AUTH | FLAG_PRIV | FLAG_REPORTABLE, sec, tlv(TAG.octetString, encryptedPdu));
      snmp.Authentication.writeParameters(msg, t.authProtocol, t.authKey, engine.id, msg.subarray(authAt, authAt + authLength));
      return msg;
    },
    accept: (buf) => {
      let m: V3Message;
      try {
        m = readV3(buf);
      } catch (e) {
        if (e instanceof BerError) return undefined;
        throw e;
      }
      const signed = (m.flags & FLAG_AUTH) !== 0;
      // Keys are localised to the engine we asked: an answer naming another engine is never
      // checked with keys derived for it (RFC 3414 §3.2), only an unsigned "Unknown Engine ID"
      // report is taken from it, and only as a reason to discover again.
      if (!m.engineID.equals(engine.id)) {
        if (signed || m.flags & FLAG_PRIV) return undefined;
        if (clearReport(m.reader)?.stat === 4) throw new UsmReportError(4, undefined);
        return undefined;
      }
      if (signed) {
        const ok = m.authEnd - m.authStart === authLength && snmp.Authentication.isAuthentic(buf, t.authProtocol, t.authKey, engine.id, buf.subarray(m.authStart, m.authEnd));
        if (!ok) return undefined; // forged or corrupted
      }
      if (m.flags & FLAG_PRIV) {
        if (!signed) return undefined;
        const r = m.reader;
        let plain: BerReader;
        let s: { tag: number; header: ResponseHeader };
        try {
          r.header(TAG.octetString, 'encryptedPDU');
          const engineNow = { engineID: engine.id, engineBoots: m.boots, engineTime: m.time };
          plain = new BerReader(snmp.Encryption.decryptPdu(t.privProtocol, buf.subarray(r.start, r.end), buf.subarray(m.privStart, m.privEnd), t.privKey, t.authProtocol, engineNow));
          s = readScopedPdu(plain);
        } catch (e) {
          throw new V3DecryptError(`could not decrypt the answer (${e instanceof Error ? e.message : String(e)})`);
        }
        return answer(s.tag, s.header, plain, m);
      }
      // In clear, only a Report is taken (a device cannot sign what it could not check), and a
      // "Not In Time Window" report only signed: it carries the boots and time we then use.
      const report = clearReport(m.reader);
      if (!report || (report.stat === 2 && !signed)) return undefined;
      throw new UsmReportError(report.stat, signed ? engineOf(m) : undefined, report.oid);
    },
  });
}

/** The Report in clear at `r`, or undefined when it is not one (or malformed). */
function clearReport(r: BerReader): Report | undefined {
  try {
    const s = readScopedPdu(r);
    return s.tag === REPORT ? readReport(r, s.header.listEnd) : undefined;
  } catch (e) {
    if (e instanceof BerError) return undefined;
    throw e;
  }
}

function answer(tag: number, header: ResponseHeader, r: BerReader, m: V3Message): V2cResponse {
  if (tag === REPORT) {
    const report = readReport(r, header.listEnd);
    throw new UsmReportError(report.stat, engineOf(m), report.oid);
  }
  if (header.requestId !== m.id) throw new BerError(`request-id ${header.requestId} does not match msgID ${m.id}`);
  return { header, reader: r };
}

/**
 * Requests on one v3 device: discovers its engine once, again when it reports an unknown
 * engine (a replaced router) or takes the boots and time of a signed "Not In Time Window"
 * report (a reboot). A device that stays silent to an encrypted request is asked for its
 * engine again: if that is answered, the device is up and ignores our encryption.
 */
export function v3Requester(udp: UdpClient, t: V3Target, state: V3State): Requester {
  const known = async (): Promise<Engine> => {
    if (state.engine) return state.engine;
    state.discovering ??= discover(udp, t).finally(() => (state.discovering = undefined));
    return (state.engine = await state.discovering);
  };
  const attempt = async (pdu: number, a: number, b: number, oids: readonly RequestOid[]): Promise<V2cResponse> => {
    await known();
    try {
      return await exchange(udp, t, state.engine!, pdu, a, b, oids);
    } catch (e) {
      if (!(e instanceof UsmReportError) || (e.stat !== 2 && e.stat !== 4)) throw e;
      state.engine = (e.stat === 2 && e.engine) || (await discover(udp, t));
      return exchange(udp, t, state.engine, pdu, a, b, oids);
    }
  };
  return async (pdu, a, b, oids) => {
    try {
      return await attempt(pdu, a, b, oids);
    } catch (e) {
      if (!(e instanceof SnmpTimeoutError) || !state.engine) throw e;
      const answered = await discover(udp, { ...t, retries: 0 }).catch(() => undefined);
      if (!answered) throw e;
      state.engine = answered;
      throw new V3SilentError('the device answered SNMPv3 discovery but not the encrypted request');
    }
  };
}
