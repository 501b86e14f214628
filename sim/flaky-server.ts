// A simulated OPD application server for `pantau demo` that goes down for a few minutes now
// and then (issue 10 part 5): a net-snmp agent on loopback that stops answering for `downMs`
// every `periodMs`, so the demo's agent reports failed polls, device_down fires and resolves,
// and GET /uptime and the report show outages. `history()` gives the month and a half before
// the demo started: polls every interval with a short outage every few days and one stretch
// in which the agent was silent (unknown time, reported apart).
import type { PollSample } from '../protocol/samples.js';
import { startSimRouter, type SimRouter } from './snmp-router.js';

export interface FlakyServerOptions {
  port: number;
  /** How often an outage starts (default 15 min) and how long it lasts (default 3 min). */
  periodMs?: number;
  downMs?: number;
  /** The first outage starts this long after the start (default 2 min: a short look at the demo sees one). */
  firstDownMs?: number;
  /** Told when the server goes down or comes back (the demo logs it). */
  onChange?: (up: boolean) => void;
}

export interface FlakyServer {
  readonly port: number;
  isUp(): boolean;
  stop(): Promise<void>;
}

const eth0 = () => [{ index: 1, name: 'eth0', bits: 64 as const, inOctets: 5n * 10n ** 10n, outOctets: 10n ** 11n, speedMbps: 1000, operUp: true }];

export async function startFlakyServer(o: FlakyServerOptions): Promise<FlakyServer> {
  const period = o.periodMs ?? 15 * 60_000;
  const down = o.downMs ?? 3 * 60_000;
  let sim: SimRouter | undefined = await startSimRouter({ port: o.port, interfaces: eth0(), uptime: 8_640_000_00 });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (ms: number, fn: () => Promise<void>) => {
    timer = setTimeout(() => void fn().catch(() => undefined), ms);
  };
  const goDown = async () => {
    if (stopped) return;
    const s = sim;
    sim = undefined;
    await s?.stop();
    o.onChange?.(false);
    schedule(down, comeBack);
  };
  const comeBack = async () => {
    if (stopped) return;
    sim = await startSimRouter({ port: o.port, interfaces: eth0(), uptime: 0 }); // rebooted
    o.onChange?.(true);
    schedule(period - down, goDown);
  };
  schedule(o.firstDownMs ?? 2 * 60_000, goDown);
  return {
    port: o.port,
    isUp: () => sim !== undefined,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await sim?.stop();
    },
  };
}

/**
 * Poll results of `device` every `intervalMs` over [from, to): an outage of 2 to 6 minutes
 * every third day (at varying hours), and 50 minutes with nothing at all (the agent silent) on
 * the 8th day.
 */
export function flakyHistory(device: string, from: number, to: number, intervalMs: number): PollSample[] {
  const out: PollSample[] = [];
  const day = 86_400_000;
  for (let t = from; t < to; t += intervalMs) {
    const d = Math.floor((t - from) / day);
    const inDay = (t - from) % day;
    if (d === 7 && inDay >= 14 * 3600_000 && inDay < 14 * 3600_000 + 50 * 60_000) continue; // agent silent
    const outageAt = (3 + ((d * 7) % 12)) * 3600_000 + 17 * 60_000;
    const outageLen = (2 + (d % 5)) * 60_000;
    const isDown = d % 3 === 1 && inDay >= outageAt && inDay < outageAt + outageLen;
    out.push(isDown ? { type: 'poll', device, ts: t, ok: false, error: 'snmp: no answer from 127.0.0.1:161 within 2 tries (device down or unreachable)' } : { type: 'poll', device, ts: t, ok: true });
  }
  return out;
}
