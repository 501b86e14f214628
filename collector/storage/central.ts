// Builds the central-store mirror from the collector's config (`store.influx`, `deployment`)
// and registers its figures in /metrics; main.ts only wires it to ingest and the rollup.
import type { CollectorConfig } from '../../config/collector.js';
import type { Logger } from '../../log/logger.js';
import type { Metrics } from '../api/metrics.js';
import { InfluxMirror } from './influx.js';

export function centralMirror(config: CollectorConfig, log: Logger, metrics: Metrics): InfluxMirror {
  const settings = config.store.influx!;
  const opdOf = new Map(config.devices.map((d) => [d.id, d.opd]));
  const uplinks = new Map(config.opds.flatMap((o) => o.uplinks.map((u) => [`${u.device}\u0000${u.interface}`, o.id] as const)));
  const m = new InfluxMirror({
    settings,
    deployment: config.deployment,
    spoolDir: settings.spoolDir ?? `${config.store.sqlite}.influx-spool`,
    logger: log.child({ component: 'central-mirror', deployment: config.deployment }),
    opdOf: (d) => opdOf.get(d),
    uplinkOf: (d, i) => uplinks.get(`${d}\u0000${i}`),
    quotas: config.opds
      .filter((o) => o.quota)
      .map((o) => ({
        opd: o.id,
        volumeBytes: o.quota!.volumeGB !== undefined ? BigInt(Math.round(o.quota!.volumeGB * 1e9)) : undefined,
        rateBps: o.quota!.rateMbps !== undefined ? BigInt(Math.round(o.quota!.rateMbps * 1e6)) : undefined,
      })),
  });
  metrics.gauge('pantau_influx_points_written', 'Points the central store acknowledged (since start)', () => m.counters.written);
  metrics.gauge('pantau_influx_points_dropped', 'Points dropped from the full mirror spool, oldest first (since start)', () => m.dropped);
  metrics.gauge('pantau_influx_points_rejected', 'Points the central store refused with 400 and that are not sent again (since start)', () => m.counters.rejected);
  metrics.gauge('pantau_influx_points_queued', 'Points waiting in the mirror spool on disk', () => m.queued());
  metrics.gauge('pantau_influx_spool_bytes', 'Bytes of the mirror spool on disk', () => m.spoolBytes());
  return m;
}
