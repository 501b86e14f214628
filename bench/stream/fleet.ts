// The deployment the stream and wall benchmarks run against: 60 OPDs and 2,000 devices, with
// the tokens and the ping batches the load generators send.
export interface WallChildOptions {
  sqlite: string;
  opds: number;
  devices: number;
  /** The stream's coalescing window (default: the collector's, 1000 ms). */
  coalesceMs?: number;
  /** Compressed time: the collector's clock runs this many times faster than real time, from t0. */
  speed?: number;
  t0?: number;
  /** Alerts firing from the start (the problems list). */
  alerts?: number;
  /** Collector time between two more alerts firing; each resolves `alertLifeMs` (default 30 min) later. */
  alertEveryMs?: number;
  alertLifeMs?: number;
}

export interface FleetDevice {
  id: string;
  opd: string;
  kind: 'router' | 'server';
  address: string;
}

export const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function fleet(nOpds: number, nDevices: number) {
  const opds = Array.from({ length: nOpds }, (_, i) => ({ id: `opd${pad(i + 1, 2)}`, name: `Dinas Komunikasi dan Informatika ${pad(i + 1, 2)}`, router: `dev${pad(i, 4)}` }));
  // Device d belongs to OPD d mod n; the first five rounds are routers (the OPD's first is its uplink).
  const devices: FleetDevice[] = Array.from({ length: nDevices }, (_, d) => ({
    id: `dev${pad(d, 4)}`,
    opd: opds[d % nOpds].id,
    kind: Math.floor(d / nOpds) < 5 ? 'router' : 'server',
    address: `10.${Math.floor(d / 250)}.${d % 250}.1`,
  }));
  return {
    opds,
    devices,
    agent: 'bench-agent',
    agentToken: 'bench-agent-token-0123456789',
    viewerToken: 'bench-viewer-token-0123456789',
    operatorToken: 'bench-operator-token-012345678',
  };
}

/** An ingest body: a ping sample at `ts` for each of `ids`, up or down as `up(index)` says. */
export function pingBatch(batch: string, ids: string[], up: (i: number) => boolean, ts: number): string {
  return JSON.stringify({ agent: 'bench-agent', batch, samples: ids.map((device, i) => ({ type: 'ping', device, ts, up: up(i) })) });
}
