// SNMPv2c over one UDP socket per address family, shared by every v2c device of the agent.
// net-snmp opens a socket per session and decodes every varbind into objects; for a fleet of
// 1,000 routers this client keeps one socket and leaves decoding to the caller (ber.ts).
// A response is matched to its request by request-id, then checked against the device's
// address, port and community, so a stray or spoofed datagram never completes a request.
import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { BerError, BerReader, readResponse, type RequestOid, type ResponseHeader, encodeRequest } from './ber.js';

export interface V2cTarget {
  address: string;
  port: number;
  community: Buffer;
  timeoutMs: number;
  retries: number;
}

export interface V2cResponse {
  header: ResponseHeader;
  /** Positioned on the first varbind. */
  reader: BerReader;
}

/** No answer within timeoutMs × (retries + 1). */
export class SnmpTimeoutError extends Error {}

interface Pending {
  target: V2cTarget;
  /** An IPv4 literal: the answer must come from exactly this address. */
  ip: boolean;
  msg: Buffer;
  triesLeft: number;
  timer: NodeJS.Timeout | undefined;
  resolve(r: V2cResponse): void;
  reject(e: Error): void;
}

export class V2cClient {
  private readonly sockets = new Map<'udp4' | 'udp6', dgram.Socket>();
  private readonly pending = new Map<number, Pending>();
  private nextId = randomInt(1, 0x7fffffff);
  /** Datagrams that matched no request or failed the checks (late answers after a timeout, mostly). */
  dropped = 0;

  /** Sends one request (pdu, a, b as in encodeRequest) and resolves with the device's answer. */
  request(target: V2cTarget, pdu: number, a: number, b: number, oids: readonly RequestOid[]): Promise<V2cResponse> {
    return new Promise<V2cResponse>((resolve, reject) => {
      let id = this.nextId;
      while (this.pending.has(id)) id = id >= 0x7fffffff ? 1 : id + 1;
      this.nextId = id >= 0x7fffffff ? 1 : id + 1;
      const p: Pending = {
        target,
        ip: isIP(target.address) === 4,
        msg: encodeRequest(pdu, target.community, id, a, b, oids),
        triesLeft: target.retries + 1,
        timer: undefined,
        resolve,
        reject,
      };
      this.pending.set(id, p);
      this.send(id, p);
    });
  }

  private send(id: number, p: Pending): void {
    p.triesLeft--;
    p.timer = setTimeout(() => {
      if (this.pending.get(id) !== p) return;
      if (p.triesLeft > 0) return this.send(id, p);
      this.pending.delete(id);
      p.reject(new SnmpTimeoutError('request timed out'));
    }, p.target.timeoutMs);
    this.socket(p.target.address.includes(':') ? 'udp6' : 'udp4').send(p.msg, p.target.port, p.target.address, (err) => {
      if (!err || this.pending.get(id) !== p) return;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new Error(`cannot send to ${p.target.address}:${p.target.port}: ${err.message}`));
    });
  }

  private socket(type: 'udp4' | 'udp6'): dgram.Socket {
    let s = this.sockets.get(type);
    if (s) return s;
    s = dgram.createSocket(type);
    s.on('message', (buf, rinfo) => this.onMessage(buf, rinfo));
    // Errors surface through send() callbacks and timeouts; never as an unhandled 'error'.
    s.on('error', () => undefined);
    s.on('listening', () => {
      try {
        s!.setRecvBufferSize(1 << 20); // room for every answer in flight while the loop is busy
      } catch {
        /* capped by the kernel; the default holds ~70 answers */
      }
    });
    s.bind(0);
    s.unref(); // pending requests keep the process alive through their timers
    this.sockets.set(type, s);
    return s;
  }

  private onMessage(buf: Buffer, rinfo: dgram.RemoteInfo): void {
    const reader = new BerReader(buf);
    let header: ResponseHeader;
    try {
      header = readResponse(reader);
    } catch (e) {
      if (!(e instanceof BerError)) throw e;
      this.dropped++;
      return;
    }
    const p = this.pending.get(header.requestId);
    const t = p?.target;
    if (
      !p ||
      !t ||
      rinfo.port !== t.port ||
      (p.ip && rinfo.address !== t.address) ||
      header.communityEnd - header.communityStart !== t.community.length ||
      buf.compare(t.community, 0, t.community.length, header.communityStart, header.communityEnd) !== 0
    ) {
      this.dropped++;
      return;
    }
    clearTimeout(p.timer);
    this.pending.delete(header.requestId);
    p.resolve({ header, reader });
  }

  /** Fails every request in flight and closes the sockets. */
  close(): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('snmp: the input was closed'));
    }
    this.pending.clear();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}
