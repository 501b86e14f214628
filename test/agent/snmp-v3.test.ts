// SNMPv3 answers that must not be believed, from a scripted UDP peer on loopback: an answer
// signed and encrypted with keys localised to another engine (what someone holding another
// device's keys could make), and an unsigned "Not In Time Window" report. Real snmpd covers
// the answers that must be believed (test/agent/snmp.e2e.test.ts).
import dgram from 'node:dgram';
import { createCipheriv, createHmac, randomBytes } from 'node:crypto';
import snmp from 'net-snmp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BerReader, encodeInt, encodeOid, messageId, TAG, tlv } from '../../agent/inputs/snmp/ber.js';
import { SnmpTimeoutError, UdpClient } from '../../agent/inputs/snmp/udp.js';
import { v3Requester, type V3State } from '../../agent/inputs/snmp/v3.js';

const AUTH_KEY = 'auth-secret-1';
const PRIV_KEY = 'priv-secret-1';
const engine = (name: string) => Buffer.concat([Buffer.from('80001f8804', 'hex'), Buffer.from(name)]);
const ours = engine('device-A');
const other = engine('device-B');
const SYS_UPTIME = encodeOid('1.3.6.1.2.1.1.3.0');

/** A GetResponse with sysUpTime = `ticks`, authPriv (SHA/AES), made with keys localised to `eng`. */
function signedAnswer(id: number, eng: Buffer, ticks: number): Buffer {
  const auth = snmp.Authentication.passwordToKey(snmp.AuthProtocols.sha, AUTH_KEY, eng);
  const priv = snmp.Authentication.passwordToKey(snmp.AuthProtocols.sha, PRIV_KEY, eng);
  const [boots, time, salt] = [1, 100, randomBytes(8)];
  const t = Buffer.alloc(4);
  t.writeUInt32BE(ticks);
  const pdu = tlv(TAG.getResponse, encodeInt(id), encodeInt(0), encodeInt(0), tlv(TAG.sequence, tlv(TAG.sequence, tlv(TAG.oid, SYS_UPTIME), tlv(TAG.timeTicks, t))));
  const scoped = tlv(TAG.sequence, tlv(TAG.octetString, eng), tlv(TAG.octetString, Buffer.alloc(0)), pdu);
  const iv = Buffer.concat([Buffer.from([0, 0, 0, boots, 0, 0, 0, time]), salt]);
  const encrypted = createCipheriv('aes-128-cfb', priv.subarray(0, 16), iv).update(scoped);
  const digestAt = Buffer.alloc(12, 0xee); // found again below, then zeroed for the HMAC
  const sec = tlv(TAG.sequence, tlv(TAG.octetString, eng), encodeInt(boots), encodeInt(time), tlv(TAG.octetString, Buffer.from('noc')), tlv(TAG.octetString, digestAt), tlv(TAG.octetString, salt));
  const global = tlv(TAG.sequence, encodeInt(id), encodeInt(65507), tlv(TAG.octetString, Buffer.from([3])), encodeInt(3));
  const msg = tlv(TAG.sequence, encodeInt(3), global, tlv(TAG.octetString, sec), tlv(TAG.octetString, encrypted));
  const at = msg.indexOf(digestAt);
  msg.fill(0, at, at + 12);
  createHmac('sha1', auth).update(msg).digest().copy(msg, at, 0, 12);
  return msg;
}

/** An unsigned Report of usmStats.`stat` naming engine `eng` with boots 999. */
function clearReport(id: number, eng: Buffer, stat: number): Buffer {
  const vb = tlv(TAG.sequence, tlv(TAG.oid, encodeOid(`1.3.6.1.6.3.15.1.1.${stat}.0`)), tlv(TAG.counter32, Buffer.from([1])));
  const scoped = tlv(TAG.sequence, tlv(TAG.octetString, eng), tlv(TAG.octetString, Buffer.alloc(0)), tlv(0xa8, encodeInt(id), encodeInt(0), encodeInt(0), tlv(TAG.sequence, vb)));
  const e = Buffer.alloc(0);
  const sec = tlv(TAG.sequence, tlv(TAG.octetString, eng), encodeInt(999), encodeInt(5), tlv(TAG.octetString, e), tlv(TAG.octetString, e), tlv(TAG.octetString, e));
  return tlv(TAG.sequence, encodeInt(3), tlv(TAG.sequence, encodeInt(id), encodeInt(65507), tlv(TAG.octetString, Buffer.from([0])), encodeInt(3)), tlv(TAG.octetString, sec), scoped);
}

/** msgFlags of a v3 message (4: discovery, 7: authPriv). */
function flagsOf(msg: Buffer): number {
  const r = new BerReader(msg);
  r.header(TAG.sequence);
  r.enter();
  r.int('version');
  r.header(TAG.sequence);
  r.enter();
  r.int('id');
  r.int('max');
  r.header(TAG.octetString);
  return msg[r.start];
}

const sockets: dgram.Socket[] = [];
const clients: UdpClient[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
  for (const c of clients.splice(0)) c.close();
});

/**
 * A peer that answers authPriv requests with `answer(id)`, and discovery with `discovery(id)`
 * (default: silence). `timeoutMs`: long where an answer is expected (a loaded machine must not
 * turn a slow answer into a failure), short where the request is meant to time out (its answer
 * is dropped by design, whatever the timing).
 */
async function peer(answer: (id: number) => Buffer, discovery?: (id: number) => Buffer, known = true, timeoutMs = 10_000) {
  const s = dgram.createSocket('udp4');
  sockets.push(s);
  let discoveries = 0;
  s.on('message', (m, r) => {
    const flags = flagsOf(m);
    if (flags === 7) s.send(answer(messageId(m)!), r.port, r.address);
    else if (flags === 4 && discovery) {
      discoveries++;
      s.send(discovery(messageId(m)!), r.port, r.address);
    }
  });
  await new Promise<void>((res) => s.bind(0, '127.0.0.1', () => res()));
  const udp = new UdpClient();
  clients.push(udp);
  const state: V3State = known ? { engine: { id: ours, boots: 3, time: 5000, at: performance.now() } } : {};
  const target = {
    address: '127.0.0.1',
    port: s.address().port,
    timeoutMs,
    retries: 0,
    user: Buffer.from('noc'),
    authProtocol: snmp.AuthProtocols.sha,
    authKey: AUTH_KEY,
    privProtocol: snmp.PrivProtocols.aes,
    privKey: PRIV_KEY,
  };
  const send = () => v3Requester(udp, target, state)(TAG.getRequest, 0, 0, [{ prefix: SYS_UPTIME, index: -1 }]);
  return { state, send, udp, discoveries: () => discoveries };
}

const uptimeIn = (res: { reader: BerReader }) => {
  const r = res.reader;
  r.header(TAG.sequence);
  r.enter();
  r.header(TAG.oid);
  r.header(TAG.timeTicks);
  return r.buf.readUInt32BE(r.start);
};

describe('snmp v3: answers that must not be believed', () => {
  it('takes an answer signed and encrypted for the engine it asked', async () => {
    const p = await peer((id) => signedAnswer(id, ours, 4242));
    expect(uptimeIn(await p.send())).toBe(4242);
  });

  it('discovers the engine once for requests that start together', async () => {
    const p = await peer((id) => signedAnswer(id, ours, 7), (id) => clearReport(id, ours, 4), false);
    const got = await Promise.all(Array.from({ length: 8 }, () => p.send().then(uptimeIn)));
    expect(got).toEqual(Array(8).fill(7));
    expect(p.discoveries()).toBe(1);
    expect(p.state.engine!.id).toEqual(ours);
  });

  it('ignores an answer made with keys localised to another engine', async () => {
    const p = await peer((id) => signedAnswer(id, other, 0x0badf00d), undefined, true, 200);
    await expect(p.send()).rejects.toBeInstanceOf(SnmpTimeoutError);
    // retries: 0, so one request and one answer, dropped (the answer may come after the timeout on a loaded machine)
    await vi.waitFor(() => expect(p.udp.dropped).toBe(1), { timeout: 5_000 });
    expect(p.state.engine!.id).toEqual(ours);
  });

  it('does not take boots and time from an unsigned "Not In Time Window" report', async () => {
    const p = await peer((id) => clearReport(id, engine('bogus'), 2), undefined, true, 200);
    await expect(p.send()).rejects.toBeInstanceOf(SnmpTimeoutError);
    expect([p.state.engine!.id, p.state.engine!.boots]).toEqual([ours, 3]);
  });
});
