// Real peers for the notifier tests, on loopback: a webhook receiver and a fake Telegram Bot
// API (POST /bot<token>/sendMessage), both node:http, each answering as the test tells it.
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface HttpPeer {
  url: string;
  /** Every request received, failed or not. */
  requests: Received[];
  /** Requests answered with 2xx. */
  delivered: Received[];
  /** The status (and body) of the next answers; 200 by default. */
  answer: { status: number; body?: unknown; headers?: Record<string, string> };
  reset(): void;
  close(): Promise<void>;
}

async function listen(handle: (r: Received) => { status: number; body?: unknown; headers?: Record<string, string> }): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* kept as text */
      }
      const a = handle({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
      res.end(JSON.stringify(a.body ?? { ok: a.status < 300 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { server, url: `http://127.0.0.1:${port}` };
}

function peer(route: (r: Received) => boolean): Promise<HttpPeer> {
  const p: Partial<HttpPeer> = { requests: [], delivered: [], answer: { status: 200 } };
  return listen((r) => {
    p.requests!.push(r);
    if (!route(r)) return { status: 404, body: { ok: false, description: 'Not Found' } };
    const a = p.answer!;
    if (a.status >= 200 && a.status < 300) p.delivered!.push(r);
    return a;
  }).then(({ server, url }) =>
    Object.assign(p, {
      url,
      reset() {
        p.requests!.length = 0;
        p.delivered!.length = 0;
        p.answer = { status: 200 };
      },
      close: () => new Promise<void>((r) => server.close(() => r())),
    }) as HttpPeer,
  );
}

export const startWebhookReceiver = (): Promise<HttpPeer> => peer((r) => r.path === '/hook');

/** The Bot API's sendMessage for one bot token: `{ok: true, result: {...}}`. */
export const startFakeTelegram = (token: string): Promise<HttpPeer> => peer((r) => r.path === `/bot${token}/sendMessage`);
