// The WebSocket stream's state: the sequence of events, a bounded ring of recent events for
// `resume`, the connected clients and what each may hold in its send buffer. Events are
// numbered here (strictly increasing `seq` for this collector's lifetime, with `epoch` naming
// the lifetime); transport and authentication live in route.ts, the snapshot in snapshot.ts.
import type { WebSocket } from 'ws';

export type EventType = 'alert' | 'status' | 'usage' | 'backup';

export interface StreamEvent {
  type: EventType;
  seq: number;
  [k: string]: unknown;
}

export interface HubOptions {
  /** Events kept for `resume` (default 2000). Older `since` values get a fresh snapshot. */
  ringSize?: number;
  /** …and at most this many bytes of them (default 16 MiB): a few huge events cannot hold memory either. */
  ringBytes?: number;
  /** Bytes a client may have waiting in its send buffer; past it the client is dropped (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Builds the snapshot's body (status, alerts, …) at the current seq: its members, or their JSON object text. */
  snapshot: () => Record<string, unknown> | string;
  /** Told of each dropped client and why. */
  onDrop?: (reason: 'slow' | 'dead') => void;
}

interface Client {
  ws: WebSocket;
  alive: boolean;
}

/** The identity of this collector's run: a `since` of another run cannot be resumed. */
const newEpoch = (): string => `${Date.now().toString(36)}-${Math.floor(Math.random() * 36 ** 6).toString(36)}`;

export class StreamHub {
  readonly epoch = newEpoch();
  private seq = 0;
  private readonly ring: { seq: number; text: string }[] = [];
  private readonly clients = new Set<Client>();
  private readonly ringSize: number;
  private readonly ringBytes: number;
  private held = 0;
  private readonly maxBuffered: number;
  readonly counters = { sent: 0, dropped: 0, snapshots: 0, replayed: 0 };

  constructor(private readonly o: HubOptions) {
    this.ringSize = o.ringSize ?? 2000;
    this.ringBytes = o.ringBytes ?? 16 * 1024 * 1024;
    this.maxBuffered = o.maxBufferedBytes ?? 4 * 1024 * 1024;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Events held for resume, and their size in characters. */
  retained(): { events: number; chars: number } {
    return { events: this.ring.length, chars: this.held };
  }

  size(): number {
    return this.clients.size;
  }

  /** Clients that have not answered the last ping yet. */
  unanswered(): number {
    let n = 0;
    for (const c of this.clients) if (!c.alive) n++;
    return n;
  }

  /** Numbers the event, keeps it for resume and sends it to every client. Returns its seq. */
  publish(type: EventType, body: Record<string, unknown>): number {
    const ev = { type, seq: ++this.seq, ...body };
    const text = JSON.stringify(ev);
    this.ring.push({ seq: ev.seq, text });
    this.held += text.length;
    while (this.ring.length > this.ringSize || (this.held > this.ringBytes && this.ring.length > 1)) this.held -= this.ring.shift()!.text.length;
    for (const c of this.clients) this.send(c, text);
    return ev.seq;
  }

  /**
   * A new connection. With `resume` (a `since` of this epoch, still in the ring) it gets the
   * events after it; otherwise the snapshot.
   */
  add(ws: WebSocket, resume?: { since: number; epoch?: string }): void {
    const c: Client = { ws, alive: true };
    this.clients.add(c);
    ws.on('pong', () => (c.alive = true));
    ws.on('close', () => this.clients.delete(c));
    ws.on('error', () => this.clients.delete(c));
    ws.on('message', (data) => this.onMessage(c, data.toString()));
    if (!resume || !this.replay(c, resume.since, resume.epoch)) this.sendSnapshot(c);
  }

  /** Sends each live client a ping and drops those that did not answer the previous one. */
  heartbeat(at = Date.now()): void {
    const time = JSON.stringify({ type: 'time', at });
    for (const c of this.clients) {
      if (!c.alive) {
        this.drop(c, 'dead');
        continue;
      }
      c.alive = false;
      try {
        c.ws.ping();
      } catch {
        this.drop(c, 'dead');
        continue;
      }
      // A keepalive a browser can see (it cannot see pings): it detects a stalled connection by its absence.
      this.send(c, time);
    }
  }

  /**
   * Closes every connection (collector stop; the displays reconnect by themselves). A client
   * that does not answer the close within `graceMs` is cut.
   */
  close(graceMs = 250): Promise<void> {
    const all = [...this.clients];
    this.clients.clear();
    return Promise.all(
      all.map(
        (c) =>
          new Promise<void>((done) => {
            if (c.ws.readyState === c.ws.CLOSED) return done();
            const cut = setTimeout(() => c.ws.terminate(), graceMs);
            c.ws.once('close', () => {
              clearTimeout(cut);
              done();
            });
            c.ws.close(1001, 'collector stopping');
          }),
      ),
    ).then(() => undefined);
  }

  private onMessage(c: Client, text: string): void {
    let m: { type?: unknown; since?: unknown; epoch?: unknown };
    try {
      m = JSON.parse(text);
    } catch {
      return this.send(c, JSON.stringify({ type: 'error', error: 'expected a JSON message such as {"type":"resume","since":42}' }));
    }
    if (m?.type !== 'resume') return this.send(c, JSON.stringify({ type: 'error', error: `unknown message type ${JSON.stringify(m?.type)}; expected "resume"` }));
    if (typeof m.since !== 'number' || !Number.isInteger(m.since) || m.since < 0)
      return this.send(c, JSON.stringify({ type: 'error', error: 'since: expected the seq of the last event received (an integer ≥ 0)', path: 'since' }));
    if (!this.replay(c, m.since, typeof m.epoch === 'string' ? m.epoch : undefined)) this.sendSnapshot(c);
  }

  /** Sends the events after `since`; false when they are not all in the ring (or of another run). */
  private replay(c: Client, since: number, epoch?: string): boolean {
    if (epoch !== undefined && epoch !== this.epoch) return false;
    if (since > this.seq) return false; // a seq from before a restart
    const oldest = this.ring.length ? this.ring[0].seq : this.seq + 1;
    if (since < oldest - 1) return false;
    for (const e of this.ring) if (e.seq > since) {
      this.counters.replayed++;
      this.send(c, e.text);
    }
    return true;
  }

  private sendSnapshot(c: Client): void {
    this.counters.snapshots++;
    const body = this.o.snapshot();
    if (typeof body !== 'string') return this.send(c, JSON.stringify({ type: 'snapshot', seq: this.seq, epoch: this.epoch, ...body }));
    // Text: its members follow the head's ('{}' has none).
    const head = JSON.stringify({ type: 'snapshot', seq: this.seq, epoch: this.epoch });
    this.send(c, body.length > 2 ? `${head.slice(0, -1)},${body.slice(1)}` : head);
  }

  private send(c: Client, text: string): void {
    if (c.ws.readyState !== c.ws.OPEN) return;
    // A client that cannot keep up is dropped rather than let its buffer grow the collector's memory.
    if (c.ws.bufferedAmount + Buffer.byteLength(text) > this.maxBuffered) return this.drop(c, 'slow');
    this.counters.sent++;
    c.ws.send(text);
  }

  private drop(c: Client, reason: 'slow' | 'dead'): void {
    this.clients.delete(c);
    this.counters.dropped++;
    this.o.onDrop?.(reason);
    c.ws.terminate();
  }
}
