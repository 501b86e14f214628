// device_down and agent_silent. `evaluate(at)` is called by the collector's rules timer (every
// minute) and by tests with explicit times; the state lives in the store (observations,
// heartbeats, alerts), so a restart changes nothing but the reference time of agents never
// heard from.
// - agent_silent: no batch for three of the agent's intervals (an agent never heard from:
//   three intervals after the first evaluation); resolves with its next batch.
// - device_down: down for `uptime.forSeconds` (default two intervals); resolves once up for
//   `uptime.clearSeconds`. A device that is unknown (its agent silent, the device it stands
//   behind down, no recent observation) is not judged: no alert is raised, and one already
//   firing stays until the device is seen up (unknown is not "recovered").
import type { CollectorConfig } from '../../config/collector.js';
import type { AlertStore } from '../rules/alert-store.js';
import { HOLD_INTERVALS, SILENT_INTERVALS, type UptimeService } from './service.js';

const LOOKBACK_MS = 3600_000;

export class UptimeRules {
  private startedAt: number | undefined;

  constructor(
    private readonly cfg: CollectorConfig,
    private readonly uptime: UptimeService,
    private readonly alerts: AlertStore,
  ) {}

  /** `device_down` needs this long down. */
  forMs(device: string): number {
    const s = this.cfg.uptime.forSeconds;
    return s !== undefined ? s * 1000 : HOLD_INTERVALS * this.uptime.intervalMs(device);
  }

  evaluate(at: number): void {
    this.startedAt ??= at;
    const en = this.cfg.report.language === 'en';
    for (const a of this.cfg.agents) {
      const key = `agent_silent:${a.id}`;
      if (!this.uptime.isSilent(a.id, at, this.startedAt)) {
        this.alerts.resolve(key, at);
        continue;
      }
      if (this.alerts.firing(key)) continue; // its summary stays as raised
      const last = this.uptime.lastBatch(a.id);
      const n = a.poll.length;
      const since =
        last === undefined
          ? en ? 'has sent no batch yet' : 'belum pernah mengirim data'
          : en ? `no batch since ${clock(last, this.cfg.timezone)} (${minutes(at - last)} min)` : `tidak mengirim data sejak pukul ${clock(last, this.cfg.timezone)} (${minutes(at - last)} menit)`;
      this.alerts.fire(
        {
          key,
          kind: 'agent_silent',
          severity: 'critical',
          summary: en ? `Agent ${a.id}: ${since}; its ${n} devices are unknown` : `Agen ${a.id}: ${since}; ${n} perangkatnya tidak diketahui statusnya`,
          details: { agent: a.id, lastBatch: last ?? null, intervalSeconds: a.intervalSeconds, silentAfterIntervals: SILENT_INTERVALS },
        },
        at,
      );
    }
    const clearMs = this.cfg.uptime.clearSeconds * 1000;
    for (const d of this.cfg.devices) {
      const key = `device_down:${d.id}`;
      const forMs = this.forMs(d.id);
      const live = this.uptime.live(d.id, at, Math.max(forMs, clearMs) + LOOKBACK_MS);
      if (live.state === 'down' && at - live.since >= forMs) {
        if (this.alerts.firing(key)) continue;
        this.alerts.fire(
          {
            key,
            kind: 'device_down',
            severity: 'critical',
            opd: d.opd,
            device: d.id,
            summary: en ? `${d.id} (${d.kind}) is down since ${clock(live.since, this.cfg.timezone)}` : `${d.id} (${d.kind}) mati sejak pukul ${clock(live.since, this.cfg.timezone)}`,
            details: { since: live.since, forSeconds: forMs / 1000 },
          },
          at,
        );
      } else if (live.state === 'up' && at - live.since >= clearMs) this.alerts.resolve(key, at);
    }
  }
}

const minutes = (ms: number): number => Math.round(ms / 60_000);

/** "14.25" in the deployment's zone (as the reports write times). */
function clock(ms: number, tz: string): string {
  const p = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(new Date(ms));
  return `${p.find((x) => x.type === 'hour')?.value}.${p.find((x) => x.type === 'minute')?.value}`;
}
