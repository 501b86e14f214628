// The collector's configuration: schema (types inferred from it), defaults, and the
// cross-reference checks a schema cannot express (ids, uplinks, time zone, cron).
import { z } from 'zod';
import cron from 'node-cron';
import { loadConfigFile, parseConfig, type ConfigSpec, type LoadOptions } from './load.js';
import { quantity, quotaSourceProblems, RATE, VOLUME } from './quota.js';
import { isLoopback } from './loopback.js';
import { DEPLOYMENT_ID, defaultDeployment } from './deployment.js';

export { isLoopback };
import { reportSchema } from './report.js';
import { notifySchema } from './notify.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected an id of letters, digits, ".", "_" or "-"');
const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected HOST:PORT such as 127.0.0.1:8080');
const cronExpr = z.string().refine((s) => cron.validate(s), 'expected a cron expression such as "0 1 * * *"');
const token = z.string().min(16, 'expected a token of at least 16 characters');

const snmpV2 = z.strictObject({
  version: z.literal('2c'),
  community: z.string().min(1, 'expected a community string'),
  port: z.number().int().min(1).max(65535).default(161),
  timeoutMs: z.number().int().min(100).max(60000).default(3000),
  retries: z.number().int().min(0).max(5).default(1),
});
const snmpV3 = z.strictObject({
  version: z.union([z.literal(3), z.literal('3')]).transform(() => '3' as const),
  user: z.string().min(1),
  authProtocol: z.enum(['sha', 'sha256', 'md5']).default('sha'),
  authKey: z.string().min(8, 'expected an authKey of at least 8 characters (SNMPv3 requires it)'),
  privProtocol: z.enum(['aes', 'aes256', 'aes256c', 'des']).default('aes'),
  privKey: z.string().min(8, 'expected a privKey of at least 8 characters (SNMPv3 requires it)'),
  port: z.number().int().min(1).max(65535).default(161),
  timeoutMs: z.number().int().min(100).max(60000).default(3000),
  retries: z.number().int().min(0).max(5).default(1),
});

const device = z.strictObject({
  id,
  opd: id,
  kind: z.enum(['router', 'server', 'switch', 'other']),
  address: z.string().min(1, 'expected an IP address or host name'),
  snmp: z.discriminatedUnion('version', [snmpV2, snmpV3]).optional(),
  ping: z.boolean().default(true),
  /** The device this one stands behind (CONTRACT "Alerts"): while that is down, this one is unknown and its alerts are held back. */
  via: id.optional(),
});

const pct = z.number().min(0, 'expected a percentage from 0 to 100').max(100, 'expected a percentage from 0 to 100');
/** Up-time (Pasal 15): availability targets per device kind and the device_down alert's periods. */
const uptime = z.strictObject({
  /** One target for every kind (99.5), or per kind ({ server: 99.5, router: 99 }); a kind without one is not judged. */
  targetPct: z.union([pct, z.strictObject({ server: pct.optional(), router: pct.optional(), switch: pct.optional(), other: pct.optional() })]).optional(),
  /** device_down fires once a device has been down this long (default: two of its agent's intervals). */
  forSeconds: z.number().int().min(0).max(86_400).optional(),
  /** A firing device_down resolves once the device has been up this long (default 0: at the first good observation). */
  clearSeconds: z.number().int().min(0).max(86_400).default(0),
});

const quota = z
  .strictObject({
    /** GB = 10^9 bytes; a string may carry a unit: "3 TB". */
    volumeGB: quantity(VOLUME).optional(),
    /** Mbps = 10^6 bit/s; a string may carry a unit: "1 Gbps". */
    rateMbps: quantity(RATE).optional(),
    /** Which traffic counts against the volume: in + out (default), one direction, or the larger. */
    direction: z.enum(['total', 'in', 'out', 'max']).default('total'),
  })
  .refine((q) => q.volumeGB !== undefined || q.rateMbps !== undefined, 'expected volumeGB or rateMbps (or both)');

const opd = z.strictObject({
  id,
  name: z.string().min(1),
  quota: quota.optional(),
  uplinks: z.array(z.strictObject({ device: id, interface: z.string().min(1) })).default([]),
  backup: z
    .strictObject({
      /** Cron, in `timezone`, to the minute (no seconds field): when the backup is due. */
      schedule: cronExpr.refine((s) => s.trim().split(/\s+/).length !== 6, 'expected a schedule to the minute (five fields, no seconds field)'),
      /** Minutes after a scheduled run in which its backup may arrive before it is `missing`. */
      graceMinutes: z.number().int().min(0).default(240),
      /** A good backup under this many bytes is `small`. */
      minBytes: z.number().int().min(0).default(0),
      /** backup_failed is raised after this many consecutive failed runs (the status is `failed` from the first). */
      failuresBeforeAlert: z.number().int().min(1).max(100).default(1),
    })
    .optional(),
  backupToken: token.optional(),
});

export const collectorSchema = z.strictObject({
  timezone: z.string().default('Asia/Jakarta'),
  listen: hostPort.default('127.0.0.1:8080'),
  store: z
    .strictObject({
      /** Relative to the config file's folder. */
      sqlite: z.string().min(1).default('data/pantau.db'),
      influx: z
        .strictObject({
          url: z.url(),
          database: z.string().min(1),
          username: z.string().optional(),
          password: z.string().optional(),
          /** The mirror's queue on disk (default `<store.sqlite>.influx-spool`, relative to the config file's folder). */
          spoolDir: z.string().min(1).optional(),
          /** The spool's bound; past it the oldest points are dropped and counted. */
          spoolMaxMB: z.number().int().min(1).default(256),
        })
        .optional(),
      /** Days of raw samples kept; 5-minute rollups are kept for `rollupDays`. */
      rawDays: z.number().int().min(2).default(45),
      rollupDays: z.number().int().min(31).default(800),
      /** Hours after which raw interface samples are packed into compressed 12-hour chunks (collector/storage/chunks). */
      chunkAfterHours: z
        .number()
        .int('expected whole hours, such as 6')
        .min(1, 'expected at least 1 hour (the newest samples stay rows until then)')
        .max(720, 'expected at most 720 hours (30 days)')
        .default(6),
    })
    .prefault({}),
  /**
   * This collector's id in a central store (the `deployment` tag of every mirrored point): the
   * kabupaten/kota, e.g. `kab-tangerang` or a BPS code `3603`. Default: the host name, lower-cased.
   */
  deployment: z
    .string()
    .regex(DEPLOYMENT_ID, 'expected a deployment id of 1-63 characters: lower-case letters, digits, "-", "_" or ".", starting with a letter or digit (e.g. kab-tangerang or 3603)')
    .default(() => defaultDeployment()),
  /** HTTPS: PEM files of the certificate (with its chain) and its key, read again on SIGHUP. */
  tls: z.strictObject({ cert: z.string().min(1, 'expected the path of a PEM certificate'), key: z.string().min(1, 'expected the path of a PEM private key') }).optional(),
  /** Plain HTTP on an address other than loopback: tokens and SNMP credentials cross the network in clear. */
  allowPlainHttp: z.boolean().default(false),
  limits: z
    .strictObject({
      maxBodyBytes: z.number().int().min(1024).default(16 * 1024 * 1024),
      /**
       * The acceptance window's past limit, in days: the agents' spool age. Samples older than
       * this, or than `store.rawDays` (whichever is shorter; default: rawDays), are refused one by one.
       */
      maxSampleAgeDays: z.number().min(0.01).optional(),
      /** An agent whose clock is off by more than this (judged from its batches' arrival) raises clock_skew. */
      maxClockSkewSeconds: z.number().int().min(1).default(120),
      /** Open connections at most; at the limit a new one evicts the oldest connection with no request in progress. */
      maxConnections: z.number().int().min(16).default(768),
      /** Open connections from one client address at most; more are closed at once. */
      maxConnectionsPerAddress: z.number().int().min(1).default(256),
      /** A request's headers must arrive within this many seconds. */
      headersTimeoutSeconds: z.number().int().min(1).max(300).default(10),
      /** A whole request (headers and body) must arrive within this many seconds. */
      requestTimeoutSeconds: z.number().int().min(1).max(3600).default(120),
      /** A connection silent this long in the middle of a request is closed. */
      idleTimeoutSeconds: z.number().int().min(1).max(3600).default(30),
      /** A kept-alive connection with no request is closed after this many seconds. */
      keepAliveSeconds: z.number().int().min(1).max(600).default(5),
      /** Requests per second for each token (bursts of 10 seconds' worth); more get 429 with Retry-After. */
      ratePerToken: z.number().positive().default(20),
      /** Requests per second from each client address, with or without a token (bursts of 10 seconds' worth). */
      ratePerAddress: z.number().positive().default(50),
    })
    .refine((l) => l.headersTimeoutSeconds <= l.requestTimeoutSeconds, { message: 'expected headersTimeoutSeconds no longer than requestTimeoutSeconds', path: ['headersTimeoutSeconds'] })
    .prefault({}),
  auth: z
    .strictObject({
      users: z
        .array(z.strictObject({ name: id, role: z.enum(['viewer', 'operator', 'admin']), token }))
        .default([]),
    })
    .prefault({}),
  agents: z
    .array(
      z.strictObject({
        id,
        token,
        intervalSeconds: z.number().int().min(5).max(3600).default(60),
        poll: z.array(id).default([]),
      }),
    )
    .default([]),
  opds: z.array(opd).default([]),
  devices: z.array(device).default([]),
  evaluation: z
    .strictObject({
      /** Status `warning` above this share of the volume quota. */
      warnVolumePct: z.number().min(1).max(100).default(80),
      /** Status `warning` when p95 exceeds this share of the rate quota. */
      warnRatePct: z.number().min(1).max(100).default(90),
      /** Recommend `increase` when p95 exceeds this share of the rate allocation… */
      increaseAbovePct: z.number().min(1).max(200).default(85),
      /** …in at least this many of the last `months` months (including this one). */
      increaseMonths: z.number().int().min(1).max(12).default(2),
      /** Recommend `decrease` when p95 stays below this share in every one of the last `months`. */
      decreaseBelowPct: z.number().min(0).max(100).default(30),
      months: z.number().int().min(1).max(12).default(3),
      /** link_saturated: 5-minute rate above this share of link speed or rate quota… */
      saturationPct: z.number().min(1).max(100).default(90),
      /** …for at least this many minutes. */
      saturationMinutes: z.number().int().min(5).default(15),
      /** An alert resolves only after its condition has been clear this long (no flapping). */
      clearMinutes: z.number().int().min(0).default(15),
      /** A pair of samples further apart than this counts its bytes but not towards coverage. */
      coverageMaxGapSeconds: z.number().int().min(60).default(600),
      /** Below this coverage of the month (percent) the recommendation is withheld, with its reason. */
      minCoveragePct: z.number().min(0).max(100).default(50),
      /** The current month is projected to its end (and judged `projected_over`) only after this many days of it are observed. */
      projectAfterDays: z.number().min(0).max(28).default(3),
    })
    .prefault({}),
  report: reportSchema,
  /** Alert notifiers (collector/alerts/notifiers/). */
  notify: notifySchema,
  uptime: uptime.prefault({}),
});

export type CollectorConfig = z.infer<typeof collectorSchema>;
export type DeviceConfig = CollectorConfig['devices'][number];
export type OpdConfig = CollectorConfig['opds'][number];
export type AgentEntry = CollectorConfig['agents'][number];

export function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

/** Whether the zone's UTC offset changes within the years around now (daylight saving). */
export function hasDaylightSaving(zone: string, now = Date.now()): boolean {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  const offset = (t: number) => f.formatToParts(new Date(t)).find((x) => x.type === 'timeZoneName')?.value;
  const first = offset(now);
  for (let t = now - 400 * 86_400_000; t < now + 400 * 86_400_000; t += 7 * 86_400_000) if (offset(t) !== first) return true;
  return false;
}

function duplicates(ids: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const i of ids) (seen.has(i) ? dup : seen).add(i);
  return [...dup];
}

/** Cross-reference checks; each problem names its key path. */
export function checkCollector(cfg: CollectorConfig): string[] {
  const p: string[] = [];
  if (!isIanaZone(cfg.timezone))
    p.push(`timezone: expected an IANA time zone such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura, found "${cfg.timezone}"`);
  else if (hasDaylightSaving(cfg.timezone))
    p.push(`timezone: expected a time zone without daylight saving (days and months are counted in fixed 24-hour days), such as Asia/Jakarta, Asia/Makassar or Asia/Jayapura, found "${cfg.timezone}"`);
  const opdIds = new Set(cfg.opds.map((o) => o.id));
  const deviceIds = new Set(cfg.devices.map((d) => d.id));
  for (const d of duplicates(cfg.opds.map((o) => o.id))) p.push(`opds: duplicate id "${d}"`);
  for (const d of duplicates(cfg.devices.map((o) => o.id))) p.push(`devices: duplicate id "${d}"`);
  for (const d of duplicates(cfg.agents.map((o) => o.id))) p.push(`agents: duplicate id "${d}"`);
  for (const d of duplicates(cfg.auth.users.map((o) => o.name))) p.push(`auth.users: duplicate name "${d}"`);
  const tokens = [...cfg.agents.map((a) => a.token), ...cfg.auth.users.map((u) => u.token), ...cfg.opds.flatMap((o) => (o.backupToken ? [o.backupToken] : []))];
  if (duplicates(tokens).length) p.push('auth: the same token is given to more than one agent, user or OPD; expected each to be unique');
  cfg.devices.forEach((d, i) => {
    if (!opdIds.has(d.opd)) p.push(`devices[${i}].opd: expected the id of an OPD defined under opds, found "${d.opd}"`);
  });
  cfg.opds.forEach((o, i) => {
    if (o.quota && o.uplinks.length === 0)
      p.push(`opds[${i}].uplinks: expected at least one uplink for an OPD with a quota (its usage is measured on its uplinks), found none for "${o.id}"`);
  });
  cfg.opds.forEach((o, i) =>
    o.uplinks.forEach((u, j) => {
      if (!deviceIds.has(u.device))
        p.push(`opds[${i}].uplinks[${j}].device: expected the id of a device defined under devices, found "${u.device}"`);
      else {
        const dev = cfg.devices.find((d) => d.id === u.device)!;
        if (!dev.snmp) p.push(`opds[${i}].uplinks[${j}].device: expected a device with snmp settings (uplinks are polled over SNMP), found "${u.device}" without snmp`);
      }
    }),
  );
  const polledBy = new Map<string, string>();
  cfg.agents.forEach((a, i) =>
    a.poll.forEach((d, j) => {
      if (!deviceIds.has(d)) p.push(`agents[${i}].poll[${j}]: expected the id of a device defined under devices, found "${d}"`);
      else if (polledBy.has(d)) p.push(`agents[${i}].poll[${j}]: device "${d}" is already polled by agent "${polledBy.get(d)}"; expected each device polled by one agent`);
      else polledBy.set(d, a.id);
    }),
  );
  cfg.devices.forEach((d, i) => {
    if (d.via === undefined) return;
    if (!deviceIds.has(d.via)) p.push(`devices[${i}].via: expected the id of a device defined under devices, found "${d.via}"`);
    else if (d.via === d.id) p.push(`devices[${i}].via: a device cannot stand behind itself ("${d.id}")`);
    else {
      const via = new Map(cfg.devices.map((x) => [x.id, x.via]));
      const chain = [d.id];
      for (let cur: string | undefined = d.via; cur !== undefined && !chain.includes(cur) && chain.length <= cfg.devices.length; cur = via.get(cur)) chain.push(cur);
      const last = via.get(chain[chain.length - 1]);
      if (last === d.id) p.push(`devices[${i}].via: "${d.id}" stands behind itself through ${[...chain, d.id].join(' → ')}; expected a chain without a loop`);
    }
  });
  if (!cfg.tls && !cfg.allowPlainHttp && !isLoopback(cfg.listen))
    p.push(`listen: "${cfg.listen}" is not a loopback address and tls is not set: tokens and SNMP credentials would cross the network in clear; expected tls: { cert, key }, or allowPlainHttp: true behind a TLS proxy`);
  cfg.notify.forEach((n, i) => {
    if (n.type === 'email' && !cfg.report.smtp) p.push(`notify[${i}]: an email notifier sends through report.smtp; expected report.smtp, found nothing`);
  });
  const notifierNames = cfg.notify.map((n) => n.name).filter((x): x is string => x !== undefined);
  for (const d of duplicates(notifierNames)) p.push(`notify: duplicate name "${d}"`);
  if (cfg.report.to.length && !cfg.report.smtp) p.push('report.smtp: expected SMTP settings when report.to lists recipients, found nothing');
  return p;
}

const spec: ConfigSpec<typeof collectorSchema> = {
  schema: collectorSchema,
  check: checkCollector,
  source: quotaSourceProblems,
  paths: (cfg, path) => ({
    ...cfg,
    store: {
      ...cfg.store,
      sqlite: path(cfg.store.sqlite),
      ...(cfg.store.influx ? { influx: { ...cfg.store.influx, spoolDir: cfg.store.influx.spoolDir === undefined ? undefined : path(cfg.store.influx.spoolDir) } } : {}),
    },
    ...(cfg.tls ? { tls: { ...cfg.tls, cert: path(cfg.tls.cert), key: path(cfg.tls.key) } } : {}),
  }),
};

/** Loads a collector config; a relative `store.sqlite` is relative to the file's folder. */
export function loadCollectorConfig(file: string, opts?: LoadOptions): CollectorConfig {
  return loadConfigFile(file, spec, opts);
}

/** Parses collector config text; relative paths are relative to `opts.baseDir` (default: the working folder). */
export function parseCollectorConfig(file: string, text: string, opts?: LoadOptions): CollectorConfig {
  return parseConfig(file, text, spec, opts);
}
