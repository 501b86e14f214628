// Process accounting from /proc for benchmarks: CPU seconds and resident memory of any pid
// (our own children included), so a peer such as influxd is measured the same way as Pantau.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Clock ticks per second for /proc/PID/stat (USER_HZ; 100 on every Linux we run on). */
const HZ = 100;

export interface CpuTimes {
  /** utime + stime of the process itself, seconds. */
  self: number;
  /** cutime + cstime: children it has waited for, seconds. */
  children: number;
}

export function cpuOf(pid: number | 'self'): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the ")" closing the command name; utime is field 14 (index 11 here).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { self: (Number(f[11]) + Number(f[12])) / HZ, children: (Number(f[13]) + Number(f[14])) / HZ };
}

/** Resident set size now and at its peak (VmHWM), bytes. */
export function rssOf(pid: number | 'self'): { rss: number; peak: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets VmHWM so the next peak belongs to the measured phase (Linux ≥ 4.0, needs root or ownership). */
export function resetPeak(pid: number | 'self'): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5'); // "5" resets the peak RSS
  } catch {
    /* best effort: the peak then covers the process' whole life */
  }
}

/** A TCP port free on 127.0.0.1 at the time of asking. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes (then throws `what`). */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, everyMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch {
      /* not yet */
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Bytes a process caused to be written to storage (/proc/PID/io), summed over its threads. */
export interface IoBytes {
  /** write_bytes: pages dirtied for the block layer (WAL, checkpoints, TSM files). */
  write: number;
  /** cancelled_write_bytes: dirtied then truncated away before reaching the disk. */
  cancelled: number;
}

export function ioOf(pid: number | 'self'): IoBytes {
  const s = readFileSync(`/proc/${pid}/io`, 'utf8');
  const v = (k: string) => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(s)?.[1] ?? NaN);
  return { write: v('write_bytes'), cancelled: v('cancelled_write_bytes') };
}

/** The pid and every live descendant of it (a server that forks helpers is measured whole). */
export function processTree(root: number): number[] {
  const parent = new Map<number, number[]>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const st = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      const kids = parent.get(ppid) ?? [];
      kids.push(Number(e));
      parent.set(ppid, kids);
    } catch {
      /* gone meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    out.push(p);
    for (const c of parent.get(p) ?? []) walk(c);
  };
  walk(root);
  return out;
}

/** What a server has used so far: CPU seconds (its threads, live descendants, reaped children) and bytes written. */
export interface ServerUsage {
  cpuS: number;
  writeBytes: number;
}

export function usageOf(root: number): ServerUsage {
  let cpuS = cpuOf(root).children;
  let writeBytes = 0;
  for (const pid of processTree(root)) {
    try {
      cpuS += cpuOf(pid).self;
      writeBytes += ioOf(pid).write;
    } catch {
      /* exited between the listing and the read */
    }
  }
  return { cpuS, writeBytes };
}
