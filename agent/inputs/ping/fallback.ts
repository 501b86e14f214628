// Without fping: one system `ping` per address through the `ping` package, with bounded
// concurrency. Slower and heavier than one fping sweep; it exists for machines without fping.
import ping from 'ping';
import type { Limiter } from '../../concurrency.js';
import type { PingResult } from './fping.js';

export async function pingEach(addresses: string[], count: number, timeoutMs: number, limiter: Limiter): Promise<Map<string, PingResult>> {
  const out = new Map<string, PingResult>();
  await Promise.all(
    addresses.map((addr) =>
      limiter.run(async () => {
        const r = await ping.promise.probe(addr, {
          timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
          min_reply: count,
          v6: addr.includes(':'),
        });
        const loss = Number(r.packetLoss);
        const res: PingResult = { up: r.alive, lossPct: Number.isFinite(loss) ? loss : r.alive ? 0 : 100 };
        const t = Number(r.avg);
        if (r.alive && Number.isFinite(t)) res.rttMs = t;
        out.set(addr, res);
      }),
    ),
  );
  return out;
}
