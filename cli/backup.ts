// `pantau backup-done` and `pantau backup-run`: an OPD's backup job reports to POST
// /api/v1/backups. A report is retried on network errors, 429 and 5xx (a few attempts with a
// short doubling backoff; PANTAU_RETRY_BASE_MS sets the first delay, tests shorten it); a
// refused token (401/403) or a refused report (400/404) is said in one line, exit 1.
// `backup-run` never lets reporting stand in the way of the backup itself: it runs the
// command whatever the start report's fate and exits with the command's status.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CommandError, UsageError } from './errors.js';

export interface ReportOptions {
  /** Attempts in all (default 4). */
  attempts?: number;
  /** Delay before retry `i` (0-based), ms (default PANTAU_RETRY_BASE_MS or 1000, doubling). */
  delayMs?: (i: number) => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Target {
  url: string;
  token: string;
  opd: string;
}

const defaultDelay = (i: number): number => Number(process.env.PANTAU_RETRY_BASE_MS ?? 1000) * 2 ** i;

/** Posts one report; resolves with the collector's answer, or throws CommandError with one line. */
export async function postReport(t: Target, body: Record<string, unknown>, o: ReportOptions = {}): Promise<{ status: string; duplicate: boolean }> {
  const attempts = o.attempts ?? 4;
  const delay = o.delayMs ?? defaultDelay;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const endpoint = `${t.url.replace(/\/+$/, '')}/api/v1/backups`;
  let last = '';
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(delay(i - 1));
    let res: Response;
    try {
      res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${t.token}` }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      last = cause?.code ?? cause?.message ?? (e as Error).message;
      continue;
    }
    const text = await res.text();
    let j: { error?: string; path?: string; status?: string; duplicate?: boolean } = {};
    try {
      j = JSON.parse(text) as typeof j;
    } catch {
      /* not JSON: said below with the status */
    }
    if (res.ok) return { status: j.status ?? 'unknown', duplicate: j.duplicate === true };
    const why = j.error ?? (text.slice(0, 200) || res.statusText);
    if (res.status === 401) throw new CommandError(`the collector at ${t.url} refused the token (401: ${why}); check --token`, 1);
    if (res.status === 403) throw new CommandError(`the token may not report backups of OPD "${t.opd}" (403: ${why})`, 1);
    if (res.status === 429 || res.status >= 500) {
      last = `${res.status}: ${why}`;
      continue;
    }
    throw new CommandError(`the collector refused the report (${res.status}: ${why})`, 1);
  }
  throw new CommandError(`could not reach the collector at ${t.url} after ${attempts} attempts (${last}); the backup was not recorded`, 1);
}

const COMMON = {
  url: { type: 'string' },
  token: { type: 'string' },
  opd: { type: 'string' },
} as const;

function target(v: { url?: string; token?: string; opd?: string }): Target {
  const token = v.token ?? process.env.PANTAU_BACKUP_TOKEN;
  if (!v.url) throw new UsageError('missing --url URL (the collector, e.g. https://noc.example.go.id:8080)');
  if (!/^https?:\/\/[^\s/]+/.test(v.url)) throw new UsageError(`--url: expected http(s)://HOST[:PORT], found "${v.url}"`);
  if (!token) throw new UsageError('missing --token T (or PANTAU_BACKUP_TOKEN in the environment)');
  if (!v.opd) throw new UsageError('missing --opd ID');
  return { url: v.url, token, opd: v.opd };
}

const runId = (opd: string): string => `${opd}-${Date.now()}-${randomBytes(4).toString('hex')}`;

export async function runBackupDone(args: string[]): Promise<number> {
  const { values: v } = parseArgs({
    args,
    strict: true,
    options: { ...COMMON, start: { type: 'boolean' }, failed: { type: 'boolean' }, run: { type: 'string' }, bytes: { type: 'string' }, path: { type: 'string' } },
  });
  const t = target(v);
  if (v.start && v.failed) throw new UsageError('--start and --failed exclude each other');
  if (v.bytes !== undefined && !/^(0|[1-9][0-9]{0,18})$/.test(v.bytes)) throw new UsageError(`--bytes: expected a size in bytes such as 123456789, found "${v.bytes}"`);
  if (v.start && (v.bytes !== undefined)) throw new UsageError('--bytes belongs to the end of a run, not to --start');
  const body: Record<string, unknown> = { opd: t.opd };
  if (v.start) body.phase = 'start';
  else {
    if (v.run !== undefined) body.phase = 'end';
    body.ok = !v.failed;
    if (v.bytes !== undefined) body.bytes = v.bytes;
  }
  if (v.run !== undefined) body.run = v.run;
  if (v.path !== undefined) body.path = v.path;
  const r = await postReport(t, body);
  const what = v.start ? 'start' : v.failed ? 'failure' : 'success';
  process.stdout.write(`pantau backup-done: ${what} of ${t.opd}${v.run ? ` run ${v.run}` : ''} ${r.duplicate ? 'was already recorded' : 'recorded'}; status ${r.status}\n`);
  return 0;
}

/** Runs `cmd args` with the terminal's stdio; resolves with its exit status (128 + signal number when killed; 127 when it cannot start). */
function runCommand(cmd: string, args: string[]): Promise<{ code: number; reason?: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit' });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGTERM', forward);
    process.on('SIGINT', forward);
    const done = (r: { code: number; reason?: string }) => {
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
      resolve(r);
    };
    child.on('error', (e) => done({ code: 127, reason: `${cmd} could not start: ${(e as NodeJS.ErrnoException).code ?? e.message}` }));
    child.on('exit', (code, signal) => {
      if (code !== null) done({ code, reason: code === 0 ? undefined : `${cmd} exited with status ${code}` });
      else done({ code: 128 + (signal ? (({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }) as Record<string, number>)[signal] ?? 0 : 0), reason: `${cmd} was killed by ${signal}` });
    });
  });
}

export async function runBackupRun(args: string[]): Promise<number> {
  const { values: v, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { ...COMMON, output: { type: 'string' } } });
  const t = target(v);
  if (positionals.length === 0) throw new UsageError('missing the backup command: pantau backup-run --url URL --token T --opd ID [--output FILE] -- CMD ARGS...');
  const [cmd, ...cmdArgs] = positionals;
  const run = runId(t.opd);
  const warn = (what: string, e: unknown) => process.stderr.write(`pantau backup-run: could not report the ${what} of run ${run}: ${(e as Error).message}\n`);
  const started = performance.now();
  try {
    await postReport(t, { opd: t.opd, phase: 'start', run, ...(v.output ? { path: v.output } : {}) });
  } catch (e) {
    warn('start', e); // the backup runs all the same
  }
  const result = await runCommand(cmd, cmdArgs);
  const durationS = Math.round(performance.now() - started) / 1000;
  const end: Record<string, unknown> = { opd: t.opd, phase: 'end', run, ok: result.code === 0, exitCode: result.code, durationS };
  let code = result.code;
  if (result.reason) end.reason = result.reason.slice(0, 500);
  if (v.output) {
    end.path = v.output;
    try {
      end.bytes = String(statSync(v.output).size);
    } catch (e) {
      if (result.code === 0) {
        end.ok = false;
        end.reason = `output file ${v.output} is missing after the command succeeded (${(e as NodeJS.ErrnoException).code})`.slice(0, 500);
        code = 1;
      }
    }
  }
  try {
    const r = await postReport(t, end);
    process.stderr.write(`pantau backup-run: run ${run} of ${t.opd} reported ${end.ok ? 'good' : 'failed'} (exit ${result.code}, ${durationS} s${end.bytes !== undefined ? `, ${end.bytes} bytes` : ''}); status ${r.status}\n`);
  } catch (e) {
    warn('end', e);
  }
  if (end.ok === false && end.reason) process.stderr.write(`pantau backup-run: ${end.reason}\n`);
  return code;
}
