// SNMP over one UDP socket per address family, shared by every device of the agent (v2c and
// v3 alike). net-snmp opens a socket per session and decodes every varbind into objects; for a
// fleet of 1,000 routers this keeps one socket and leaves decoding to the protocol layers
// (v2c.ts, v3.ts, over ber.ts).
// A datagram is matched to its request by a random id (request-id, or SNMPv3's msgID), then
// must come from the device's address (a host name is resolved to IPv4, at most once a minute;
// IPv6 devices are given by address) and port, and pass the protocol's own check (community,
// digest), so a stray or spoofed datagram never completes a request. A router that answers from another of its addresses is not heard:
// poll the address it answers from.
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { randomInt } from 'node:crypto';
import { isIP } from 'node:net';
import { messageId } from './ber.js';

/** No answer within timeoutMs × (retries + 1). */
export class SnmpTimeoutError extends Error {}

export interface Exchange<T> {
  address: string;
  port: number;
  timeoutMs: number;
  retries: number;
  /** The datagram to send, for this id (sent again as is on retries). */
  build(id: number): Buffer;
  /** The answer when `buf` (with this exchange's id, from the right address) is one; undefined to ignore it; throws to fail the request. */
  accept(buf: Buffer): T | undefined;
}

interface Pending {
  ex: Exchange<unknown>;
  /** The address the answer must come from (the target's, resolved and normalised). */
  from: string;
  msg: Buffer;
  triesLeft: number;
  timer: NodeJS.Timeout | undefined;
  resolve(r: unknown): void;
  reject(e: Error): void;
}

const RESOLVE_TTL_MS = 60_000;

/** The canonical text of an IP address (IPv6 in its shortest form), as dgram reports senders. */
function canonical(ip: string): string {
  if (isIP(ip) !== 6) return ip;
  // An IPv4-mapped address: dgram reports its sender as ::ffff:a.b.c.d.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return `::ffff:${mapped[1]}`;
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  } catch {
    return ip; // a zone index (fe80::1%eth0): compared as written
  }
}

export class UdpClient {
  private readonly sockets = new Map<'udp4' | 'udp6', dgram.Socket>();
  private readonly pending = new Map<number, Pending>();
  private readonly resolved = new Map<string, { ip: string; until: number }>();
  private closed = false;
  /** Datagrams that matched no request or failed the checks (late answers after a timeout, mostly). */
  dropped = 0;

  /** Sends one request and resolves with what `accept` made of the device's answer. */
  async request<T>(ex: Exchange<T>): Promise<T> {
    const from = isIP(ex.address) ? canonical(ex.address) : await this.resolve(ex.address);
    if (this.closed) throw new Error('snmp: the input was closed');
    return new Promise<T>((resolve, reject) => {
      // Random ids: the shared socket's port is seen by every device, a sequence would be guessable.
      let id = randomInt(1, 0x7fffffff);
      while (this.pending.has(id)) id = randomInt(1, 0x7fffffff);
      const p: Pending = { ex, from, msg: ex.build(id), triesLeft: ex.retries + 1, timer: undefined, resolve: resolve as (r: unknown) => void, reject };
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

  private settle(id: number, p: Pending, err: Error | undefined, value?: unknown): void {
    if (this.pending.get(id) !== p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
    if (err) p.reject(err);
    else p.resolve(value);
  }

  private send(id: number, p: Pending): void {
    p.triesLeft--;
    const fail = (err: Error): void => this.settle(id, p, new Error(`cannot send to ${p.ex.address}:${p.ex.port}: ${err.message}`));
    p.timer = setTimeout(() => {
      if (this.pending.get(id) !== p) return;
      if (p.triesLeft > 0) return this.send(id, p);
      this.settle(id, p, new SnmpTimeoutError('request timed out'));
    }, p.ex.timeoutMs);
    try {
      this.socket(isIP(p.from) === 6 ? 'udp6' : 'udp4').send(p.msg, p.ex.port, p.from, (err) => err && fail(err));
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
    const id = messageId(buf);
    const p = id === undefined ? undefined : this.pending.get(id);
    if (!p || rinfo.port !== p.ex.port || rinfo.address !== p.from) {
      this.dropped++;
      return;
    }
    let value: unknown;
    try {
      value = p.ex.accept(buf);
    } catch (err) {
      return this.settle(id!, p, err instanceof Error ? err : new Error(String(err)));
    }
    if (value === undefined) this.dropped++;
    else this.settle(id!, p, undefined, value);
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
