// The host input: this machine's uptime, CPU %, memory %, disks and network bytes through
// systeminformation. Every call runs under its own timeout: a `df` hung on a stale NFS mount
// costs this cycle its disks, never the cycle. A call still hung from an earlier cycle is not
// started again (no pile-up of stuck processes).
import { readFile } from 'node:fs/promises';
import si from 'systeminformation';
import type { Logger } from '../../../log/logger.js';
import type { HostSample, Sample } from '../../../protocol/samples.js';
import { withTimeout } from '../../concurrency.js';
import type { CycleContext, Input } from '../input.js';

export interface HostInputOptions {
  logger: Logger;
  /** Device id the host sample is reported under. */
  device: string;
  /** Timeout of each systeminformation call, ms (default 5000). */
  callTimeoutMs?: number;
  /** Replaceable calls (a test makes fsSize hang); defaults are systeminformation's. */
  calls?: Partial<HostCalls>;
}

export interface HostCalls {
  cpuPct(): Promise<number>;
  memUsedPct(): Promise<number>;
  disks(): Promise<{ mount: string; usedPct: number }[]>;
  net(): Promise<{ rx: bigint; tx: bigint }>;
}

const defaultCalls: HostCalls = {
  cpuPct: async () => (await si.currentLoad()).currentLoad,
  memUsedPct: async () => {
    const m = await si.mem();
    return m.total > 0 ? ((m.total - m.available) / m.total) * 100 : 0;
  },
  disks: async () =>
    (await si.fsSize()).filter((f) => f.size > 0).map((f) => ({ mount: f.mount, usedPct: round(f.use) })),
  net: async () => {
    // Linux: read /proc/net/dev without blocking. systeminformation's networkStats runs
    // execSync there, which held the agent's event loop (and its SNMP answers) for 1.4 s a cycle.
    if (process.platform === 'linux') return procNetDev(await readFile('/proc/net/dev', 'utf8'));
    let rx = 0n;
    let tx = 0n;
    for (const n of await si.networkStats('*')) {
      if (n.iface === 'lo') continue;
      rx += BigInt(Math.max(0, Math.trunc(n.rx_bytes)));
      tx += BigInt(Math.max(0, Math.trunc(n.tx_bytes)));
    }
    return { rx, tx };
  },
};

export class HostInput implements Input {
  readonly name = 'host';
  private readonly log: Logger;
  private readonly calls: HostCalls;
  private readonly pending = new Set<keyof HostCalls>();

  constructor(private readonly opts: HostInputOptions) {
    this.log = opts.logger.child({ component: 'host', device: opts.device });
    this.calls = { ...defaultCalls, ...opts.calls };
  }

  async gather(ctx: CycleContext): Promise<Sample[]> {
    const [cpu, mem, disks, net] = await Promise.all([
      this.call('cpuPct'),
      this.call('memUsedPct'),
      this.call('disks'),
      this.call('net'),
    ]);
    if (cpu === undefined || mem === undefined) {
      this.log.warn('no CPU or memory figures this cycle; host sample skipped');
      return [];
    }
    const s: HostSample = {
      type: 'host',
      device: this.opts.device,
      ts: ctx.ts,
      uptimeS: Math.round(si.time().uptime),
      cpuPct: round(cpu),
      memUsedPct: round(mem),
    };
    if (disks) s.disks = disks;
    if (net) {
      s.rxBytes = net.rx;
      s.txBytes = net.tx;
    }
    return [s];
  }

  private async call<K extends keyof HostCalls>(name: K): Promise<Awaited<ReturnType<HostCalls[K]>> | undefined> {
    if (this.pending.has(name)) {
      this.log.warn({ call: name }, 'previous call still hung; skipped this cycle');
      return undefined;
    }
    const ms = this.opts.callTimeoutMs ?? 5000;
    this.pending.add(name);
    const p = (this.calls[name]() as Promise<Awaited<ReturnType<HostCalls[K]>>>).finally(() => this.pending.delete(name));
    try {
      return await withTimeout(p, ms, `${name} did not answer within ${ms} ms`);
    } catch (err) {
      this.log.warn({ call: name, err: err instanceof Error ? err.message : String(err) }, 'host metric unavailable this cycle; the cycle goes on without it');
      return undefined;
    }
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Received and sent bytes of every interface but `lo`, from /proc/net/dev's text. */
export function procNetDev(text: string): { rx: bigint; tx: bigint } {
  let rx = 0n;
  let tx = 0n;
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim() === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/);
    // Receive: bytes packets errs drop fifo frame compressed multicast; then transmit: bytes ...
    if (f.length < 9 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[8])) continue;
    rx += BigInt(f[0]);
    tx += BigInt(f[8]);
  }
  return { rx, tx };
}
