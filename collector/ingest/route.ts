// POST /api/v1/ingest: authenticate the agent, validate the whole batch, check that every
// device is one assigned to it, then commit in one transaction before acknowledging.
import type { FastifyInstance } from 'fastify';
import type { CollectorConfig } from '../../config/collector.js';
import type { IngestAck, Sample } from '../../protocol/samples.js';
import type { Auth } from '../api/auth.js';
import { ApiError } from '../api/errors.js';
import type { Metrics } from '../api/metrics.js';
import type { Store } from '../storage/store.js';
import { validateBatch } from './validate.js';

export interface IngestOptions {
  config: CollectorConfig;
  auth: Auth;
  store: Store;
  metrics: Metrics;
  /** Called after a batch is committed (rollup scheduling, alert evaluation, stream). */
  onStored?: (agent: string, samples: readonly Sample[]) => void;
  /** The collector's clock: the acceptance window of sample times is read against it. */
  now?: () => number;
}

export function registerIngest(app: FastifyInstance, o: IngestOptions): void {
  const devices = new Map(o.config.devices.map((d) => [d.id, d]));
  const opds = new Set(o.config.opds.map((x) => x.id));
  const assigned = new Map(o.config.agents.map((a) => [a.id, new Set(a.poll)]));
  // The OPDs an agent watches: those of the devices assigned to it. Only their backups are its to report.
  const watched = new Map(o.config.agents.map((a) => [a.id, new Set(a.poll.map((d) => devices.get(d)?.opd))]));
  const batches = o.metrics.counter('pantau_ingest_batches_total', 'Ingest requests by result');
  const stored = o.metrics.counter('pantau_ingest_samples_total', 'Samples stored');

  app.post('/api/v1/ingest', async (req, reply) => {
    const who = o.auth.identify(req.headers.authorization);
    if (who.kind !== 'agent') throw new ApiError('PANTAU_FORBIDDEN', `only agents may ingest; the token belongs to ${who.kind} "${who.id}"`);
    let batch;
    try {
      batch = validateBatch(req.body, (o.now ?? Date.now)());
    } catch (e) {
      batches({ result: 'invalid' });
      throw e;
    }
    if (batch.agent !== who.id) throw new ApiError('PANTAU_FORBIDDEN', `the token belongs to agent "${who.id}", the batch says "${batch.agent}"`, 'agent');
    const mine = assigned.get(who.id)!;
    batch.samples.forEach((s, i) => {
      if (s.type === 'backup') {
        if (!opds.has(s.opd)) throw new ApiError('PANTAU_INVALID_SAMPLE', `samples[${i}].opd: unknown OPD "${s.opd}"`, `samples[${i}].opd`);
        if (!watched.get(who.id)?.has(s.opd)) {
          batches({ result: 'forbidden' });
          throw new ApiError('PANTAU_FORBIDDEN', `samples[${i}].opd: OPD "${s.opd}" is not watched by agent "${who.id}" (none of its assigned devices belongs to it)`, `samples[${i}].opd`);
        }
        return;
      }
      if (s.type === 'host' && s.device === who.id) return; // the agent's own machine
      if (!devices.has(s.device)) {
        batches({ result: 'invalid' });
        throw new ApiError('PANTAU_INVALID_SAMPLE', `samples[${i}].device: unknown device "${s.device}"; expected a device defined in the collector's config`, `samples[${i}].device`);
      }
      if (!mine.has(s.device)) {
        batches({ result: 'forbidden' });
        throw new ApiError('PANTAU_FORBIDDEN', `samples[${i}].device: device "${s.device}" is not assigned to agent "${who.id}"`, `samples[${i}].device`);
      }
    });
    const r = o.store.writeBatch(who.id, batch.batch, batch.samples, (o.now ?? Date.now)());
    batches({ result: r.duplicate ? 'duplicate' : 'stored' });
    stored({}, r.stored);
    if (!r.duplicate) o.onStored?.(who.id, batch.samples);
    const ack: IngestAck = { ok: true, batch: batch.batch, stored: r.stored, duplicate: r.duplicate };
    return reply.send(ack);
  });
}
