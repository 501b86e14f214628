// The agent's small configuration file. What it polls comes from the collector.
import { z } from 'zod';
import { loadConfigFile, parseConfig, type ConfigSpec, type LoadOptions } from './load.js';

export const agentSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'expected an id of letters, digits, ".", "_" or "-"'),
  collector: z.url({ protocol: /^https?$/, error: 'expected the collector URL such as http://127.0.0.1:8080' }),
  token: z.string().min(16, 'expected a token of at least 16 characters'),
  /**
   * How the agent trusts an https collector: `ca`, a PEM file of the CA (or the certificate
   * itself) to verify against instead of the system's; `fingerprint`, the SHA-256 of the
   * collector's certificate (hex, colons optional), pinned. With both, both must hold.
   */
  tls: z
    .strictObject({
      ca: z.string().min(1, 'expected the path of a PEM CA certificate').optional(),
      fingerprint: z
        .string()
        .regex(/^([0-9A-Fa-f]{2}:?){31}[0-9A-Fa-f]{2}$/, 'expected a SHA-256 fingerprint of 64 hex digits (colons optional), as `openssl x509 -noout -fingerprint -sha256` prints it')
        .optional(),
    })
    .optional(),
  /** Relative to the config file's folder. */
  spool: z.string().min(1).default('spool'),
  /** Upper bound of the spool on disk, in MB: sized for days of a regional link's outage. */
  spoolMaxMB: z.number().int().min(1).default(2048),
  /** Host metrics of this machine, reported under this device id (default: the agent id). */
  hostDevice: z.string().optional(),
  backupWatch: z
    .array(
      z.strictObject({
        opd: z.string().min(1),
        /** Wildcards * ? [..] per path segment (agent/inputs/backup-watch/glob.ts); relative to the config file's folder. */
        glob: z.string().min(1).refine((g) => !g.includes('**'), 'expected a glob without ** (each * matches within one folder level; list the folders, e.g. /srv/backup/*/*.tar.gz)'),
      }),
    )
    .default([]),
  /** Read rate bound of the backup checks (SHA-256, archive check), MB (10^6 bytes) per second; default 50. */
  backupWatchMaxMBps: z.number().positive('expected a rate in MB/s above 0').max(100_000).optional(),
  /** How long a backup file must keep its size and mtime before it is checked, seconds; default 60. */
  backupWatchSettleSeconds: z.number().int('expected whole seconds').min(0, 'expected seconds, 0 or more').max(86_400, 'expected at most 86400 seconds (a day)').optional(),
});

export type AgentConfig = z.infer<typeof agentSchema>;

function checkAgent(cfg: AgentConfig): string[] {
  const p: string[] = [];
  if (cfg.tls && !cfg.collector.startsWith('https:'))
    p.push(`tls: set, but collector is "${cfg.collector}"; expected an https:// collector URL for tls to apply`);
  if (cfg.tls && !cfg.tls.ca && !cfg.tls.fingerprint) p.push('tls: expected ca or fingerprint (or both), found neither');
  return p;
}

const spec: ConfigSpec<typeof agentSchema> = {
  schema: agentSchema,
  check: checkAgent,
  paths: (cfg, path) => ({
    ...cfg,
    spool: path(cfg.spool),
    backupWatch: cfg.backupWatch.map((w) => ({ ...w, glob: path(w.glob) })),
    ...(cfg.tls?.ca ? { tls: { ...cfg.tls, ca: path(cfg.tls.ca) } } : {}),
  }),
};

/** Loads an agent config; a relative `spool` or `tls.ca` is relative to the file's folder. */
export function loadAgentConfig(file: string, opts?: LoadOptions): AgentConfig {
  return loadConfigFile(file, spec, opts);
}

export function parseAgentConfig(file: string, text: string, opts?: LoadOptions): AgentConfig {
  return parseConfig(file, text, spec, opts);
}
