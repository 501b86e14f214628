// The v2c path's own pieces: the BER encoder/decoder (ber.ts) on hand-computed bytes, and the
// shared-socket client (v2c.ts) against a UDP peer on loopback that this test scripts:
// answers from the wrong port or with the wrong community are ignored, retries are sent,
// error-status and malformed answers become the operator's messages.
import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BerError,
  BerReader,
  encodeOid,
  encodeRequest,
  indexAfter,
  nextVarbind,
  oidText,
  readResponse,
  readUnsignedBig,
  TAG,
  type Varbind,
} from '../../agent/inputs/snmp/ber.js';
import { SnmpInput } from '../../agent/inputs/snmp/index.js';
import { SnmpTimeoutError, UdpClient as V2cClient } from '../../agent/inputs/snmp/udp.js';
import { v2cRequester } from '../../agent/inputs/snmp/v2c.js';
import { silentLogger } from '../../log/logger.js';
import type { PollSample } from '../../protocol/samples.js';

const hex = (b: Buffer) => b.toString('hex');

describe('ber', () => {
  it('encodes OIDs, including arcs of several bytes', () => {
    expect(hex(encodeOid('1.3.6.1.2.1.1.3.0'))).toBe('2b06010201010300');
    expect(hex(encodeOid('1.3.6.1.2.1.31.1.1.1.6.128'))).toBe('2b060102011f0101010681' + '00');
    expect(hex(encodeOid('1.3.4294967295'))).toBe('2b8fffffff7f');
    expect(() => encodeOid('1.3.x')).toThrow(/invalid OID "1.3.x"/);
    expect(() => encodeOid('1.3.4294967296')).toThrow(BerError);
  });

  it('encodes a GetRequest byte for byte as snmpget sends it', () => {
    const msg = encodeRequest(TAG.getRequest, Buffer.from('public'), 1, 0, 0, [{ prefix: encodeOid('1.3.6.1.2.1.1.3.0'), index: -1 }]);
    expect(hex(msg)).toBe('3026020101040670' + '75626c6963a019020101020100020100300e300c06082b060102010103000500');
  });

  it('encodes a GetBulkRequest with indices appended and a request-id of four bytes', () => {
    const col = encodeOid('1.3.6.1.2.1.31.1.1.1.6');
    const msg = encodeRequest(TAG.getBulkRequest, Buffer.from('c'), 0x7fffffff, 0, 10, [
      { prefix: col, index: -1 },
      { prefix: col, index: 300 },
    ]);
    const r = new BerReader(msg);
    r.header(TAG.sequence);
    r.enter();
    expect(r.int('version')).toBe(1);
    r.header(TAG.octetString);
    r.header(TAG.getBulkRequest);
    r.enter();
    expect([r.int('id'), r.int('non-repeaters'), r.int('max-repetitions')]).toEqual([0x7fffffff, 0, 10]);
    r.header(TAG.sequence);
    const end = r.end;
    r.enter();
    const oids: string[] = [];
    const vb: Varbind = { oidStart: 0, oidEnd: 0, type: 0, valueStart: 0, valueEnd: 0 };
    while (nextVarbind(r, end, vb)) {
      oids.push(hex(msg.subarray(vb.oidStart, vb.oidEnd)));
      expect(vb.type).toBe(TAG.null);
    }
    expect(oids).toEqual([hex(col), hex(col) + '822c']);
  });

  it('reads Counter64 values of 1 to 9 bytes exactly', () => {
    expect(readUnsignedBig(Buffer.from('00ffffffffffffffff', 'hex'), 0, 9)).toBe((1n << 64n) - 1n);
    expect(readUnsignedBig(Buffer.from('4000000000000001', 'hex'), 0, 8)).toBe((1n << 62n) + 1n);
    expect(readUnsignedBig(Buffer.from('01000000000000', 'hex'), 0, 7)).toBe(1n << 48n);
    expect(readUnsignedBig(Buffer.from('00', 'hex'), 0, 1)).toBe(0n);
  });

  it('reads lengths with padded long forms and INTEGERs padded with a sign byte, as devices send them', () => {
    // version 1, community "c", GetResponse with request-id 19088743 as 02 05 00 01 23 45 67,
    // every length in the 0x84 long form.
    const l4 = (n: number) => Buffer.from([0x84, 0, 0, 0, n]);
    const pdu = Buffer.concat([Buffer.from('020500' + '01234567', 'hex'), Buffer.from('020100020100', 'hex'), Buffer.from([0x30]), l4(0)]);
    const body = Buffer.concat([Buffer.from('020101', 'hex'), Buffer.from([0x04]), l4(1), Buffer.from('c'), Buffer.from([0xa2]), l4(pdu.length), pdu]);
    const msg = Buffer.concat([Buffer.from([0x30]), l4(body.length), body]);
    const h = readResponse(new BerReader(msg));
    expect([h.requestId, h.errorStatus, h.errorIndex, h.listEnd]).toEqual([19088743, 0, 0, msg.length]);
    expect(msg.subarray(h.communityStart, h.communityEnd).toString()).toBe('c');
    // A negative INTEGER with a redundant FF, and one that really is wider than 32 bits.
    expect(new BerReader(Buffer.from('0205ffffffff85', 'hex')).int('x')).toBe(-123);
    expect(() => new BerReader(Buffer.from('02050100000000', 'hex')).int('x')).toThrow(/INTEGER of 5 bytes does not fit 32 bits/);
  });

  it('finds the row index after a column prefix, and nothing for other OIDs', () => {
    const col = encodeOid('1.3.6.1.2.1.31.1.1.1.6');
    const at = (oid: string) => {
      const b = encodeOid(oid);
      return indexAfter(b, 0, b.length, col);
    };
    expect(at('1.3.6.1.2.1.31.1.1.1.6.1')).toBe(1);
    expect(at('1.3.6.1.2.1.31.1.1.1.6.2147483647')).toBe(2147483647);
    expect(at('1.3.6.1.2.1.31.1.1.1.6.4294967295')).toBe(4294967295);
    expect(at('1.3.6.1.2.1.31.1.1.1.10.1')).toBe(-1); // the next column
    expect(at('1.3.6.1.2.1.31.1.1.1.6')).toBe(-1); // the column itself
    expect(at('1.3.6.1.2.1.31.1.1.1.6.1.5')).toBe(-1); // not a single ifIndex
  });

  it('refuses truncated and overlong datagrams with the byte where it failed', () => {
    expect(() => readResponse(new BerReader(Buffer.from('3026020101', 'hex')))).toThrow(/length 38 at byte 2 runs past the end \(5\)/);
    expect(() => readResponse(new BerReader(Buffer.from('3003020102', 'hex')))).toThrow(/not an SNMPv2c message \(version 2\)/);
    expect(() => readResponse(new BerReader(Buffer.from('3085ffffffffff', 'hex')))).toThrow(/length at byte 1 runs past the end \(7\)/);
    expect(() => readResponse(new BerReader(Buffer.from('3080', 'hex')))).toThrow(/unsupported length encoding at byte 1/);
    expect(() => readResponse(new BerReader(Buffer.from('a003020101', 'hex')))).toThrow(/expected tag 0x30 \(message\) at byte 0, found 0xa0/);
  });
});

// ---- A scripted peer ---------------------------------------------------------------------

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const len = body.length < 128 ? Buffer.from([body.length]) : Buffer.from([0x82, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
const int = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return tlv(TAG.integer, b);
};
/** A GetResponse answering `requestId` with sysUpTime.0 = `ticks`. */
function response(requestId: number, community: string, ticks: number, errorStatus = 0): Buffer {
  const t = Buffer.alloc(4);
  t.writeUInt32BE(ticks);
  const vb = tlv(TAG.sequence, tlv(TAG.oid, encodeOid('1.3.6.1.2.1.1.3.0')), tlv(TAG.timeTicks, t));
  return tlv(TAG.sequence, int(1), tlv(TAG.octetString, Buffer.from(community)), tlv(TAG.getResponse, int(requestId), int(errorStatus), int(0), tlv(TAG.sequence, vb)));
}
function requestIdOf(msg: Buffer): number {
  const r = new BerReader(msg);
  r.header(TAG.sequence);
  r.enter();
  r.int('version');
  r.header(TAG.octetString);
  r.header();
  r.enter();
  return r.int('request-id');
}

interface Peer {
  port: number;
  requests: number;
  /** What to do with each request: send datagrams back (from `from`: the peer or a stranger). */
  onRequest: (id: number) => { from: 'peer' | 'stranger'; msg: Buffer }[];
}
const sockets: dgram.Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
async function bound(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  sockets.push(s);
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return s;
}
async function startPeer(onRequest: Peer['onRequest']): Promise<Peer> {
  const s = await bound();
  const stranger = await bound();
  const peer: Peer = { port: s.address().port, requests: 0, onRequest };
  s.on('message', (msg, rinfo) => {
    peer.requests++;
    for (const a of peer.onRequest(requestIdOf(msg))) (a.from === 'peer' ? s : stranger).send(a.msg, rinfo.port, rinfo.address);
  });
  return peer;
}
const target = (port: number, o: Partial<{ community: string; timeoutMs: number; retries: number }> = {}) => ({
  address: '127.0.0.1',
  port,
  community: Buffer.from(o.community ?? 'public'),
  timeoutMs: o.timeoutMs ?? 300,
  retries: o.retries ?? 0,
});
const uptimeOf = async (client: V2cClient, t: ReturnType<typeof target>) => {
  const res = await v2cRequester(client, t)(TAG.getRequest, 0, 0, [{ prefix: encodeOid('1.3.6.1.2.1.1.3.0'), index: -1 }]);
  const vb: Varbind = { oidStart: 0, oidEnd: 0, type: 0, valueStart: 0, valueEnd: 0 };
  expect(nextVarbind(res.reader, res.header.listEnd, vb)).toBe(true);
  return res.reader.buf.readUInt32BE(vb.valueStart);
};

describe('v2c on the shared UDP client', () => {
  it('ignores answers from another port or with another community, takes the real one', async () => {
    const peer = await startPeer((id) => [
      { from: 'stranger', msg: response(id, 'public', 666) },
      { from: 'peer', msg: response(id, 'other', 667) },
      { from: 'peer', msg: response(id + 1, 'public', 668) },
      { from: 'peer', msg: Buffer.from('not BER at all') },
      { from: 'peer', msg: response(id, 'public', 4242) },
    ]);
    const client = new V2cClient();
    try {
      expect(await uptimeOf(client, target(peer.port))).toBe(4242);
      expect(client.dropped).toBe(4);
    } finally {
      client.close();
    }
  });

  it('resends on timeout, retries + 1 tries in all, then fails', async () => {
    const silent = await startPeer(() => []);
    const client = new V2cClient();
    const t0 = Date.now();
    await expect(uptimeOf(client, target(silent.port, { timeoutMs: 150, retries: 2 }))).rejects.toBeInstanceOf(SnmpTimeoutError);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(440);
    expect(silent.requests).toBe(3);
    // A peer that answers only the second try is read on that try.
    const late = await startPeer((id) => (late.requests === 2 ? [{ from: 'peer', msg: response(id, 'public', 7) }] : []));
    // (a second's timeout: the second try's answer must not miss it on a loaded machine)
    expect(await uptimeOf(client, target(late.port, { timeoutMs: 1000, retries: 2 }))).toBe(7);
    expect(late.requests).toBe(2);
    client.close();
  });

  it('turns error-status, malformed answers and silence into the device poll error', async () => {
    const tooBig = await startPeer((id) => [{ from: 'peer', msg: response(id, 'public', 1, 1) }]);
    // Right header, then a varbind whose value length runs past the datagram.
    const broken = await startPeer((id) => {
      const good = response(id, 'public', 5);
      const at = good.lastIndexOf(Buffer.from([TAG.timeTicks, 4]));
      good[at + 1] = 40;
      return [{ from: 'peer', msg: good }];
    });
    const silent = await startPeer(() => []);
    const input = new SnmpInput({ logger: silentLogger() });
    const dev = (id: string, port: number) => ({
      id,
      opd: 'o',
      kind: 'router' as const,
      address: '127.0.0.1',
      ping: false,
      snmp: { version: '2c' as const, community: 'public', port, timeoutMs: 1000, retries: 0 },
    });
    const devices = [dev('toobig', tooBig.port), dev('broken', broken.port), dev('silent', silent.port)];
    const s = await input.gather({ ts: Date.now(), intervalS: 60, assignment: { agent: 'a', intervalSeconds: 60, devices, maxBodyBytes: 1e6 } });
    input.close();
    const errors = Object.fromEntries(s.filter((x): x is PollSample => x.type === 'poll').map((p) => [p.device, p.error]));
    expect(errors.toobig).toBe(`snmp: 127.0.0.1:${tooBig.port} refused the request: tooBig (error-index 0)`);
    expect(errors.broken).toMatch(new RegExp(`^snmp: invalid answer from 127.0.0.1:${broken.port}: length 40 at byte \\d+ runs past the end`));
    expect(errors.silent).toBe(`snmp: no answer from 127.0.0.1:${silent.port} within 1000 ms × 1 try (device down, unreachable, or wrong community)`);
  });

  it('fails what is in flight when closed', async () => {
    const silent = await startPeer(() => []);
    const client = new V2cClient();
    const p = uptimeOf(client, target(silent.port, { timeoutMs: 5000 }));
    client.close();
    await expect(p).rejects.toThrow(/the input was closed/);
  });
});

describe('v2c client: where the answer may come from', () => {
  it('hears a device given by an IPv4-mapped IPv6 address', async () => {
    const s = dgram.createSocket({ type: 'udp6' });
    sockets.push(s);
    await new Promise<void>((r) => s.bind(0, '::', r));
    s.on('message', (msg, rinfo) => s.send(response(requestIdOf(msg), 'public', 99), rinfo.port, rinfo.address));
    const client = new V2cClient();
    try {
      expect(await uptimeOf(client, { ...target(s.address().port), address: '::ffff:127.0.0.1' })).toBe(99);
    } finally {
      client.close();
    }
  });

  it('for a device given by host name, takes the answer only from the address the name resolves to', async () => {
    const real = await bound(); // 127.0.0.1:P, what "localhost" resolves to
    const port = real.address().port;
    const impostor = dgram.createSocket('udp4'); // 127.0.0.2:P, same port, another address
    sockets.push(impostor);
    await new Promise<void>((r) => impostor.bind(port, '127.0.0.2', r));
    const ids: number[] = [];
    real.on('message', (msg, rinfo) => {
      const id = requestIdOf(msg);
      ids.push(id);
      impostor.send(response(id, 'public', 666), rinfo.port, rinfo.address);
      setTimeout(() => real.send(response(id, 'public', 4242), rinfo.port, rinfo.address), 20);
    });
    const client = new V2cClient();
    try {
      const t = { ...target(port), address: 'localhost' };
      for (let i = 0; i < 5; i++) expect(await uptimeOf(client, t)).toBe(4242);
      expect(client.dropped).toBe(5);
      // Request ids are random, not a sequence another device could continue.
      expect(ids.slice(1).every((id, i) => id === ids[i] + 1)).toBe(false);
    } finally {
      client.close();
    }
  });
});

// ---- A scripted IF-MIB table for the walk ---------------------------------------------------

const cmp = (a: number[], b: number[]) => {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
};
const u = (v: bigint) => {
  let h = v.toString(16);
  if (h.length % 2) h = '0' + h;
  if (parseInt(h[0], 16) >= 8) h = '00' + h;
  return Buffer.from(h, 'hex');
};

/**
 * An agent serving sysUpTime and an IF-MIB table of `n` interfaces (indices 10, 20, ...), that
 * cuts every GetBulk answer to `maxVarbinds` varbinds and answers tooBig when asked for more
 * than `maxRep` rows.
 */
async function tableAgent(n: number, o: { maxVarbinds: number; maxRep: number }) {
  const X = '1.3.6.1.2.1.31.1.1.1';
  const entries: { oid: number[]; value: Buffer }[] = [{ oid: [1, 3, 6, 1, 2, 1, 1, 3, 0], value: tlv(TAG.timeTicks, u(777n)) }];
  for (let i = 1; i <= n; i++) {
    const idx = i * 10;
    const at = (col: string) => [...col.split('.').map(Number), idx];
    entries.push(
      { oid: at(`${X}.1`), value: tlv(TAG.octetString, Buffer.from(`ether${i}`)) },
      { oid: at(`${X}.6`), value: tlv(TAG.counter64, u((1n << 63n) + BigInt(i))) },
      { oid: at(`${X}.10`), value: tlv(TAG.counter64, u(BigInt(i * 1000))) },
      { oid: at(`${X}.15`), value: tlv(TAG.gauge32, u(1000n)) },
      { oid: at('1.3.6.1.2.1.2.2.1.8'), value: tlv(TAG.integer, Buffer.from([1])) },
    );
  }
  entries.sort((a, b) => cmp(a.oid, b.oid));
  const seenMaxRep: number[] = [];
  const peer = await startPeer(() => []);
  peer.onRequest = () => [];
  const s = sockets[sockets.length - 2]; // the peer's own socket (startPeer binds it first)
  s.removeAllListeners('message');
  s.on('message', (msg, rinfo) => {
    peer.requests++;
    const r = new BerReader(msg);
    r.header(TAG.sequence);
    r.enter();
    r.int('version');
    r.header(TAG.octetString);
    const pduTag = r.header();
    r.enter();
    const id = r.int('id');
    r.int('a');
    const maxRep = r.int('b');
    r.header(TAG.sequence);
    const end = r.end;
    r.enter();
    const asked: number[][] = [];
    const vb: Varbind = { oidStart: 0, oidEnd: 0, type: 0, valueStart: 0, valueEnd: 0 };
    while (nextVarbind(r, end, vb)) asked.push(oidText(msg, vb.oidStart, vb.oidEnd).split('.').map(Number));
    const out: Buffer[] = [];
    let status = 0;
    if (pduTag === TAG.getRequest) {
      for (const a of asked) out.push(tlv(TAG.sequence, tlv(TAG.oid, encodeOid(a.join('.'))), entries.find((e) => cmp(e.oid, a) === 0)!.value));
    } else if (maxRep > o.maxRep) {
      seenMaxRep.push(maxRep);
      status = 1; // tooBig
    } else {
      seenMaxRep.push(maxRep);
      const cursors = asked.map((a) => a);
      for (let rep = 0; rep < maxRep; rep++) {
        for (let c = 0; c < cursors.length; c++) {
          const next = entries.find((e) => cmp(e.oid, cursors[c]) > 0);
          out.push(next ? tlv(TAG.sequence, tlv(TAG.oid, encodeOid(next.oid.join('.'))), next.value) : tlv(TAG.sequence, tlv(TAG.oid, encodeOid(cursors[c].join('.'))), Buffer.from([TAG.endOfMibView, 0])));
          if (next) cursors[c] = next.oid;
        }
      }
    }
    const kept = out.slice(0, pduTag === TAG.getRequest ? out.length : o.maxVarbinds);
    const answer = tlv(TAG.sequence, int(1), tlv(TAG.octetString, Buffer.from('public')), tlv(TAG.getResponse, int(id), int(status), int(0), tlv(TAG.sequence, ...kept)));
    s.send(answer, rinfo.port, rinfo.address);
  });
  return { port: peer.port, seenMaxRep };
}

describe('v2c walk against answers cut short', () => {
  it('goes on with the columns an answer was cut before, and asks fewer rows after tooBig', async () => {
    const agent = await tableAgent(12, { maxVarbinds: 3, maxRep: 4 });
    const input = new SnmpInput({ logger: silentLogger() });
    const dev = { id: 'cut', opd: 'o', kind: 'router' as const, address: '127.0.0.1', ping: false, snmp: { version: '2c' as const, community: 'public', port: agent.port, timeoutMs: 3000, retries: 0 } };
    const s = await input.gather({ ts: Date.now(), intervalS: 60, assignment: { agent: 'a', intervalSeconds: 60, devices: [dev], maxBodyBytes: 1e6 } });
    input.close();
    const poll = s.find((x): x is PollSample => x.type === 'poll')!;
    expect(poll).toMatchObject({ ok: true });
    expect(poll.warnings).toBeUndefined();
    const got = s.filter((x) => x.type === 'iface') as { interface: string; inOctets: bigint; outOctets: bigint; operUp?: boolean; speedBps?: number; uptime?: number }[];
    expect(got.map((g) => g.interface)).toEqual(Array.from({ length: 12 }, (_, i) => `ether${i + 1}`));
    for (const [i, g] of got.entries()) {
      expect(g).toMatchObject({ inOctets: (1n << 63n) + BigInt(i + 1), outOctets: BigInt((i + 1) * 1000), operUp: true, speedBps: 1e9, uptime: 777 });
    }
    expect(agent.seenMaxRep.slice(0, 3)).toEqual([10, 5, 3]); // 10 → tooBig, 5 → tooBig, 3 taken
  });

  it('warns when the request bound cuts the table short, and keeps what it read', async () => {
    const agent = await tableAgent(30, { maxVarbinds: 5, maxRep: 10 });
    const client = new V2cClient();
    const { walkColumns } = await import('../../agent/inputs/snmp/bulk.js');
    const { COLUMNS } = await import('../../agent/inputs/snmp/columns.js');
    const { createLimiter } = await import('../../agent/concurrency.js');
    const rows = new Map();
    const complete = await walkColumns(v2cRequester(client, target(agent.port)), 'here', COLUMNS, rows, new Map(), createLimiter(5), 10, 4);
    client.close();
    expect(complete).toBe(false);
    expect(rows.size).toBe(4); // one row of each column per answer of 5 varbinds, 4 answers
  });
});
