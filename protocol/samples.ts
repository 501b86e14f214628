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

/** The collector's answer to an accepted batch. `duplicate`: it was stored before. */
export interface IngestAck {
  ok: true;
  batch: string;
  stored: number;
  duplicate: boolean;
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
