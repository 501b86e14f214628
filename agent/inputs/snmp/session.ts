// One session per device (reused across cycles): for v2c the device's target on the shared
// client, for v3 a net-snmp session; the credential mapping, and the translation of errors
// into messages an operator can act on.
import snmp, { type Session } from 'net-snmp';
import type { AssignedDevice, SnmpCredentials } from '../../../protocol/assignment.js';
import { BerError } from './ber.js';
import { SnmpStatusError, type NameCache } from './bulk.js';
import { SnmpTimeoutError, type V2cClient, type V2cTarget } from './v2c.js';

const AUTH: Record<string, number> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha256: snmp.AuthProtocols.sha256,
};
// AES-256 as Cisco and most vendors implement it ("Blumenthal" key extension).
const PRIV: Record<string, number> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256: snmp.PrivProtocols.aes256b,
};

interface SessionBase {
  /** Identity of address + credentials: a change means a new session. */
  key: string;
  creds: SnmpCredentials;
  address: string;
  /** At least one request succeeded on this session (tells a wrong privKey from a dead device). */
  everOk: boolean;
}
export interface V2cSession extends SessionBase {
  kind: 'v2c';
  client: V2cClient;
  target: V2cTarget;
  names: NameCache;
}
export interface V3Session extends SessionBase {
  kind: 'v3';
  session: Session;
}
export type DeviceSession = V2cSession | V3Session;

export function sessionKey(d: AssignedDevice): string {
  return JSON.stringify([d.address, d.snmp]);
}

export function openSession(d: AssignedDevice & { snmp: SnmpCredentials }, client: V2cClient): DeviceSession {
  const c = d.snmp;
  const base = { key: sessionKey(d), creds: c, address: d.address, everOk: false };
  if (c.version === '2c') {
    const target = { address: d.address, port: c.port, community: Buffer.from(c.community, 'utf8'), timeoutMs: c.timeoutMs, retries: c.retries };
    return { ...base, kind: 'v2c', client, target, names: new Map() };
  }
  const transport = d.address.includes(':') ? 'udp6' : 'udp4';
  const common = { port: c.port, timeout: c.timeoutMs, retries: c.retries, transport, idBitsSize: 32 } as const;
  const session = snmp.createV3Session(
          d.address,
          {
            name: c.user,
            level: snmp.SecurityLevel.authPriv,
            authProtocol: AUTH[c.authProtocol] ?? snmp.AuthProtocols.sha,
            authKey: c.authKey,
            privProtocol: PRIV[c.privProtocol] ?? snmp.PrivProtocols.aes,
            privKey: c.privKey,
          },
          { ...common, version: snmp.Version3 },
        );
  // A socket error must not become an unhandled 'error' event; requests fail on their own.
  session.on('error', () => undefined);
  return { ...base, kind: 'v3', session };
}

/** Releases what the session holds of its own (a v2c session shares the client's socket). */
export function closeSession(ds: DeviceSession): void {
  if (ds.kind === 'v3') ds.session.close();
}

/** An operator-facing message for a failed request (see README.md for what each means). */
export function describeSnmpError(err: unknown, ds: DeviceSession): string {
  const c = ds.creds;
  const where = `${ds.address}:${c.port}`;
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: number }).code;
  if (e instanceof snmp.RequestTimedOutError || e instanceof SnmpTimeoutError) {
    const tries = `${c.timeoutMs} ms × ${c.retries + 1} ${c.retries === 0 ? 'try' : 'tries'}`;
    if (c.version === '3') {
      // net-snmp keeps the engine parameters from the discovery exchange: the device answered
      // in clear, then ignored the encrypted request. Debian's snmpd does exactly that with a
      // wrong privKey ("error parsing ScopedPDU"), it never sends a report back.
      const discovered = ds.kind === 'v3' && Boolean((ds.session as unknown as { msgSecurityParameters?: unknown }).msgSecurityParameters);
      if (discovered && !ds.everOk) {
        return `snmp: authentication failure: the device answered SNMPv3 discovery but not the encrypted request: wrong privKey or privProtocol (${c.privProtocol}) for user ${c.user}?`;
      }
      return `snmp: no answer from ${where} within ${tries} (device down or unreachable)`;
    }
    return `snmp: no answer from ${where} within ${tries} (device down, unreachable, or wrong community)`;
  }
  if (e instanceof snmp.ResponseInvalidError) {
    if (code === snmp.ResponseInvalidCode.EAuthFailure) {
      return `snmp: authentication failure: wrong authKey or authProtocol (${c.version === '3' ? c.authProtocol : ''}) for user ${c.version === '3' ? c.user : '?'}? (device: ${e.message})`;
    }
    if (code === snmp.ResponseInvalidCode.ECouldNotDecrypt) {
      return `snmp: authentication failure: could not decrypt the answer: wrong privKey or privProtocol for user ${c.version === '3' ? c.user : '?'}?`;
    }
    if (/unknown user/i.test(e.message)) {
      return `snmp: the device does not know SNMPv3 user ${c.version === '3' ? c.user : '?'} (Unknown User Name)`;
    }
    if (/unsupported security level/i.test(e.message)) {
      return `snmp: the device does not accept authPriv for user ${c.version === '3' ? c.user : '?'} (Unsupported Security Level)`;
    }
    return `snmp: invalid answer from ${where}: ${e.message}`;
  }
  if (e instanceof BerError) return `snmp: invalid answer from ${where}: ${e.message}`;
  if (e instanceof SnmpStatusError) return `snmp: ${e.message}`;
  if (e instanceof snmp.RequestFailedError) return `snmp: ${where} refused the request: ${e.message}`;
  return `snmp: ${e.message}`;
}
