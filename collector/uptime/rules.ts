// device_down and agent_silent, observed on the alert engine (collector/alerts: flapping,
// dependencies, silences, ack, notifications, audit). `evaluate(at)` is called by the
// collector's rules timer (every minute) and by tests with explicit times; the state lives in
// the store (observations, heartbeats, alerts, the engine's state), so a restart changes
// nothing but the reference time of agents never heard from.
// - agent_silent: no batch for three of the agent's intervals (an agent never heard from:
//   three intervals after the first evaluation); resolves with its next batch.
// - device_down: down for `uptime.forSeconds` (default two intervals); resolves once up for
//   `uptime.clearSeconds`. A device that is unknown (its agent silent, the device it stands
//   behind down, no recent observation) is not judged: no alert is raised, and one already
//   firing stays until the device is seen up (unknown is not "recovered").
import type { CollectorConfig } from '../../config/collector.js';
import type { AlertEngine } from '../alerts/engine.js';
import type { AlertInput } from '../rules/alert-store.js';
import { HOLD_INTERVALS, SILENT_INTERVALS, type UptimeService } from './service.js';

const LOOKBACK_MS = 3600_000;

export class UptimeRules {
  private startedAt: number | undefined;

  constructor(
    private readonly cfg: CollectorConfig,
    private readonly uptime: UptimeService,
    private readonly engine: AlertEngine,
  ) {}

  /** `device_down` needs this long down. */
  forMs(device: string): number {
    const s = this.cfg.uptime.forSeconds;
    return s !== undefined ? s * 1000 : HOLD_INTERVALS * this.uptime.intervalMs(device);
  }

  /**
   * Observes every agent and device on the alert engine at `at` (one transaction: the engine's
   * state is written once; one device failing does not keep the others from being judged). Agents first, then devices in config order, so a router's and an
   * agent's state is known before the devices behind them are judged.
   */
  evaluate(at: number): void {
    this.startedAt ??= at;
    this.engine.batch('up-time rules', (guard) => {
      for (const a of this.cfg.agents) guard(() => this.agent(a, at));
      for (const d of this.cfg.devices) guard(() => this.device(d, at));
    });
  }

  private agent(a: CollectorConfig['agents'][number], at: number): void {
    const en = this.cfg.report.language === 'en';
    const key = `agent_silent:${a.id}`;
    if (!this.uptime.isSilent(a.id, at, this.startedAt)) {
      const last = this.engine.lastInput(key);
      if (last) this.engine.observe({ ...last, active: false, at, forMs: 0, clearMs: 0 });
      return;
    }
    // Its summary stays as raised (the minutes silent are not news every minute).
    let input: AlertInput | undefined = this.engine.lastInput(key);
    if (!input) {
      const last = this.uptime.lastBatch(a.id);
      const n = a.poll.length;
      const since =
        last === undefined
          ? en ? 'has sent no batch yet' : 'belum pernah mengirim data'
          : en ? `no batch since ${clock(last, this.cfg.timezone)} (${minutes(at - last)} min)` : `tidak mengirim data sejak pukul ${clock(last, this.cfg.timezone)} (${minutes(at - last)} menit)`;
      input = {
        key,
        kind: 'agent_silent',
        severity: 'critical',
        summary: en ? `Agent ${a.id}: ${since}; its ${n} devices are unknown` : `Agen ${a.id}: ${since}; ${n} perangkatnya tidak diketahui statusnya`,
        details: { agent: a.id, lastBatch: last ?? null, intervalSeconds: a.intervalSeconds, silentAfterIntervals: SILENT_INTERVALS },
      };
    }
    // Silence is judged from the last batch (three intervals): no further for period.
    this.engine.observe({ ...input, active: true, at, forMs: 0, clearMs: 0 });
  }

  private device(d: CollectorConfig['devices'][number], at: number): void {
    const en = this.cfg.report.language === 'en';
    const key = `device_down:${d.id}`;
    const forMs = this.forMs(d.id);
    const clearMs = this.cfg.uptime.clearSeconds * 1000;
    const live = this.uptime.live(d.id, at, Math.max(forMs, clearMs) + LOOKBACK_MS);
    const input: AlertInput = this.engine.lastInput(key) ?? {
      key,
      kind: 'device_down',
      severity: 'critical',
      opd: d.opd,
      device: d.id,
      // A device not down now fires only as flapping: its summary says what happens, not since when.
      summary:
        live.state === 'down'
          ? en ? `${d.id} (${d.kind}) is down since ${clock(live.since, this.cfg.timezone)}` : `${d.id} (${d.kind}) mati sejak pukul ${clock(live.since, this.cfg.timezone)}`
          : en ? `${d.id} (${d.kind}) keeps going down` : `${d.id} (${d.kind}) berulang kali mati`,
      details: { since: live.since, forSeconds: forMs / 1000 },
    };
    // Unknown (agent silent, behind a device that is down, not observed) is not judged: a
    // firing alert stays until the device is seen up. The for and clear periods run from the
    // start of the current run of samples (`since`), so they do not depend on when this runs.
    const active = live.state === 'down' ? true : live.state === 'up' ? false : 'unknown';
    this.engine.observe({ ...input, active, at, forMs, clearMs, since: live.since });
  }
}

const minutes = (ms: number): number => Math.round(ms / 60_000);

const clocks = new Map<string, Intl.DateTimeFormat>();
/** "14.25" in the deployment's zone (as the reports write times). */
function clock(ms: number, tz: string): string {
  let f = clocks.get(tz);
  if (!f) clocks.set(tz, (f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const p = f.formatToParts(new Date(ms));
  return `${p.find((x) => x.type === 'hour')?.value}.${p.find((x) => x.type === 'minute')?.value}`;
}
