// A raw HTTP/1.1 client for tests that must control what reaches the wire: a request whose
// body is sent only in part, garbage instead of a request line.
import net from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `head` (request line and headers, without the blank line) and `body` bytes, and
 * resolves with the first answer. The socket stays open after `body` (the rest of a longer
 * announced body never comes), so an answer proves the server did not wait for it.
 */
export function rawRequest(port: number, head: string, body: Buffer = Buffer.alloc(0), timeoutMs = 10_000, localAddress?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (a: RawAnswer) => {
      clearTimeout(timer);
      s.destroy();
      resolve(a);
    };
    s.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    s.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      const text = got.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) headers[l.slice(0, l.indexOf(':')).toLowerCase()] = l.slice(l.indexOf(':') + 1).trim();
      const len = Number(headers['content-length'] ?? 0);
      if (got.length - end - 4 < len) return;
      done({ status: Number(statusLine.split(' ')[1]), headers, body: got.subarray(end + 4, end + 4 + len).toString('utf8') });
    });
    s.write(head + '\r\n\r\n');
    if (body.length) s.write(body);
  });
}
