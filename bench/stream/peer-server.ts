// The stream benchmark's peer: the least a WebSocket broadcast can do, with the same `ws`
// library. An HTTP server whose POST /publish takes a message (the exact text Pantau sent for
// the same batch, so the sizes are the same), parses it, answers 200 and then sends it to every
// connected client; upgrades need the same bearer token. No storage, no state, no snapshot
// beyond a fixed message of the snapshot's size. argv[2]: JSON {token, snapshotBytes}.
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const o = JSON.parse(process.argv[2]) as { token: string; snapshotBytes: number };
const snapshot = JSON.stringify({ type: 'snapshot', seq: 0, pad: 'x'.repeat(Math.max(0, o.snapshotBytes - 40)) });
const clients = new Set<WebSocket>();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 4096 });
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url !== '/publish' || req.headers.authorization !== `Bearer ${o.token}`) {
      res.writeHead(404).end();
      return;
    }
    const text = JSON.stringify(JSON.parse(body));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    setImmediate(() => {
      for (const ws of clients) ws.send(text);
    });
  });
});
server.on('upgrade', (req, socket, head) => {
  if (req.headers.authorization !== `Bearer ${o.token}`) return socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
  wss.handleUpgrade(req, socket, head, (ws) => {
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    ws.send(snapshot);
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${a.port}` })}\n`);
});
process.once('SIGTERM', () => {
  for (const ws of clients) ws.terminate();
  server.close(() => process.exit(0));
});
