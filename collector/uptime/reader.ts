// Up-time for a process beside the collector (`pantau report`): persisted days are read, never
// written (only the collector writes them, in step with its ingest), and maintenance windows
// come from the silences in the store, read-only.
import type { CollectorConfig } from '../../config/collector.js';
import { Silences } from '../alerts/silences.js';
import { AlertStore } from '../rules/alert-store.js';
import type { Store } from '../storage/store.js';
import { UptimeService } from './service.js';

export function uptimeReader(cfg: CollectorConfig, store: Store): UptimeService {
  const opdOf = new Map(cfg.devices.map((d) => [d.id, d.opd]));
  const silences = new Silences(store, new AlertStore(store), (d) => opdOf.get(d));
  return new UptimeService(cfg, store, { persist: 'read', maintenance: (d, from, to) => silences.windowsOf(d, from, to) });
}
