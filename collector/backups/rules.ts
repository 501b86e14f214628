// Backup alerts from each OPD's evaluation: backup_missing, backup_failed (a failed run, a
// corrupt archive or a run that never ended, with the reason; raised after
// `failuresBeforeAlert` consecutive failures) and backup_small. Observed on the alert engine
// (collector/alerts: flapping, silences, ack, notifications, audit) with no `for` period (the
// evaluation already waits out the grace) and the deployment's clear period
// (`evaluation.clearMinutes`). Each fires once per key and resolves once its condition has not
// held, with the latest finished run a good backup, for the clear period: a good backup
// arriving is what clears it (until then the condition is `unknown` to the engine), and a job
// that fails and succeeds on alternate runs keeps one alert (flagged flapping), not a storm.
// Dependencies: backup_missing of an OPD whose latest backup came through an agent is held back
// while that agent is silent (its agent_silent is the one alert).
import type { CollectorConfig } from '../../config/collector.js';
import type { AlertEngine } from '../alerts/engine.js';
import type { AlertInput } from '../rules/alert-store.js';
import { isGood, runTime } from './runs.js';
import type { BackupService } from './service.js';

export const BACKUP_KINDS = ['backup_missing', 'backup_failed', 'backup_small'] as const;

const formats = new Map<string, Intl.DateTimeFormat>();
/** "2026-03-11 01:00" in the deployment's zone. */
const iso = (t: number, tz: string): string => {
  let f = formats.get(tz);
  if (!f) formats.set(tz, (f = new Intl.DateTimeFormat('sv-SE', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })));
  return f.format(new Date(t));
};

export class BackupRules {
  constructor(
    private readonly cfg: CollectorConfig,
    private readonly backups: BackupService,
    private readonly engine: AlertEngine,
  ) {}

  /** Evaluates every OPD with a backup schedule at `at` (or only `opd`): raises and resolves. */
  evaluate(at: number, opd?: string): void {
    // One transaction: the engine's state of every key is written once; an OPD fails alone.
    this.engine.batch('backup rules', (guard) => this.run(at, guard, opd));
  }

  private run(at: number, guard: (step: () => void) => void, opd?: string): void {
    const en = this.cfg.report.language === 'en';
    const tz = this.cfg.timezone;
    const firing = new Set(this.engine.knownKeys(BACKUP_KINDS));
    const clearMs = this.cfg.evaluation.clearMinutes * 60_000;
    for (const o of this.cfg.opds) guard(() => {
      if (!o.backup || (opd !== undefined && o.id !== opd)) return;
      const e = this.backups.evaluate(o, at)!;
      const holding: (AlertInput & { agent?: string })[] = [];
      const base = { opd: o.id };
      const failedAlert = e.status === 'failed' && e.consecutiveFailures >= o.backup.failuresBeforeAlert;
      // A failure not yet worth backup_failed (failuresBeforeAlert) still leaves the due run missing once its grace is over.
      if (e.status === 'missing' || (e.status === 'failed' && !failedAlert && e.missing)) {
        const due = e.lastDue === undefined ? undefined : iso(e.lastDue, tz);
        // Backups that came through an agent: while it is silent, "missing" is its silence (agent_silent), not the OPD's.
        const agent = /^(?:api:)?agent:(.+)$/.exec(e.runs.at(-1)?.source ?? '')?.[1];
        holding.push({
          ...(agent !== undefined ? { agent } : {}),
          ...base, kind: 'backup_missing', key: `backup_missing:${o.id}`, severity: 'critical',
          summary: en
            ? `${o.name}: ${due ? `no backup for the run due ${due}` : 'no backup ever reported'}`
            : `${o.name}: ${due ? `tidak ada cadangan untuk jadwal ${due}` : 'belum pernah melaporkan cadangan'}`,
          details: { lastDue: e.lastDue, graceMinutes: o.backup.graceMinutes, lastGood: e.lastGood ? runTime(e.lastGood) : undefined },
        });
      }
      if (failedAlert) {
        const f = e.latest && e.latest.state !== 'running' ? e.latest : e.runs.filter((r) => r.state !== 'running').at(-1)!;
        const what = f.state === 'corrupt' ? (en ? 'corrupt archive' : 'arsip rusak') : f.state === 'abandoned' ? (en ? 'never finished' : 'tidak pernah selesai') : en ? 'failed' : 'gagal';
        holding.push({
          ...base, kind: 'backup_failed', key: `backup_failed:${o.id}`, severity: 'critical',
          summary: `${o.name}: ${en ? 'backup' : 'pencadangan'} ${what}${f.reason ? `: ${f.reason}` : f.exitCode !== undefined ? ` (exit ${f.exitCode})` : ''} (${iso(runTime(f), tz)}${e.consecutiveFailures > 1 ? (en ? `, ${e.consecutiveFailures} in a row` : `, ${e.consecutiveFailures} kali berturut-turut`) : ''})`,
          details: { state: f.state, reason: f.reason, exitCode: f.exitCode, path: f.path, consecutiveFailures: e.consecutiveFailures, ts: runTime(f) },
        });
      }
      if (e.status === 'small' && e.lastGood) {
        holding.push({
          ...base, kind: 'backup_small', key: `backup_small:${o.id}`, severity: 'warning',
          summary: en
            ? `${o.name}: the latest backup is ${e.lastGood.bytes} bytes (minimum ${o.backup.minBytes}${e.medianBytes !== undefined ? `, median ${e.medianBytes}` : ''})`
            : `${o.name}: cadangan terakhir ${e.lastGood.bytes} byte (minimum ${o.backup.minBytes}${e.medianBytes !== undefined ? `, median ${e.medianBytes}` : ''})`,
          details: { bytes: e.lastGood.bytes?.toString(), minBytes: String(o.backup.minBytes), medianBytes: e.medianBytes?.toString(), ts: runTime(e.lastGood) },
        });
      }
      const keep = new Set(holding.map((a) => a.key));
      for (const a of holding) this.engine.observe({ ...a, active: true, at, forMs: 0, clearMs });
      const lastFinished = e.runs.filter((r) => r.state !== 'running').at(-1);
      const cleared = lastFinished !== undefined && isGood(lastFinished);
      for (const kind of BACKUP_KINDS) {
        const key = `${kind}:${o.id}`;
        const last = keep.has(key) || !firing.has(key) ? undefined : this.engine.lastInput(key);
        if (last) this.engine.observe({ ...last, active: cleared ? false : 'unknown', at, forMs: 0, clearMs });
      }
    });
  }
}
