// Validation of an ingest batch, field by field, with the path of the bad field
// ("samples[3].inOctets"). Hand-written because it is the hot path of ingest; it returns
// typed samples with counters as bigint. One bad value never costs the batch: an optional
// field that cannot be believed (speedBps, operUp, uptime, rttMs, ...) is set aside as
// unknown and an over-long name or message is cut; a sample whose identity, counters or
// timestamp are unusable is refused by itself. Only a malformed batch (not an object, no
// agent or batch id, no samples array) is rejected whole.
import { cutInterfaceName, MAX_INTERFACE_NAME } from '../../protocol/interface-name.js';
import type { FieldSetAside, IngestBatch, RefusalReason, Sample, SampleRefusal } from '../../protocol/samples.js';
import { ApiError } from '../api/errors.js';

/** A batch as validated: the samples kept (with their index in the body), and what was not. */
export interface ValidatedBatch extends IngestBatch {
  /** For each kept sample, its index in the body's `samples`. */
  indices: number[];
  refused: SampleRefusal[];
  setAside: FieldSetAside[];
}

/** Records a field set aside on the sample being validated. */
type Aside = (path: string, field: string, action: FieldSetAside['action'], error: string) => void;

const U64_MAX = (1n << 64n) - 1n;
const DIGITS = /^(0|[1-9][0-9]{0,19})$/;
const SHA256 = /^[0-9a-f]{64}$/;
/** Samples more than this far in the future are refused (clock skew allowance). */
export const MAX_FUTURE_MS = 10 * 60_000;

/**
 * The acceptance window of sample times, [from, to] in ms: from = now − the past limit (the
 * agents' spool age, never beyond the raw retention: older buckets are final), to = now + 10 min.
 */
export interface AcceptanceWindow {
  from: number;
  to: number;
}

export function acceptanceWindow(now: number, maxAgeMs: number): AcceptanceWindow {
  return { from: Math.max(0, now - maxAgeMs), to: now + MAX_FUTURE_MS };
}

const iso = (t: number): string => new Date(t).toISOString();

function fail(path: string, expected: string, found: unknown): never {
  throw new ApiError('PANTAU_INVALID_SAMPLE', `${path}: expected ${expected}, found ${show(found)}`, path);
}

/** `samples[3].inOctets`; top-level keys of the body have no prefix. */
function at(path: string, key: string): string {
  return path === '(body)' ? key : `${path}.${key}`;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 37) + '...' : v);
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function str(o: Record<string, unknown>, key: string, path: string, max = 128): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) fail(at(path, key), `a non-empty string of at most ${max} characters`, v);
  return v;
}

function counter(o: Record<string, unknown>, key: string, path: string, max = U64_MAX): bigint {
  const v = o[key];
  if (typeof v === 'string') {
    if (!DIGITS.test(v)) fail(at(path, key), 'an unsigned integer counter (decimal string)', v);
    const b = BigInt(v);
    if (b > max) fail(at(path, key), `a counter of at most ${max} (${max === U64_MAX ? '64' : '32'}-bit)`, v);
    return b;
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) fail(at(path, key), 'an unsigned integer counter', v);
    if (!Number.isSafeInteger(v)) fail(at(path, key), 'a decimal string for a counter above 2^53 (a JSON number loses precision)', v);
    const b = BigInt(v);
    if (b > max) fail(at(path, key), `a counter of at most ${max}`, v);
    return b;
  }
  return fail(at(path, key), 'an unsigned integer counter (decimal string or integer)', v);
}

function ts(o: Record<string, unknown>, path: string, win: AcceptanceWindow): number {
  const v = o.ts;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) fail(`${path}.ts`, 'milliseconds since the epoch (UTC)', v);
  if (v < win.from || v > win.to)
    throw new ApiError(
      'PANTAU_INVALID_SAMPLE',
      `${path}.ts: ${v > 8.64e15 ? v : iso(v)} is outside the acceptance window ${iso(win.from)} to ${iso(win.to)} ` +
        `(${v < win.from ? 'older than the spool age and raw retention: the figures of that time are final' : 'ahead of the collector\'s clock'})`,
      `${path}.ts`,
    );
  return v;
}

function num(o: Record<string, unknown>, key: string, path: string, min: number, max: number, optional: true): number | undefined;
function num(o: Record<string, unknown>, key: string, path: string, min: number, max: number, optional?: false): number;
function num(o: Record<string, unknown>, key: string, path: string, min: number, max: number, optional = false): number | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) fail(at(path, key), `a number from ${min} to ${max}`, v);
  return v;
}

function bool(o: Record<string, unknown>, key: string, path: string, optional: boolean): boolean | undefined {
  const v = o[key];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'boolean') fail(at(path, key), 'true or false', v);
  return v;
}

/** An optional field: absent, or invalid and then set aside (undefined), or its value. */
function optional<T>(o: Record<string, unknown>, key: string, path: string, aside: Aside, read: () => T): T | undefined {
  if (o[key] === undefined) return undefined;
  try {
    return read();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    aside(at(path, key), key, 'unknown', e.message);
    return undefined;
  }
}

/** A string that may be cut (a name, a message): too long is kept shortened and noted. */
function cut(o: Record<string, unknown>, key: string, path: string, max: number, aside: Aside, cutter = (v: string) => v.slice(0, max)): string {
  const v = o[key];
  if (typeof v === 'string' && v.length > max) {
    aside(at(path, key), key, 'cut', `${at(path, key)}: ${v.length} characters, cut to ${max}`);
    return cutter(v);
  }
  return str(o, key, path, max);
}

function sample(raw: unknown, path: string, win: AcceptanceWindow, aside: Aside): Sample {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(path, 'a sample object', raw);
  const o = raw as Record<string, unknown>;
  switch (o.type) {
    case 'iface': {
      const bits = o.bits;
      if (bits !== 64 && bits !== 32) fail(`${path}.bits`, '64 or 32', bits);
      const max = bits === 32 ? 0xffffffffn : U64_MAX;
      const device = str(o, 'device', path);
      const iface = cut(o, 'interface', path, MAX_INTERFACE_NAME, aside, cutInterfaceName);
      const t = ts(o, path, win);
      const inOctets = counter(o, 'inOctets', path, max);
      const outOctets = counter(o, 'outOctets', path, max);
      const uptime = optional(o, 'uptime', path, aside, () => {
        const v = num(o, 'uptime', path, 0, 0xffffffff);
        if (!Number.isInteger(v)) fail(`${path}.uptime`, 'sysUpTime in whole hundredths of a second', v);
        return v;
      });
      return {
        type: 'iface',
        device,
        interface: iface,
        ts: t,
        inOctets,
        outOctets,
        bits,
        uptime,
        operUp: optional(o, 'operUp', path, aside, () => bool(o, 'operUp', path, false)),
        speedBps: optional(o, 'speedBps', path, aside, () => num(o, 'speedBps', path, 0, 1e13)),
      };
    }
    case 'host': {
      const disks = optional(o, 'disks', path, aside, () => {
        if (!Array.isArray(o.disks) || o.disks.length > 256) fail(`${path}.disks`, 'an array of at most 256 disks', o.disks);
        return o.disks.map((d, i) => {
          const p = `${path}.disks[${i}]`;
          if (!d || typeof d !== 'object') fail(p, 'an object {mount, usedPct}', d);
          const dd = d as Record<string, unknown>;
          return { mount: str(dd, 'mount', p, 512), usedPct: num(dd, 'usedPct', p, 0, 100) };
        });
      });
      return {
        type: 'host',
        device: str(o, 'device', path),
        ts: ts(o, path, win),
        uptimeS: num(o, 'uptimeS', path, 0, 1e10),
        cpuPct: num(o, 'cpuPct', path, 0, 100),
        memUsedPct: num(o, 'memUsedPct', path, 0, 100),
        disks,
        rxBytes: optional(o, 'rxBytes', path, aside, () => counter(o, 'rxBytes', path)),
        txBytes: optional(o, 'txBytes', path, aside, () => counter(o, 'txBytes', path)),
      };
    }
    case 'ping':
      return {
        type: 'ping',
        device: str(o, 'device', path),
        ts: ts(o, path, win),
        up: bool(o, 'up', path, false)!,
        rttMs: optional(o, 'rttMs', path, aside, () => num(o, 'rttMs', path, 0, 600_000)),
        lossPct: optional(o, 'lossPct', path, aside, () => num(o, 'lossPct', path, 0, 100)),
      };
    case 'backup':
      return {
        type: 'backup',
        opd: str(o, 'opd', path),
        ts: ts(o, path, win),
        ok: bool(o, 'ok', path, false)!,
        bytes: optional(o, 'bytes', path, aside, () => counter(o, 'bytes', path)),
        path: optional(o, 'path', path, aside, () => cut(o, 'path', path, 4096, aside)),
        // backup-watch: the file's hash, and why it is not a good archive
        sha256: optional(o, 'sha256', path, aside, () => (typeof o.sha256 === 'string' && SHA256.test(o.sha256) ? o.sha256 : fail(`${path}.sha256`, '64 lowercase hex digits', o.sha256))),
        reason: optional(o, 'reason', path, aside, () => cut(o, 'reason', path, 500, aside)),
      };
    case 'poll': {
      const warnings = optional(o, 'warnings', path, aside, () => {
        if (!Array.isArray(o.warnings) || o.warnings.some((w) => typeof w !== 'string')) fail(`${path}.warnings`, 'an array of strings', o.warnings);
        const ws = o.warnings as string[];
        if (ws.length > 32 || ws.some((w) => w.length > 512)) aside(`${path}.warnings`, 'warnings', 'cut', `${path}.warnings: cut to 32 warnings of at most 512 characters`);
        return ws.slice(0, 32).map((w) => w.slice(0, 512));
      });
      return {
        type: 'poll',
        device: str(o, 'device', path),
        ts: ts(o, path, win),
        ok: bool(o, 'ok', path, false)!,
        error: optional(o, 'error', path, aside, () => cut(o, 'error', path, 1024, aside)),
        durationMs: optional(o, 'durationMs', path, aside, () => num(o, 'durationMs', path, 0, 3_600_000)),
        warnings,
      };
    }
    default:
      return fail(`${path}.type`, '"iface", "host", "ping", "backup" or "poll"', o.type);
  }
}

/**
 * Validates a parsed JSON body. Throws ApiError (400) only for a malformed batch; a bad sample
 * is refused by itself and a bad optional field set aside, both named in the result.
 * `maxAgeMs`: the acceptance window's past limit (see acceptanceWindow).
 */
export function validateBatch(body: unknown, now = Date.now(), maxAgeMs = Infinity): ValidatedBatch {
  const win = acceptanceWindow(now, maxAgeMs);
  if (!body || typeof body !== 'object' || Array.isArray(body)) fail('(body)', 'a JSON object {agent, batch, samples}', body);
  const o = body as Record<string, unknown>;
  const agent = str(o, 'agent', '(body)');
  const batch = str(o, 'batch', '(body)', 200);
  if (!Array.isArray(o.samples)) fail('samples', 'an array of samples', o.samples);
  const raw = o.samples as unknown[];
  const samples: Sample[] = [];
  const indices: number[] = [];
  const refused: SampleRefusal[] = [];
  const setAside: FieldSetAside[] = [];
  for (let i = 0; i < raw.length; i++) {
    const s = validateSample(raw[i], i, win, refused, setAside);
    if (s) {
      samples.push(s);
      indices.push(i);
    }
  }
  return { agent, batch, samples, indices, refused, setAside };
}

/**
 * Sample `i` of a body (`raw`, as JSON.parse made it): the validated sample, or undefined when it
 * is refused (pushed to `refused`); fields set aside are pushed to `setAside`.
 */
export function validateSample(raw: unknown, i: number, win: AcceptanceWindow, refused: SampleRefusal[], setAside: FieldSetAside[]): Sample | undefined {
  const path = `samples[${i}]`;
  const mark = setAside.length;
  try {
    const s = sample(raw, path, win, (p, field, action, error) => setAside.push({ index: i, path: p, field, action, error }));
    if (setAside.length > mark && 'device' in s) for (let k = mark; k < setAside.length; k++) setAside[k].device = s.device;
    return s;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    setAside.length = mark; // a refused sample has nothing set aside: it is not stored at all
    const p = e.path ?? path;
    const r: SampleRefusal = { index: i, path: p, reason: reasonOf(p), error: e.message };
    const device = (raw as { device?: unknown } | null)?.device;
    if (typeof device === 'string' && device.length > 0 && device.length <= 128) r.device = device;
    refused.push(r);
    return undefined;
  }
}

/** The kind of fault, from the path of the field that failed (`samples[3].inOctets`). */
function reasonOf(path: string): RefusalReason {
  const field = /^samples\[\d+\]\.?([A-Za-z]*)/.exec(path)?.[1] ?? '';
  if (field === '' || field === 'type') return 'invalid_sample';
  if (field === 'device' || field === 'interface' || field === 'opd') return 'invalid_identity';
  if (field === 'inOctets' || field === 'outOctets' || field === 'bits') return 'invalid_counter';
  if (field === 'ts') return 'invalid_timestamp';
  return 'invalid_value';
}
