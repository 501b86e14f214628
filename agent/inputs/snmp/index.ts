// The SNMP input: polls every assigned device with `snmp` credentials once per cycle.
// One session per device, reused (all on one shared UDP socket per address family, udp.ts); requests
// across devices bounded by one limiter; each device under its own deadline so a dead or
// slow router never stalls the others.
import type { Logger } from '../../../log/logger.js';
import { OncePer } from '../../../log/once-per.js';
import type { AssignedDevice, SnmpCredentials } from '../../../protocol/assignment.js';
import type { PollSample, Sample } from '../../../protocol/samples.js';
import { createLimiter, withTimeout, type Limiter } from '../../concurrency.js';
import { collectEvery } from '../../memory.js';
import type { CycleContext, Input } from '../input.js';
import { pollDevice } from './poll.js';
import { describeSnmpError, openSession, sessionKey, type DeviceSession } from './session.js';
import { UdpClient } from './udp.js';

export interface SnmpInputOptions {
  logger: Logger;
  /** SNMP requests in flight across all devices (default 50). */
  maxInFlight?: number;
  /** Upper bound of one device's poll in ms (default: 80 % of the interval, at most 50 s). */
  deviceDeadlineMs?: number;
  /** Rows of every column per GetBulk request (default 10). */
  rowsPerRequest?: number;
  /** A full garbage collection after this many devices within a cycle (default 100; 0: never). */
  gcEveryDevices?: number;
  /** The clock of the hourly log of a device's warnings (tests). */
  now?: () => number;
}

type SnmpDevice = AssignedDevice & { snmp: SnmpCredentials };

export class SnmpInput implements Input {
  readonly name = 'snmp';
  private readonly sessions = new Map<string, DeviceSession>();
  private readonly udp = new UdpClient();
  private readonly limiter: Limiter;
  private readonly log: Logger;
  /** A device's poll warnings are logged once an hour, not every cycle (they stay on /status). */
  private readonly warned: OncePer;

  constructor(private readonly opts: SnmpInputOptions) {
    this.limiter = createLimiter(opts.maxInFlight ?? 50);
    this.log = opts.logger.child({ component: 'snmp' });
    this.warned = new OncePer(3_600_000, opts.now);
  }

  async gather(ctx: CycleContext): Promise<Sample[]> {
    const devices = ctx.assignment.devices.filter((d): d is SnmpDevice => d.snmp !== undefined);
    this.sync(devices);
    const deadline = this.opts.deviceDeadlineMs ?? Math.min(ctx.intervalS * 800, 50_000);
    const tick = collectEvery(this.opts.gcEveryDevices ?? 100);
    const results = await Promise.all(devices.map((d) => this.pollOne(d, ctx.intervalS, deadline).finally(tick)));
    return results.flat();
  }

  private async pollOne(d: SnmpDevice, intervalS: number, deadlineMs: number): Promise<Sample[]> {
    const ds = this.sessions.get(d.id)!;
    const t0 = Date.now();
    const log = this.log.child({ device: d.id });
    try {
      const r = await withTimeout(
        pollDevice(d.id, ds, this.limiter, intervalS, this.opts.rowsPerRequest),
        deadlineMs,
        `snmp: poll did not finish within ${deadlineMs} ms (device too slow or too many devices for the interval)`,
      );
      const poll: PollSample = { type: 'poll', device: d.id, ts: t0, ok: true, durationMs: Date.now() - t0 };
      if (r.warnings.length > 0) {
        poll.warnings = r.warnings;
        if (this.warned.due(d.id)) {
          log.warn({ warnings: r.warnings }, 'poll warnings (shown on /status; logged again in an hour): some figures of this device are unknown or ambiguous');
        }
      }
      return [...r.samples, poll];
    } catch (err) {
      const error = err instanceof Error && err.message.startsWith('snmp: ') ? err.message : describeSnmpError(err, ds);
      log.warn({ error, address: d.address }, 'SNMP poll failed; other devices go on, retrying next cycle');
      return [{ type: 'poll', device: d.id, ts: t0, ok: false, error, durationMs: Date.now() - t0 }];
    }
  }

  /** Opens sessions for new devices, reopens changed ones, closes removed ones. */
  private sync(devices: SnmpDevice[]): void {
    const wanted = new Set(devices.map((d) => d.id));
    for (const id of [...this.sessions.keys()]) if (!wanted.has(id)) this.sessions.delete(id);
    for (const d of devices) {
      const cur = this.sessions.get(d.id);
      if (cur && cur.key === sessionKey(d)) continue;
      this.sessions.set(d.id, openSession(d, this.udp));
    }
  }

  close(): void {
    this.sessions.clear();
    this.udp.close();
  }
}
