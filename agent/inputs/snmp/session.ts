// One session per device (reused across cycles): the device's requester on the shared UDP
// client (v2c by community, v3 with its engine state), the credential mapping, and the
// translation of errors into messages an operator can act on.
import snmp from 'net-snmp';
import type { AssignedDevice, SnmpCredentials } from '../../../protocol/assignment.js';
import { BerError } from './ber.js';
import { SnmpStatusError, type NameCache } from './bulk.js';
import { SnmpTimeoutError, type UdpClient } from './udp.js';
import { v2cRequester, type Requester } from './v2c.js';
import { UsmReportError, V3DecryptError, V3SilentError, v3Requester, type V3State } from './v3.js';

const AUTH: Record<string, number> = {
  md5: snmp.AuthProtocols.md5,
  sha: snmp.AuthProtocols.sha,
  sha256: snmp.AuthProtocols.sha256,
};
// AES-256 keys are longer than a SHA-1 or MD5 digest, and vendors extend them two ways:
// `aes256` is Blumenthal's extension (Net-SNMP, Debian's snmpd and most Linux-based devices),
// `aes256c` Reeder's (Cisco). With SHA-256 and longer digests both give the same key.
const PRIV: Record<string, number> = {
  des: snmp.PrivProtocols.des,
  aes: snmp.PrivProtocols.aes,
  aes256: snmp.PrivProtocols.aes256b,
  aes256c: snmp.PrivProtocols.aes256r,
};

export interface DeviceSession {
  /** Identity of address + credentials: a change means a new session. */
  key: string;
  creds: SnmpCredentials;
  /** "address:port", for messages. */
  where: string;
  send: Requester;
  /** ifIndex → ifName last read (names are decoded once while their bytes stay the same). */
  names: NameCache;
  /** v3 only: the device's engine, once discovered. */
  v3?: V3State;
  /** sysUpTime of the last poll: a lower one is a reboot, after which ifIndex may be renumbered. */
  uptime?: number;
  /** A renumbering seen at a reboot, said in the poll's warnings for an hour. */
  renumbered?: { until: number; warning: string };
}

export function sessionKey(d: AssignedDevice): string {
  return JSON.stringify([d.address, d.snmp]);
}

export function openSession(d: AssignedDevice & { snmp: SnmpCredentials }, udp: UdpClient): DeviceSession {
  const c = d.snmp;
  const base = { key: sessionKey(d), creds: c, where: `${d.address}:${c.port}`, names: new Map() };
  const common = { address: d.address, port: c.port, timeoutMs: c.timeoutMs, retries: c.retries };
  if (c.version === '2c') return { ...base, send: v2cRequester(udp, { ...common, community: Buffer.from(c.community, 'utf8') }) };
  const v3: V3State = {};
  const target = {
    ...common,
    user: Buffer.from(c.user, 'utf8'),
    authProtocol: AUTH[c.authProtocol] ?? snmp.AuthProtocols.sha,
    authKey: c.authKey,
    privProtocol: PRIV[c.privProtocol] ?? snmp.PrivProtocols.aes,
    privKey: c.privKey,
  };
  return { ...base, v3, send: v3Requester(udp, target, v3) };
}

/** An operator-facing message for a failed request (see README.md for what each means). */
export function describeSnmpError(err: unknown, ds: DeviceSession): string {
  const c = ds.creds;
  const user = c.version === '3' ? c.user : '?';
  const e = err instanceof Error ? err : new Error(String(err));
  if (e instanceof SnmpTimeoutError) {
    const tries = `${c.timeoutMs} ms × ${c.retries + 1} ${c.retries === 0 ? 'try' : 'tries'}`;
    if (c.version === '3') return `snmp: no answer from ${ds.where} within ${tries} (device down or unreachable)`;
    return `snmp: no answer from ${ds.where} within ${tries} (device down, unreachable, or wrong community)`;
  }
  if (e instanceof V3SilentError) {
    // Debian's snmpd with a wrong privKey: "error parsing ScopedPDU" in its log, no report.
    return `snmp: authentication failure: ${e.message}: wrong privKey or privProtocol (${c.version === '3' ? c.privProtocol : ''}) for user ${user}?`;
  }
  if (e instanceof UsmReportError) {
    switch (e.stat) {
      case 5:
        return `snmp: authentication failure: wrong authKey or authProtocol (${c.version === '3' ? c.authProtocol : ''}) for user ${user}? (device: ${e.message})`;
      case 3:
        return `snmp: the device does not know SNMPv3 user ${user} (Unknown User Name)`;
      case 1:
        return `snmp: the device does not accept authPriv for user ${user} (Unsupported Security Level)`;
      case 6:
        return `snmp: authentication failure: the device could not decrypt the request: wrong privKey or privProtocol for user ${user}?`;
      default:
        return `snmp: ${ds.where} refused the request: ${e.message}`;
    }
  }
  if (c.version === '3' && c.privProtocol === 'des' && /unsupported/i.test(e.message)) {
    // OpenSSL 3 keeps DES in its legacy provider, which Node.js does not load by default.
    return `snmp: privProtocol des is not available in this Node.js (OpenSSL 3 without its legacy provider): use aes on the device, or start Pantau with NODE_OPTIONS=--openssl-legacy-provider`;
  }
  if (e instanceof V3DecryptError) return `snmp: authentication failure: ${e.message}: wrong privKey or privProtocol for user ${user}?`;
  if (e instanceof BerError) return `snmp: invalid answer from ${ds.where}: ${e.message}`;
  if (e instanceof SnmpStatusError) return `snmp: ${e.message}`;
  return `snmp: ${e.message}`;
}
