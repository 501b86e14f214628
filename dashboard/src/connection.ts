// The wall's WebSocket: connects with the session cookie, resumes after a drop with
// `?since=SEQ&epoch=E` (the collector replays what was missed or sends a fresh snapshot),
// reconnects by itself with backoff, and treats silence longer than three heartbeats as a
// stalled connection (closed and opened again), so a wall recovers without a person.
export type ConnState = 'connecting' | 'live' | 'offline';

export class Connection {
  private ws: WebSocket | undefined;
  private seq = -1;
  private epoch: string | undefined;
  private attempt = 0;
  private lastMessage = 0;
  private heartbeatMs = 30_000;
  private watchdog: number | undefined;
  private retry: number | undefined;
  /** Page time the connection was lost (for the banner), undefined while live. */
  downSince: number | undefined;
  /** The first connection's steps are marked (pantau:stream-start at start(), pantau:stream-open, :snapshot-received, :snapshot-parsed) for bench/wall. */
  private marked = false;

  constructor(
    private readonly onMessage: (m: any) => void,
    private readonly onState: (s: ConnState) => void,
  ) {}

  start(): void {
    performance.mark('pantau:stream-start');
    this.open();
    this.watchdog = window.setInterval(() => {
      if (this.ws?.readyState === WebSocket.OPEN && Date.now() - this.lastMessage > 3 * this.heartbeatMs) this.ws.close();
    }, 5000);
  }

  private open(): void {
    this.retry = undefined;
    this.onState('connecting');
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const resume = this.epoch !== undefined && this.seq >= 0 ? `?since=${this.seq}&epoch=${encodeURIComponent(this.epoch)}` : '';
    const ws = new WebSocket(`${proto}://${location.host}/api/v1/stream${resume}`);
    this.ws = ws;
    ws.onopen = () => {
      // The upgrade is refused (401) before it opens: open means accepted.
      this.lastMessage = Date.now();
      if (!this.marked) performance.mark('pantau:stream-open');
      this.attempt = 0;
      this.downSince = undefined;
      this.onState('live');
    };
    ws.onmessage = (e) => {
      this.lastMessage = Date.now();
      const first = !this.marked;
      if (first) performance.mark('pantau:snapshot-received');
      let m: any;
      try {
        m = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (first && m.type === 'snapshot') {
        this.marked = true;
        performance.mark('pantau:snapshot-parsed');
      }
      if (m.type === 'snapshot') {
        this.epoch = m.epoch;
        this.seq = m.seq;
        if (typeof m.heartbeatMs === 'number') this.heartbeatMs = m.heartbeatMs;
      } else if (typeof m.seq === 'number') {
        if (m.seq <= this.seq) return; // already applied
        this.seq = m.seq;
      }
      this.onMessage(m);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.downSince ??= Date.now();
      this.onState('offline');
      // 0.5 s, 1 s, 2 s … up to 15 s, with jitter so a room of walls does not reconnect in step.
      const delay = Math.min(15_000, 500 * 2 ** this.attempt++) * (0.75 + Math.random() * 0.5);
      this.retry = window.setTimeout(() => this.open(), delay);
    };
  }
}
