// A bound on open connections, so slow or idle clients cannot take every file descriptor.
// One client address holds at most `perAddress` connections (more are closed at once). At
// `max`, a new connection evicts the oldest one that has no request in progress (a slow
// header, an idle keep-alive), or is itself closed when every connection is busy. A request
// is in progress from its complete headers to the end of its answer.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  max: number;
  perAddress: number;
}

/** `accepted`: a connection kept; the others: a connection closed by the guard, and why. */
export type ConnectionEvent = 'accepted' | 'per_address' | 'evicted' | 'full';

interface Tracked {
  address: string;
  busy: number;
}

/** Installs the guard on `server`; returns the number of open connections (for /metrics). */
export function guardConnections(server: Server, limits: ConnectionLimits, count: (e: ConnectionEvent) => void): () => number {
  // Insertion order is age: the first idle entry is the oldest idle connection.
  const open = new Map<Socket, Tracked>();
  const byAddress = new Map<string, number>();

  const forget = (s: Socket): void => {
    const t = open.get(s);
    if (!t) return;
    open.delete(s);
    const n = (byAddress.get(t.address) ?? 1) - 1;
    if (n <= 0) byAddress.delete(t.address);
    else byAddress.set(t.address, n);
  };

  server.on('connection', (s: Socket) => {
    const address = s.remoteAddress ?? 'unknown';
    if ((byAddress.get(address) ?? 0) >= limits.perAddress) {
      count('per_address');
      s.destroy();
      return;
    }
    if (open.size >= limits.max) {
      let victim: Socket | undefined;
      for (const [sock, t] of open)
        if (t.busy === 0) {
          victim = sock;
          break;
        }
      if (!victim) {
        count('full');
        s.destroy();
        return;
      }
      count('evicted');
      forget(victim);
      victim.destroy();
    }
    count('accepted');
    open.set(s, { address, busy: 0 });
    byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
    s.once('close', () => forget(s));
  });

  server.on('request', (req, res) => {
    // Over TLS the request's socket wraps the TCP socket the guard counted.
    const sock = req.socket as Socket & { _parent?: Socket };
    const t = open.get(sock) ?? (sock._parent ? open.get(sock._parent) : undefined);
    if (!t) return;
    t.busy++;
    let done = false;
    const end = (): void => {
      if (done) return;
      done = true;
      t.busy--;
    };
    res.once('finish', end);
    res.once('close', end);
  });

  return () => open.size;
}
