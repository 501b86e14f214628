// A simulated OPD router for `pantau demo` whose link drops now and then (issue 11 part 5): it
// stops answering SNMP for `downMs` every `periodMs`, the first time `firstDownMs` after
// `beginDrops()` (the demo calls it once its wall is up), so a newcomer sees a tile turn down
// (and come back) within a minute. It does not
// reboot: its counters and sysUpTime run on while it is unreachable, and the caller keeps
// setting its counters as traffic flows.
import { startSimRouter, type SimInterface, type SimRouter, type SimRouterOptions } from './snmp-router.js';

export interface DroppingRouterOptions extends SimRouterOptions {
  /** The first drop comes this long after `beginDrops()` (default 20 s), then one every `periodMs` (default 10 min), each `downMs` long (default 90 s). */
  firstDownMs?: number;
  periodMs?: number;
  downMs?: number;
  /** Told when the link drops or comes back (the demo logs it). */
  onChange?: (up: boolean) => void;
}

export interface DroppingRouter extends Pick<SimRouter, 'port' | 'setCounters' | 'get' | 'stop'> {
  isUp(): boolean;
  /** Starts the schedule of drops (once). */
  beginDrops(): void;
}

export async function startDroppingRouter(o: DroppingRouterOptions): Promise<DroppingRouter> {
  const startedAt = Date.now();
  const ifaces = new Map<number, SimInterface>(o.interfaces.map((i) => [i.index, { ...i }]));
  let sim: SimRouter | undefined = await startSimRouter(o);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const schedule = (ms: number, fn: () => Promise<void>) => {
    timer = setTimeout(() => void fn().catch(() => undefined), ms);
  };
  const drop = async () => {
    if (stopped) return;
    for (const index of ifaces.keys()) ifaces.set(index, sim!.get(index));
    const s = sim;
    sim = undefined;
    await s?.stop();
    o.onChange?.(false);
    schedule(o.downMs ?? 90_000, back);
  };
  const back = async () => {
    if (stopped) return;
    // Not rebooted: the counters as they ran meanwhile, sysUpTime counted from the first start.
    const uptime = (o.uptime ?? 0) + Math.round((Date.now() - startedAt) / 10);
    sim = await startSimRouter({ ...o, uptime, interfaces: [...ifaces.values()] });
    o.onChange?.(true);
    schedule((o.periodMs ?? 600_000) - (o.downMs ?? 90_000), drop);
  };
  let begun = false;
  return {
    beginDrops() {
      if (begun || stopped) return;
      begun = true;
      schedule(o.firstDownMs ?? 20_000, drop);
    },
    port: o.port,
    isUp: () => sim !== undefined,
    setCounters(index, inOctets, outOctets) {
      if (sim) sim.setCounters(index, inOctets, outOctets);
      else {
        const i = ifaces.get(index)!;
        ifaces.set(index, { ...i, inOctets, outOctets });
      }
    },
    get(index) {
      return sim ? sim.get(index) : { ...ifaces.get(index)! };
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await sim?.stop();
    },
  };
}
