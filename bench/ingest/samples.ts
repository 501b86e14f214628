// The sample set shared by the ingest and storage benchmarks: DEVICES routers × IFACES
// interfaces polled every 60 s, counters rising at a per-interface rate (log-uniform between
// 1 kB/s and 100 MB/s, ±50 % per interval), deterministic so both stores receive the same data.
// Each batch is encoded twice up front: Pantau's JSON ingest body and InfluxDB line protocol.
import { rng } from '../../sim/rng.js';

export interface SampleSetOptions {
  devices: number;
  ifaces: number;
  cycles: number;
  /** Samples per HTTP request (both sides). */
  batchSize: number;
  agent: string;
  /** First poll time, ms since the epoch. */
  startMs?: number;
}

export interface EncodedBatch {
  id: string;
  count: number;
  json: string;
  lines: string;
}


export const deviceId = (d: number) => `rtr-${String(d).padStart(4, '0')}`;
export const ifaceName = (i: number) => `ether${i + 1}`;

export function buildSampleSet(o: SampleSetOptions): EncodedBatch[] {
  const rand = rng(20261124);
  const n = o.devices * o.ifaces;
  const rate = new Float64Array(n); // bytes per second, per direction pair below
  const inC = new Array<bigint>(n);
  const outC = new Array<bigint>(n);
  for (let k = 0; k < n; k++) {
    rate[k] = 10 ** (3 + rand() * 5);
    inC[k] = BigInt(Math.floor(rand() * 2 ** 40));
    outC[k] = BigInt(Math.floor(rand() * 2 ** 40));
  }
  const speed = [100_000_000, 1_000_000_000, 10_000_000_000];
  const start = o.startMs ?? Date.UTC(2026, 10, 1);
  const batches: EncodedBatch[] = [];
  let json: string[] = [];
  let lines: string[] = [];
  const flush = (id: string) => {
    if (!json.length) return;
    batches.push({
      id,
      count: json.length,
      json: `{"agent":"${o.agent}","batch":"${id}","samples":[${json.join(',')}]}`,
      lines: lines.join('\n'),
    });
    json = [];
    lines = [];
  };
  for (let c = 0; c < o.cycles; c++) {
    const ts = start + c * 60_000;
    const uptime = 360_000 + c * 6000; // hundredths of a second
    for (let d = 0; d < o.devices; d++) {
      const dev = deviceId(d);
      for (let i = 0; i < o.ifaces; i++) {
        const k = d * o.ifaces + i;
        inC[k] += BigInt(Math.floor(rate[k] * 60 * (0.5 + rand())));
        outC[k] += BigInt(Math.floor(rate[k] * 0.3 * 60 * (0.5 + rand())));
        const sp = speed[k % 3];
        const up = k % 17 !== 0;
        const ifn = ifaceName(i);
        json.push(
          `{"type":"iface","device":"${dev}","interface":"${ifn}","ts":${ts},"inOctets":"${inC[k]}","outOctets":"${outC[k]}","bits":64,"uptime":${uptime},"operUp":${up},"speedBps":${sp}}`,
        );
        lines.push(`iface,bits=64,device=${dev},interface=${ifn} in=${inC[k]}i,out=${outC[k]}i,uptime=${uptime}i,oper=${up},speed=${sp}i ${ts}`);
        if (json.length === o.batchSize) flush(`c${c}-b${batches.length}`);
      }
    }
  }
  flush(`c${o.cycles}-b${batches.length}`);
  return batches;
}
