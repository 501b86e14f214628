// POST /api/v1/ingest: authenticate the agent, validate the batch sample by sample, refuse by
// itself each sample of a device that is unknown or not assigned to the agent, commit the rest
// (group-commit.ts: batches ready together share one transaction; interface samples are staged
// and merged later, storage/staging.ts), then acknowledge what was stored, set aside and
// refused (IngestAck) once the commit is durable.
// Refusals and set-asides are counted in /metrics, kept for /status (notes.ts) and logged once
// per device per hour.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CollectorConfig } from '../../config/collector.js';
import type { Logger } from '../../log/logger.js';
import { OncePer } from '../../log/once-per.js';
import type { IngestAck, Sample, SampleRefusal } from '../../protocol/samples.js';
import type { Auth } from '../api/auth.js';
import { ApiError } from '../api/errors.js';
import type { Metrics } from '../api/metrics.js';
import type { Store } from '../storage/store.js';
import { GroupCommit } from './group-commit.js';
import { IngestNotes, NOTE_WINDOW_MS } from './notes.js';
import { ParsePool, defaultPoolSize } from './parse-pool.js';
import { splitKey, type PackedBatch } from './packed.js';
import { BufferPool } from './buffers.js';
import { readBody, type Body } from './body.js';

export interface IngestOptions {
  config: CollectorConfig;
  auth: Auth;
  store: Store;
  metrics: Metrics;
  /**
   * Called after a batch is committed (up-time, the mirror, the stream) with its stored samples
   * other than interface samples, and every device the batch stored something of.
   */
  onStored?: (agent: string, samples: readonly Sample[], devices: readonly string[]) => void;
  /** Default: the HTTP server's logger. */
  logger?: Logger;
  /** The collector's clock: the acceptance window of sample times, the notes and the hourly log (default Date.now). */
  now?: () => number;
  /** Told of every authenticated agent batch that is JSON, before validation, with its newest sample time (clock_skew judges its arrival). */
  onArrival?: (agent: string, newestTs: number | undefined, at: number) => void;
  /**
   * Worker threads that parse and validate bodies (parse-pool.ts); 0: in the request's thread.
   * Default: env PANTAU_INGEST_WORKERS, else one less than the cores (at least 1).
   */
  workers?: number;
  /** When staged interface samples are merged: `eager` before each acknowledgement, `deferred` by the background merge (default). */
  merge?: 'eager' | 'deferred';
  /** Told each time the last ingest request in hand is answered (the collector then looks whether ingest went quiet). */
  onIdle?: () => void;
}

/** At most this many refusals and set-asides are listed in one acknowledgement (all are counted). */
const ACK_LIST = 100;

/** An interface list's judgments: per interface its refusal (undefined: stored), and the devices of those stored. */
interface Judged {
  keyNo: ([SampleRefusal['reason'], string] | undefined)[];
  devices: string[];
}

/** What the rest of the collector may ask of the ingest route. */
export interface IngestRoute {
  /** Ingest requests being handled now (from their parsed body to their answer). */
  inFlight(): number;
  /** Milliseconds since the last ingest request was answered, at `at` (performance.now()); 0 while one is in hand. */
  idleMs(at?: number): number;
}

export function registerIngest(app: FastifyInstance, o: IngestOptions): IngestRoute {
  const devices = new Map(o.config.devices.map((d) => [d.id, d]));
  const opds = new Set(o.config.opds.map((x) => x.id));
  const assigned = new Map(o.config.agents.map((a) => [a.id, new Set(a.poll)]));
  // The OPDs an agent watches: those of the devices assigned to it. Only their backups are its to report.
  const watched = new Map(o.config.agents.map((a) => [a.id, new Set(a.poll.map((d) => devices.get(d)?.opd))]));
  const batches = o.metrics.counter('pantau_ingest_batches_total', 'Ingest requests by result');
  const stored = o.metrics.counter('pantau_ingest_samples_total', 'Samples stored');
  const refusedTotal = o.metrics.counter('pantau_ingest_samples_refused_total', 'Samples refused by themselves (the rest of their batch stored), by agent and reason');
  const asideTotal = o.metrics.counter('pantau_ingest_fields_set_aside_total', 'Sample fields stored as unknown or cut, by agent and field');
  const byType = o.metrics.counter('pantau_ingest_samples_by_type_total', 'Samples stored, by sample type (iface, host, ping, backup, poll)');
  // Seconds from the request's arrival at the handler (body read, not yet parsed) to its acknowledgement, per result.
  const latency = o.metrics.histogram('pantau_ingest_request_duration_seconds', 'Ingest request handling time, body read to acknowledgement (parsing included), by result', [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);
  const spoolBytes = new Map<string, number>();
  o.metrics.labelledGauge('pantau_agent_spool_bytes', 'Bytes in each agent\'s spool as the agent last reported it (header X-Pantau-Spool-Bytes)', () => [...spoolBytes].map(([agent, v]) => [{ agent }, v]));
  const now = o.now ?? Date.now;
  const notes = IngestNotes.of(o.store.db);
  const log = (o.logger ?? (app.log as unknown as Logger)).child({ component: 'ingest' });
  const said = new OncePer(NOTE_WINDOW_MS, now);
  // The past limit of the acceptance window: the spool age, never beyond the raw retention.
  const maxAgeMs = Math.min(o.config.limits.maxSampleAgeDays ?? Infinity, o.config.store.rawDays) * 86_400_000;
  const commits = o.metrics.histogram('pantau_ingest_commit_batches', 'Batches per ingest commit (group commit: batches ready together share one fsync)', [1, 2, 4, 8, 16, 32, 64]);
  const committer = new GroupCommit(o.store, {
    merge: o.merge,
    onCommit: (n) => commits(n),
    onMergeError: (e) => log.error({ err: e }, 'merging staged samples failed; they stay staged and the next merge retries'),
  });

  const envWorkers = Number(process.env.PANTAU_INGEST_WORKERS);
  const pool = new ParsePool(o.workers ?? (process.env.PANTAU_INGEST_WORKERS && Number.isSafeInteger(envWorkers) && envWorkers >= 0 ? envWorkers : defaultPoolSize()), (e) =>
    log.error({ err: e }, 'an ingest parse worker failed; its bodies are answered 500 (agents resend) and it is replaced'),
  );
  app.addHook('onClose', async () => pool.close());

  // The body reaches the handler as bytes (authentication ran before it was read, in onRequest;
  // gunzip in preParsing), read into a buffer used again (body.ts, buffers.ts): parsing and
  // validation go to the pool, which moves the buffer to a worker and back.
  const bodies = new BufferPool();
  app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', (req, payload, done) => readBody(req, payload, o.config.limits.maxBodyBytes, bodies, done));
    scope.post('/api/v1/ingest', handler);
  });

  /** Per agent and interface list (IfaceColumns.keyList), each interface's refusal and the devices kept; bounded. */
  const judgedLists = new Map<string, Judged>();
  const JUDGED_MAX = 20_000;
  function judgedList(agent: string, c: PackedBatch['iface'], refusal: (device: string) => [SampleRefusal['reason'], string] | undefined): Judged {
    const id = c.keyList === undefined ? undefined : `${agent}\u0000${c.keyList}`;
    const known = id === undefined ? undefined : judgedLists.get(id);
    if (known) return known;
    const keyNo = c.keys.map((key) => refusal(splitKey(key)[0]));
    const devices = [...new Set(c.keys.filter((_, j) => keyNo[j] === undefined).map((key) => splitKey(key)[0]))];
    const j: Judged = { keyNo, devices };
    if (id !== undefined) {
      if (judgedLists.size >= JUDGED_MAX) judgedLists.clear();
      judgedLists.set(id, j);
    }
    return j;
  }

  let inFlight = 0;
  let idleSince = performance.now();
  async function handler(req: FastifyRequest, reply: FastifyReply) {
    inFlight++;
    try {
      return await handle(req, reply);
    } finally {
      if (--inFlight === 0) {
        idleSince = performance.now();
        o.onIdle?.();
      }
    }
  }

  async function handle(req: FastifyRequest, reply: FastifyReply) {
    const who = o.auth.identify(req.headers.authorization);
    if (who.kind !== 'agent') throw new ApiError('PANTAU_FORBIDDEN', `only agents may ingest; the token belongs to ${who.kind} "${who.id}"`);
    const t0 = performance.now();
    const body = req.body as Body;
    const parsed = await pool.parse(body, now(), maxAgeMs, true);
    bodies.give(parsed.spare ?? (body.byteLength > 0 ? (body.buffer as ArrayBuffer) : undefined)); // back from the worker, or parsed in-thread
    if (parsed.error?.code === 'PANTAU_INVALID_JSON') throw parsed.error; // not a batch at all (as when Fastify parsed it)
    o.onArrival?.(who.id, parsed.newest, now());
    const spool = Number(req.headers['x-pantau-spool-bytes']); // untrusted: a non-negative safe integer or nothing
    if (Number.isSafeInteger(spool) && spool >= 0) spoolBytes.set(who.id, spool);
    if (parsed.error) {
      batches({ result: 'invalid' });
      latency((performance.now() - t0) / 1000, { result: 'invalid' });
      throw parsed.error;
    }
    const batch: PackedBatch = parsed.batch!;
    if (batch.agent !== who.id) throw new ApiError('PANTAU_FORBIDDEN', `the token belongs to agent "${who.id}", the batch says "${batch.agent}"`, 'agent');
    const mine = assigned.get(who.id)!;
    const refuse = (i: number, field: string, reason: SampleRefusal['reason'], error: string, device?: string): void => {
      batch.refused.push({ index: i, path: `samples[${i}].${field}`, reason, error: `samples[${i}].${field}: ${error}`, device });
    };
    /** Why a sample of `device` is refused, or undefined when it may be stored. */
    const deviceRefusal = (device: string): [SampleRefusal['reason'], string] | undefined =>
      !devices.has(device)
        ? ['unknown_device', `unknown device "${device}"; expected a device defined in the collector's config`]
        : !mine.has(device)
          ? ['not_assigned', `device "${device}" is not assigned to agent "${who.id}"`]
          : undefined;
    const keep: Sample[] = [];
    batch.others.forEach((s, k) => {
      const i = batch.otherIndex[k];
      if (s.type === 'backup') {
        if (!opds.has(s.opd)) refuse(i, 'opd', 'unknown_opd', `unknown OPD "${s.opd}"`);
        else if (!watched.get(who.id)?.has(s.opd))
          refuse(i, 'opd', 'not_assigned', `OPD "${s.opd}" is not watched by agent "${who.id}" (none of its assigned devices belongs to it)`);
        else keep.push(s);
      } else if (s.type === 'host' && s.device === who.id) keep.push(s); // the agent's own machine
      else {
        const no = deviceRefusal(s.device);
        if (no) refuse(i, 'device', no[0], no[1], s.device);
        else keep.push(s);
      }
    });
    // Interface samples: judged once per (device, interface) of the batch, refused one by one.
    const c = batch.iface;
    // The judgments and devices of an interface list the agent sent before: one lookup (an agent
    // sends the same interfaces every cycle).
    const judged = judgedList(who.id, c, deviceRefusal);
    const keyNo = judged.keyNo;
    const mask = new Uint8Array(c.n);
    let ifaceKept = 0;
    for (let k = 0; k < c.n; k++) {
      const no = keyNo[c.key[k]];
      if (no) refuse(c.index[k], 'device', no[0], no[1], splitKey(c.keys[c.key[k]])[0]);
      else {
        mask[k] = 1;
        ifaceKept++;
      }
    }
    batch.refused.sort((a, b) => a.index - b.index);
    const r = await committer.submit({ agent: who.id, batch: batch.batch, samples: keep, iface: { columns: c, keep: mask }, now: now() });
    pool.recycle(batch); // committed: nothing reads its columns or records again
    const result = r.duplicate ? 'duplicate' : batch.refused.length + batch.setAside.length > 0 ? 'stored_in_part' : 'stored';
    batches({ result });
    stored({}, r.stored);
    if (!r.duplicate) {
      const types = new Map<string, number>();
      if (ifaceKept > 0) types.set('iface', ifaceKept);
      for (const s of keep) types.set(s.type, (types.get(s.type) ?? 0) + 1);
      for (const [type, n] of types) byType({ type }, n);
      const touched = new Set<string>(judged.devices);
      for (const s of keep) if ('device' in s) touched.add(s.device);
      o.onStored?.(who.id, keep, [...touched]);
      if (batch.refused.length + batch.setAside.length > 0) account(who.id, batch);
    }
    const ack: IngestAck = { ok: true, batch: batch.batch, stored: r.stored, duplicate: r.duplicate };
    if (batch.refused.length > 0) {
      ack.refused = batch.refused.slice(0, ACK_LIST);
      ack.refusedCount = batch.refused.length;
    }
    if (batch.setAside.length > 0) {
      ack.setAside = batch.setAside.slice(0, ACK_LIST);
      ack.setAsideCount = batch.setAside.length;
    }
    latency((performance.now() - t0) / 1000, { result });
    return reply.send(ack);
  }

  const route: IngestRoute = { inFlight: () => inFlight, idleMs: (at = performance.now()) => (inFlight > 0 ? 0 : Math.max(0, at - idleSince)) };

  /** Metrics, notes for /status, and a log line per device and kind at most once an hour. */
  function account(agent: string, b: Pick<PackedBatch, 'batch' | 'refused' | 'setAside'>): void {
    for (const x of b.refused) refusedTotal({ agent, reason: x.reason });
    for (const x of b.setAside) asideTotal({ agent, field: x.field });
    for (const n of notes.record(agent, b.refused, b.setAside, now())) {
      if (!said.due(`${n.device}\u0000${n.kind}`)) continue;
      const what =
        n.kind === 'refused'
          ? 'samples refused by themselves (the rest of the batch is stored); said again in an hour if it goes on'
          : 'sample fields set aside as unknown or cut (the rest of each sample is stored); said again in an hour if it goes on';
      log.warn({ agent, device: n.device, batch: b.batch, [n.kind === 'refused' ? 'reason' : 'field']: n.key, count: n.count, example: n.example }, what);
    }
  }
  return route;
}
