// Validation of an ingest batch, field by field, with the path of the first bad field
// ("samples[3].inOctets"). Hand-written because it is the hot path of ingest; it returns
// typed samples with counters as bigint. A batch with any bad sample is rejected whole.
import type { IngestBatch, Sample } from '../../protocol/samples.js';
import { ApiError } from '../api/errors.js';

const U64_MAX = (1n << 64n) - 1n;
const DIGITS = /^(0|[1-9][0-9]{0,19})$/;
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

function sample(raw: unknown, path: string, win: AcceptanceWindow): Sample {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) fail(path, 'a sample object', raw);
  const o = raw as Record<string, unknown>;
  switch (o.type) {
    case 'iface': {
      const bits = o.bits;
      if (bits !== 64 && bits !== 32) fail(`${path}.bits`, '64 or 32', bits);
      const max = bits === 32 ? 0xffffffffn : U64_MAX;
      const speed = num(o, 'speedBps', path, 0, 1e13, true);
      const uptime = num(o, 'uptime', path, 0, 0xffffffff, true);
      if (uptime !== undefined && !Number.isInteger(uptime)) fail(`${path}.uptime`, 'sysUpTime in whole hundredths of a second', uptime);
      return {
        type: 'iface',
        device: str(o, 'device', path),
        interface: str(o, 'interface', path),
        ts: ts(o, path, win),
        inOctets: counter(o, 'inOctets', path, max),
        outOctets: counter(o, 'outOctets', path, max),
        bits,
        uptime,
        operUp: bool(o, 'operUp', path, true),
        speedBps: speed,
      };
    }
    case 'host': {
      let disks: { mount: string; usedPct: number }[] | undefined;
      if (o.disks !== undefined) {
        if (!Array.isArray(o.disks) || o.disks.length > 256) fail(`${path}.disks`, 'an array of at most 256 disks', o.disks);
        disks = o.disks.map((d, i) => {
          const p = `${path}.disks[${i}]`;
          if (!d || typeof d !== 'object') fail(p, 'an object {mount, usedPct}', d);
          const dd = d as Record<string, unknown>;
          return { mount: str(dd, 'mount', p, 512), usedPct: num(dd, 'usedPct', p, 0, 100) };
        });
      }
      return {
        type: 'host',
        device: str(o, 'device', path),
        ts: ts(o, path, win),
        uptimeS: num(o, 'uptimeS', path, 0, 1e10),
        cpuPct: num(o, 'cpuPct', path, 0, 100),
        memUsedPct: num(o, 'memUsedPct', path, 0, 100),
        disks,
        rxBytes: o.rxBytes === undefined ? undefined : counter(o, 'rxBytes', path),
        txBytes: o.txBytes === undefined ? undefined : counter(o, 'txBytes', path),
      };
    }
    case 'ping':
      return {
        type: 'ping',
        device: str(o, 'device', path),
        ts: ts(o, path, win),
        up: bool(o, 'up', path, false)!,
        rttMs: num(o, 'rttMs', path, 0, 600_000, true),
        lossPct: num(o, 'lossPct', path, 0, 100, true),
      };
    case 'backup':
      return {
        type: 'backup',
        opd: str(o, 'opd', path),
        ts: ts(o, path, win),
        ok: bool(o, 'ok', path, false)!,
        bytes: o.bytes === undefined ? undefined : counter(o, 'bytes', path),
        path: o.path === undefined ? undefined : str(o, 'path', path, 4096),
      };
    case 'poll': {
      let warnings: string[] | undefined;
      if (o.warnings !== undefined) {
        if (!Array.isArray(o.warnings) || o.warnings.some((w) => typeof w !== 'string')) fail(`${path}.warnings`, 'an array of strings', o.warnings);
        warnings = (o.warnings as string[]).slice(0, 32).map((w) => w.slice(0, 512));
      }
      return {
        type: 'poll',
        device: str(o, 'device', path),
        ts: ts(o, path, win),
        ok: bool(o, 'ok', path, false)!,
        error: o.error === undefined ? undefined : str(o, 'error', path, 1024),
        durationMs: num(o, 'durationMs', path, 0, 3_600_000, true),
        warnings,
      };
    }
    default:
      return fail(`${path}.type`, '"iface", "host", "ping", "backup" or "poll"', o.type);
  }
}

/**
 * Validates a parsed JSON body; throws ApiError (400) naming the first bad path. `maxAgeMs`:
 * the acceptance window's past limit (see acceptanceWindow).
 */
export function validateBatch(body: unknown, now = Date.now(), maxAgeMs = Infinity): IngestBatch {
  const win = acceptanceWindow(now, maxAgeMs);
  if (!body || typeof body !== 'object' || Array.isArray(body)) fail('(body)', 'a JSON object {agent, batch, samples}', body);
  const o = body as Record<string, unknown>;
  const agent = str(o, 'agent', '(body)');
  const batch = str(o, 'batch', '(body)', 200);
  if (!Array.isArray(o.samples)) fail('samples', 'an array of samples', o.samples);
  const samples = new Array<Sample>(o.samples.length);
  for (let i = 0; i < o.samples.length; i++) samples[i] = sample(o.samples[i], `samples[${i}]`, win);
  return { agent, batch, samples };
}
