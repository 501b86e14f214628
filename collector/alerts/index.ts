// Alerting, composed: the engine (conditions → alerts), silences, and one dispatcher per
// configured notifier, all following the AlertStore. Capabilities that fire and resolve
// directly on the AlertStore are notified too: everything hangs off `AlertStore.onChange`.
import type { CollectorConfig } from '../../config/collector.js';
import type { Logger } from '../../log/logger.js';
import type { Metrics } from '../api/metrics.js';
import type { AlertStore } from '../rules/alert-store.js';
import type { Store } from '../storage/store.js';
import { alertView, viaHeldBack } from './dependencies.js';
import { Dispatcher, type DispatchCounters } from './dispatcher.js';
import { AlertEngine } from './engine.js';
import { EngineState } from './engine-state.js';
import { createNotifier, type Notifier } from './notifiers/index.js';
import { Silences } from './silences.js';

export interface AlertingOptions {
  config: CollectorConfig;
  store: Store;
  alerts: AlertStore;
  now: () => number;
  metrics?: Metrics;
  logger?: Logger;
  /** Replaces the notifiers of `config.notify` (index by index). */
  notifiers?: Notifier[];
}

export class Alerting {
  readonly engine: AlertEngine;
  /** The engine's remembered state in the store (its `writes` tell tests what a pass cost). */
  readonly state: EngineState;
  readonly silences: Silences;
  readonly dispatchers: Dispatcher[];
  private running: Promise<void> | undefined;

  constructor(private readonly o: AlertingOptions) {
    const { config, alerts, store } = o;
    const opdOf = new Map(config.devices.map((d) => [d.id, d.opd]));
    const opdName = new Map(config.opds.map((x) => [x.id, x.name]));
    const language = config.report.language;
    this.engine = new AlertEngine({ alerts, clearMs: config.evaluation.clearMinutes * 60_000, language, state: (this.state = new EngineState(store)) });
    this.engine.setHeldBack(viaHeldBack(config, alertView(this.engine, alerts)));
    this.silences = new Silences(store, alerts, (d) => opdOf.get(d));
    const counters = o.metrics ? countersOf(o.metrics) : undefined;
    this.dispatchers = config.notify.map((n, i) => {
      const notifier = o.notifiers?.[i] ?? createNotifier(config, i);
      return new Dispatcher({
        notifier,
        store,
        alerts,
        silences: this.silences,
        language: n.language ?? language,
        timezone: config.timezone,
        groupWaitMs: n.groupWaitSeconds * 1000,
        repeatMs: n.repeatMinutes * 60_000,
        maxAttempts: n.maxAttempts,
        retryBaseMs: n.retrySeconds * 1000,
        opdName: (id) => opdName.get(id),
        opdOf: (d) => opdOf.get(d),
        counters,
        logger: o.logger?.child({ component: 'notify', notifier: notifier.name }),
      });
    });
    o.metrics?.gauge('pantau_notify_queued', 'Notification messages waiting to be sent or retried', () => this.dispatchers.reduce((n, d) => n + d.queued, 0));
    alerts.onChange((c) => {
      const at = this.o.now();
      if (c.what === 'fired') this.silences.onFired(c.alert, at);
      for (const d of this.dispatchers) d.onChange(c, at);
    });
  }

  /**
   * Silences start and expire, groups whose wait is over are sent, repeats and retries run.
   * Concurrent calls share the run in progress (a slow peer never stacks ticks).
   */
  tick(at: number): Promise<void> {
    if (this.running) return this.running;
    const run = this.run(at).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async run(at: number): Promise<void> {
    this.o.store.db.transaction(() => this.silences.apply(at))();
    await Promise.all(this.dispatchers.map((d) => d.tick(at)));
  }

  /** Resolves once no tick is running (the collector's stop waits for it before closing the store). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }
}

function countersOf(m: Metrics): DispatchCounters {
  const sent = m.counter('pantau_notify_sent_total', 'Notification messages delivered, per notifier');
  const failed = m.counter('pantau_notify_failed_attempts_total', 'Notification attempts that failed (each retry counts), per notifier');
  const dropped = m.counter('pantau_notify_dropped_total', 'Notification messages given up after their last attempt or pushed out of a full queue, per notifier');
  return { sent: (n) => sent({ notifier: n }), failed: (n) => failed({ notifier: n }), dropped: (n) => dropped({ notifier: n }) };
}
