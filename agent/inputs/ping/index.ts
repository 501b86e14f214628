// The ping input: one fping sweep per cycle over every assigned device with `ping !== false`
// (several devices may share an address); falls back to the `ping` package when fping is
// not installed. A failed sweep emits no samples (it would wrongly mark devices down).
import type { Logger } from '../../../log/logger.js';
import type { PingSample, Sample } from '../../../protocol/samples.js';
import { createLimiter, type Limiter } from '../../concurrency.js';
import type { CycleContext, Input } from '../input.js';
import { pingEach } from './fallback.js';
import { FpingMissingError, fpingSweep, type PingResult } from './fping.js';

export interface PingInputOptions {
  logger: Logger;
  /** fping binary (default /usr/bin/fping, then `fping` on PATH). */
  fpingPath?: string;
  /** Echo requests per address per cycle (default 3). */
  count?: number;
  /** Per-request timeout in ms (default 1000). */
  timeoutMs?: number;
  /** Time between requests to one address, ms (default 200). */
  periodMs?: number;
  /** Concurrent `ping` processes in the fallback (default 20). */
  fallbackConcurrency?: number;
}

export class PingInput implements Input {
  readonly name = 'ping';
  private readonly log: Logger;
  private readonly limiter: Limiter;
  private useFping = true;

  constructor(private readonly opts: PingInputOptions) {
    this.log = opts.logger.child({ component: 'ping' });
    this.limiter = createLimiter(opts.fallbackConcurrency ?? 20);
  }

  async gather(ctx: CycleContext): Promise<Sample[]> {
    const devices = ctx.assignment.devices.filter((d) => d.ping !== false);
    if (devices.length === 0) return [];
    const addresses = [...new Set(devices.map((d) => d.address))];
    const count = this.opts.count ?? 3;
    const timeoutMs = this.opts.timeoutMs ?? 1000;
    let results: Map<string, PingResult>;
    try {
      results = await this.sweep(addresses, count, timeoutMs);
    } catch (err) {
      this.log.error({ err: String(err), devices: devices.length }, 'ping sweep failed; no ping samples this cycle');
      return [];
    }
    const ts = Date.now();
    return devices.map((d): PingSample => {
      const r = results.get(d.address);
      const s: PingSample = { type: 'ping', device: d.id, ts, up: r?.up ?? false, lossPct: r?.lossPct ?? 100 };
      if (r?.rttMs !== undefined) s.rttMs = r.rttMs;
      return s;
    });
  }

  private async sweep(addresses: string[], count: number, timeoutMs: number): Promise<Map<string, PingResult>> {
    if (this.useFping) {
      try {
        return await fpingSweep(addresses, {
          path: this.opts.fpingPath ?? '/usr/bin/fping',
          count,
          timeoutMs,
          periodMs: this.opts.periodMs ?? 200,
        });
      } catch (err) {
        if (!(err instanceof FpingMissingError)) throw err;
        this.useFping = false;
        this.log.warn({ err: err.message }, 'fping not found: falling back to one `ping` process per device (install fping)');
      }
    }
    return pingEach(addresses, count, timeoutMs, this.limiter);
  }
}
