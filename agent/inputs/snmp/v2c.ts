// SNMPv2c over one UDP socket per address family, shared by every v2c device of the agent.
// net-snmp opens a socket per session and decodes every varbind into objects; for a fleet of
// 1,000 routers this client keeps one socket and leaves decoding to the caller (ber.ts).
// A response is matched to its request by a random request-id, then checked against the
// device's address (a host name is resolved, at most once a minute), port and community, so
// a stray or spoofed datagram never completes a request. A router that answers from another
// of its addresses is therefore not heard: poll the address it answers from.
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
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
  /** The address the answer must come from (the target's, resolved and normalised). */
  from: string;
  msg: Buffer;
  triesLeft: number;
  timer: NodeJS.Timeout | undefined;
  resolve(r: V2cResponse): void;
  reject(e: Error): void;
}

const RESOLVE_TTL_MS = 60_000;

/** The canonical text of an IP address (IPv6 in its shortest form), as dgram reports senders. */
function canonical(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip; // a zone index (fe80::1%eth0): compared as written
  }
}

export class V2cClient {
  private readonly sockets = new Map<'udp4' | 'udp6', dgram.Socket>();
  private readonly pending = new Map<number, Pending>();
  private readonly resolved = new Map<string, { ip: string; until: number }>();
  private closed = false;
  /** Datagrams that matched no request or failed the checks (late answers after a timeout, mostly). */
  dropped = 0;

  /** Sends one request (pdu, a, b as in encodeRequest) and resolves with the device's answer. */
  async request(target: V2cTarget, pdu: number, a: number, b: number, oids: readonly RequestOid[]): Promise<V2cResponse> {
    const from = isIP(target.address) ? canonical(target.address) : await this.resolve(target.address);
    if (this.closed) throw new Error('snmp: the input was closed');
    return new Promise<V2cResponse>((resolve, reject) => {
      // Random ids: the shared socket's port is seen by every device, a sequence would be guessable.
      let id = randomInt(1, 0x7fffffff);
      while (this.pending.has(id)) id = randomInt(1, 0x7fffffff);
      const p: Pending = {
        target,
        from,
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

  private async resolve(address: string): Promise<string> {
    const hit = this.resolved.get(address);
    if (hit && hit.until > Date.now()) return hit.ip;
    let ip: string;
    try {
      ip = canonical((await lookup(address, { family: address.includes(':') ? 6 : 4 })).address);
    } catch (err) {
      throw new Error(`cannot resolve ${address}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
    this.resolved.set(address, { ip, until: Date.now() + RESOLVE_TTL_MS });
    return ip;
  }

  private send(id: number, p: Pending): void {
    p.triesLeft--;
    const fail = (err: Error): void => {
      if (this.pending.get(id) !== p) return;
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new Error(`cannot send to ${p.target.address}:${p.target.port}: ${err.message}`));
    };
    p.timer = setTimeout(() => {
      if (this.pending.get(id) !== p) return;
      if (p.triesLeft > 0) return this.send(id, p);
      this.pending.delete(id);
      p.reject(new SnmpTimeoutError('request timed out'));
    }, p.target.timeoutMs);
    try {
      this.socket(isIP(p.from) === 6 ? 'udp6' : 'udp4').send(p.msg, p.target.port, p.from, (err) => err && fail(err));
    } catch (err) {
      fail(err instanceof Error ? err : new Error(String(err))); // a bad port throws at once
    }
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
      rinfo.address !== p.from ||
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
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('snmp: the input was closed'));
    }
    this.pending.clear();
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}
