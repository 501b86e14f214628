// The wire format between agents and the collector (CONTRACT.md "Samples in a batch").
// Counters travel as decimal strings (or safe JSON integers) and are bigint everywhere in code.

/** Milliseconds since the epoch, UTC. */
export type EpochMs = number;

export interface IfaceSample {
  type: 'iface';
  device: string;
  interface: string;
  ts: EpochMs;
  /** Octet counters as read from IF-MIB; bigint in code, decimal strings on the wire. */
  inOctets: bigint;
  outOctets: bigint;
  bits: 64 | 32;
  /** sysUpTime in hundredths of a second. */
  uptime?: number;
  operUp?: boolean;
  /** Interface speed in bit/s (ifHighSpeed × 10^6). */
  speedBps?: number;
}

export interface HostSample {
  type: 'host';
  device: string;
  ts: EpochMs;
  uptimeS: number;
  cpuPct: number;
  memUsedPct: number;
  disks?: { mount: string; usedPct: number }[];
  rxBytes?: bigint;
  txBytes?: bigint;
}

export interface PingSample {
  type: 'ping';
  device: string;
  ts: EpochMs;
  up: boolean;
  rttMs?: number;
  lossPct?: number;
}

export interface BackupSample {
  type: 'backup';
  opd: string;
  ts: EpochMs;
  ok: boolean;
  bytes?: bigint;
  path?: string;
  /** SHA-256 of the file, 64 lowercase hex digits (agent backup-watch). */
  sha256?: string;
  /** Why the backup is not good (`ok: false`): "gzip: unexpected end of file at byte N", at most 500 characters. */
  reason?: string;
}

/**
 * The outcome of one poll of one device (an addition to the contract's sample types):
 * lets the collector show "wrong SNMPv3 key" or "timeout" on that device in /status.
 */
export interface PollSample {
  type: 'poll';
  device: string;
  ts: EpochMs;
  ok: boolean;
  /** What failed, for an operator: "snmp: authentication failure (wrong authKey?)". */
  error?: string;
  durationMs?: number;
  /** A 32-bit counter polled too slowly for its link speed to tell wraps from resets. */
  warnings?: string[];
}

export type Sample = IfaceSample | HostSample | PingSample | BackupSample | PollSample;

export interface IngestBatch {
  agent: string;
  batch: string;
  samples: Sample[];
}

/**
 * The collector's answer to an accepted batch. `duplicate`: it was stored before. A value that
 * cannot be believed never costs the batch: `setAside` names the optional fields stored as
 * unknown, `refused` the samples refused by themselves (unusable identity, counters or
 * timestamp; a device unknown or not assigned to the agent); every other sample is stored.
 * Resending changes nothing: the same batch gives the same answer (then `duplicate`).
 */
export interface IngestAck {
  ok: true;
  batch: string;
  stored: number;
  duplicate: boolean;
  /** The first 100 refusals; `refusedCount` says how many there were. */
  refused?: SampleRefusal[];
  refusedCount?: number;
  /** The first 100 fields set aside; `setAsideCount` says how many there were. */
  setAside?: FieldSetAside[];
  setAsideCount?: number;
}

/** Why a sample was refused: a stable code per kind of fault. */
export type RefusalReason =
  | 'invalid_sample' // not a sample object, or an unknown `type`
  | 'invalid_identity' // device, interface or opd missing or not a usable string
  | 'invalid_counter' // inOctets/outOctets/bits (or another counter) unusable
  | 'invalid_timestamp' // ts missing, not an integer, or outside the acceptance window
  | 'invalid_value' // a required value of another kind (ping `up`, host `cpuPct`, ...)
  | 'unknown_device' // a device the collector's config does not define
  | 'unknown_opd'
  | 'not_assigned'; // a device assigned to another agent

export interface SampleRefusal {
  /** Index in the batch's `samples`. */
  index: number;
  /** The offending field, `samples[3].inOctets`. */
  path: string;
  reason: RefusalReason;
  error: string;
  device?: string;
}

export interface FieldSetAside {
  index: number;
  /** `samples[3].speedBps`. */
  path: string;
  /** `speedBps`, `operUp`, `uptime`, `interface` (cut), ... */
  field: string;
  /** `unknown`: stored as unknown; `cut`: stored shortened (a name or a message). */
  action: 'unknown' | 'cut';
  error: string;
  device?: string;
}

/** One sample as JSON, bigint → decimal string (no replacer callback: the agent's hot path). */
export function encodeSample(s: Sample): string {
  switch (s.type) {
    case 'iface':
      return JSON.stringify({ ...s, inOctets: s.inOctets.toString(), outOctets: s.outOctets.toString() });
    case 'host':
      return JSON.stringify({ ...s, rxBytes: s.rxBytes?.toString(), txBytes: s.txBytes?.toString() });
    case 'backup':
      return JSON.stringify({ ...s, bytes: s.bytes?.toString() });
    default:
      return JSON.stringify(s);
  }
}

/**
 * The wire JSON of a batch is `batchHead(agent, batch)`, the samples encoded with
 * encodeSample and joined by commas, then BATCH_TAIL (agent/transport/encode.ts streams it).
 */
export function batchHead(agent: string, batch: string): string {
  return `{"agent":${JSON.stringify(agent)},"batch":${JSON.stringify(batch)},"samples":[`;
}
export const BATCH_TAIL = ']}';
