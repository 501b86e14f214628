// Drives a real `pantau collector` process with ingest and every read path while the collector
// forces a full garbage collection every `gcEveryMs` (the PANTAU_TEST_GC_EVERY_MS hook). Issue 13:
// with better-sqlite3 12 on Node 24.19+ a native handle finalised by the garbage collector
// aborts the process (SIGABRT); this is how a test and the 10-minute soak (bench/soak-gc) look for it.
// Bounded: it stops after `durationMs` or `maxRounds`, whichever comes first.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeTcpPort, healthy, spawnPantau, writeConfig } from './processes.js';

export interface SoakResult {
  rounds: number;
  samples: number;
  requests: number;
  failures: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  gcRuns: number;
  peakRssMiB: number;
  log: string;
}

const AGENT = 'soak-agent-token-0000001';
const VIEWER = 'soak-viewer-token-000001';
const DEVICES = 20;
const IFACES = 8;

export async function gcSoak(o: { durationMs: number; maxRounds: number; gcEveryMs: number; onRound?: (r: number) => void }): Promise<SoakResult> {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-soak-'));
  const port = await freeTcpPort();
  const ids = Array.from({ length: DEVICES }, (_, i) => `r${i}`);
  const cfg = writeConfig(
    dir,
    'collector.yaml',
    `timezone: Asia/Jakarta
listen: 127.0.0.1:${port}
store: { sqlite: ${JSON.stringify(join(dir, 'pantau.db'))} }
limits: { ratePerToken: 100000, ratePerAddress: 100000 }
auth: { users: [ { name: wall, role: viewer, token: ${VIEWER} } ] }
agents: [ { id: a1, token: ${AGENT}, intervalSeconds: 60, poll: [${ids.join(', ')}] } ]
opds: [ { id: dinkes, name: Dinas Kesehatan, quota: { volumeGB: 100, rateMbps: 100 }, uplinks: [ { device: r0, interface: ether1 } ] } ]
devices:
${ids.map((d) => `  - { id: ${d}, opd: dinkes, kind: router, address: 127.0.0.1, snmp: { version: 2c, community: public, port: 16161 } }`).join('\n')}
`,
  );
  const p = spawnPantau(['collector', '--config', cfg], { PANTAU_TEST_GC_EVERY_MS: String(o.gcEveryMs), PANTAU_LOG_LEVEL: 'warn' });
  const url = `http://127.0.0.1:${port}`;
  const res: SoakResult = { rounds: 0, samples: 0, requests: 0, failures: [], exitCode: null, signal: null, gcRuns: 0, peakRssMiB: 0, log: '' };
  try {
    await healthy(url, 60_000);
    const start = Date.now();
    const t0 = start - 2 * 86_400_000; // one second per round from two days ago: always inside the acceptance window, never ahead of the clock
    const month = new Date(t0 + 7 * 3_600_000).toISOString().slice(0, 7); // the month the samples fall in (WIB)
    const reads = ['/healthz', '/metrics', '/api/v1/status', `/api/v1/usage?month=${month}`, '/api/v1/alerts?state=all', `/api/v1/series?device=r0&interface=ether1&from=${t0}&to=${start}`];
    while (Date.now() - start < o.durationMs && res.rounds < o.maxRounds && p.child.exitCode === null) {
      const ts = Math.min(t0 + res.rounds * 1_000, Date.now() - 1_000);
      const samples = [];
      for (const d of ids)
        for (let i = 1; i <= IFACES; i++) {
          const v = BigInt(res.rounds) * 1_000_000n + BigInt(i);
          samples.push({ type: 'iface', device: d, interface: `ether${i}`, ts, inOctets: v.toString(), outOctets: (v / 2n).toString(), bits: 64, uptime: 1000 + res.rounds * 1000 });
        }
      samples.push({ type: 'iface', device: 'r1', interface: 'ether1', ts: ts + 1, inOctets: 'garbage', outOctets: '1', bits: 64 });
      const r = await fetch(url + '/api/v1/ingest', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${AGENT}` },
        body: JSON.stringify({ agent: 'a1', batch: `soak-${res.rounds}`, samples }),
      });
      res.requests++;
      const ack = (await r.json()) as { stored?: number; refusedCount?: number };
      if (r.status !== 200) res.failures.push(`ingest round ${res.rounds}: HTTP ${r.status} ${JSON.stringify(ack)}`);
      else if (ack.stored !== samples.length - 1 || ack.refusedCount !== 1) res.failures.push(`ingest round ${res.rounds}: stored ${ack.stored} of ${samples.length - 1}, refused ${ack.refusedCount}`);
      else res.samples += ack.stored;
      for (const path of reads) {
        const q = await fetch(url + path, { headers: { authorization: `Bearer ${VIEWER}` } });
        await q.arrayBuffer();
        res.requests++;
        if (q.status !== 200) res.failures.push(`${path} round ${res.rounds}: HTTP ${q.status}`);
      }
      try {
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.child.pid}/status`, 'utf8'));
        if (m) res.peakRssMiB = Math.max(res.peakRssMiB, Number(m[1]) / 1024);
      } catch {
        /* the process is gone: the loop ends on its exit code */
      }
      res.rounds++;
      o.onRound?.(res.rounds);
    }
  } finally {
    res.exitCode = await p.stop('SIGTERM');
    res.signal = p.child.signalCode;
    res.log = p.log();
    res.gcRuns = Number(/(\d+) forced garbage collections/.exec(res.log)?.[1] ?? 0);
    rmSync(dir, { recursive: true, force: true });
  }
  return res;
}
