// One fping sweep over many addresses: `fping -C COUNT -q -t TIMEOUT -p PERIOD -r 0 ADDR...`.
// fping prints one line per target on stderr: "10.20.1.1 : 0.41 0.39 -" ("-" = no reply).
import { spawn } from 'node:child_process';

export interface PingResult {
  up: boolean;
  rttMs?: number;
  lossPct: number;
}

export interface FpingOptions {
  path: string;
  count: number;
  timeoutMs: number;
  periodMs: number;
}

/** Thrown when the fping binary cannot be run at all (the input then falls back). */
export class FpingMissingError extends Error {}

export function fpingSweep(addresses: string[], o: FpingOptions): Promise<Map<string, PingResult>> {
  return new Promise((resolve, reject) => {
    const args = ['-C', String(o.count), '-q', '-t', String(o.timeoutMs), '-p', String(o.periodMs), '-r', '0', '-i', '1', ...addresses];
    const child = spawn(o.path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.stderr.on('data', (d: Buffer) => (text += d.toString()));
    // Bounded: a sweep lasts about count × period + timeout; kill it well after that.
    const killer = setTimeout(() => child.kill('SIGKILL'), o.count * o.periodMs + o.timeoutMs + 10_000);
    child.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(killer);
      reject(e.code === 'ENOENT' || e.code === 'EACCES' ? new FpingMissingError(`${o.path}: ${e.message}`) : e);
    });
    child.once('close', (code) => {
      clearTimeout(killer);
      // Exit 1: some targets unreachable; 2: some addresses not found. Both still report the rest.
      if (code !== null && code > 2) return reject(new Error(`fping exited with ${code}: ${text.trim().slice(0, 300)}`));
      resolve(parseFping(text, o.count));
    });
  });
}

export function parseFping(text: string, count: number): Map<string, PingResult> {
  const out = new Map<string, PingResult>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+:\s+([-\d.\s]+)$/.exec(line.trim());
    if (!m) continue;
    const vals = m[2].trim().split(/\s+/);
    const rtts = vals.filter((v) => v !== '-').map(Number).filter(Number.isFinite);
    const sent = Math.max(vals.length, count);
    const r: PingResult = { up: rtts.length > 0, lossPct: Math.round(((sent - rtts.length) / sent) * 1000) / 10 };
    if (rtts.length > 0) r.rttMs = Math.round((rtts.reduce((a, b) => a + b, 0) / rtts.length) * 1000) / 1000;
    out.set(m[1], r);
  }
  return out;
}
