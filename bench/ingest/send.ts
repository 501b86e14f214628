// The load generator: sends prepared request bodies over keep-alive HTTP with a fixed number
// in flight, checks every answer, and times the whole run. Same code for both targets.
import http from 'node:http';

export interface SendResult {
  seconds: number;
  samples: number;
  requests: number;
}

export async function sendAll(
  url: string,
  bodies: { body: string; count: number }[],
  o: { concurrency: number; headers: Record<string, string>; okStatus: number },
): Promise<SendResult> {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: 'POST', agent, headers: { ...o.headers, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            res.statusCode === o.okStatus ? resolve() : reject(new Error(`${url}: HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`)),
          );
        },
      );
      req.setTimeout(120000, () => req.destroy(new Error(`${url}: no answer within 120 s`)));
      req.on('error', reject);
      req.end(body);
    });
  let next = 0;
  let samples = 0;
  const t0 = process.hrtime.bigint();
  const worker = async () => {
    while (next < bodies.length) {
      const b = bodies[next++];
      await post(b.body);
      samples += b.count;
    }
  };
  try {
    await Promise.all(Array.from({ length: o.concurrency }, worker));
  } finally {
    agent.destroy();
  }
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, samples, requests: bodies.length };
}
