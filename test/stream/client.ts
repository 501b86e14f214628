// A node `ws` client for stream tests: messages are queued, `next()` takes them in order.
import WebSocket from 'ws';

export interface StreamClient {
  ws: WebSocket;
  next(): Promise<any>;
  /** Messages received and not yet taken. */
  queued(): any[];
  closed: Promise<number>;
}

export function openStream(url: string, opts: { token?: string; query?: string; headers?: Record<string, string>; autoPong?: boolean } = {}): Promise<StreamClient> {
  const u = url.replace(/^http/, 'ws') + '/api/v1/stream' + (opts.query ? `?${opts.query}` : '');
  const ws = new WebSocket(u, {
    headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
    autoPong: opts.autoPong ?? true,
  });
  const queue: any[] = [];
  const waiting: ((m: any) => void)[] = [];
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString());
    const w = waiting.shift();
    if (w) w(m);
    else queue.push(m);
  });
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    ws.once('open', () =>
      resolve({
        ws,
        closed,
        queued: () => queue,
        next: () => (queue.length ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r))),
      }),
    );
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.once('error', (e) => reject(e));
  });
}
