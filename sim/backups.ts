// Simulated OPD backup jobs for `pantau demo`: each OPD's nightly job writes a .tar.gz into its
// own folder under `dir`, which the demo agent watches (backupWatch). At start the last few
// nights are there already (mtime set to 01:0x local of each night); while the demo runs, each
// night's job writes its archive in pieces, as a real job does. One OPD misses its backups
// (writes nothing), one writes a truncated archive on the latest night.
import { mkdirSync, writeFileSync, appendFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rng } from './rng.js';

export type BackupBehaviour = 'good' | 'missing' | 'truncated';

export interface SimBackupsOptions {
  dir: string;
  opds: { id: string; behaviour: BackupBehaviour }[];
  /** The jobs' local hour and the zone's UTC offset in minutes (WIB: 420; no daylight saving). */
  hourLocal?: number;
  utcOffsetMinutes?: number;
  /** Nights already backed up at start (default 3). */
  nights?: number;
  /** The clock of the history at start (default Date.now()). */
  now?: number;
  /** Run each night's jobs at the night's hour while running (default true; tests call runNight). */
  live?: boolean;
}

/** The OPDs' `backup:` entry in the demo's collector config: nightly at 01:00, 4 h of grace. */
export const SIM_BACKUP_CONFIG = '{ schedule: "0 1 * * *", graceMinutes: 240, minBytes: 100000 }';

const DAY = 86_400_000;

/** A minimal POSIX ustar archive of regular files, ending in two zero blocks. */
export function ustar(files: { name: string; data: Buffer; mtimeS: number }[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of files) {
    const h = Buffer.alloc(512);
    h.write(f.name, 0, 100, 'utf8');
    h.write('0000644\0', 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(f.data.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
    h.write(Math.floor(f.mtimeS).toString(8).padStart(11, '0') + '\0', 136, 'latin1');
    h.write('        ', 148, 'latin1');
    h.write('0', 156, 'latin1');
    h.write('ustar\0' + '00', 257, 'latin1');
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    parts.push(h, f.data, Buffer.alloc((512 - (f.data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** One OPD's archive of one night: a database dump and some uploaded files, 150-300 kB gzip'd. */
export function nightlyArchive(opd: string, nightStart: number): Buffer {
  const r = rng(Math.floor(nightStart / DAY) * 31 + [...opd].reduce((s, c) => s + c.charCodeAt(0), 0));
  const rows = 20_000 + Math.floor(r() * 4000);
  const dump = Array.from({ length: rows }, (_, i) => `INSERT INTO layanan VALUES (${i}, '${opd}', ${Math.floor(r() * 1e6)});`).join('\n');
  const blob = Buffer.alloc((30_000 + Math.floor(r() * 10_000)) * 4); // incompressible, 120-160 kB
  for (let i = 0; i < blob.length; i += 4) blob.writeUInt32LE(Math.floor(r() * 4294967296), i);
  const mtimeS = nightStart / 1000;
  return gzipSync(ustar([
    { name: `${opd}/db/${opd}.sql`, data: Buffer.from(dump), mtimeS },
    { name: `${opd}/uploads/berkas.bin`, data: blob, mtimeS },
  ]));
}

export interface SimBackups {
  /** The agent's backupWatch entries. */
  watch: { opd: string; glob: string }[];
  /** Runs the night's jobs of `at` (ms) now; the live timer calls it at each night's hour. */
  runNight(at: number, pieces?: number): Promise<void>;
  stop(): void;
}

export function startSimBackups(o: SimBackupsOptions): SimBackups {
  const hour = o.hourLocal ?? 1;
  const offset = (o.utcOffsetMinutes ?? 420) * 60_000;
  const now = o.now ?? Date.now();
  const timers = new Set<NodeJS.Timeout>();
  const folder = (id: string) => join(o.dir, id);
  for (const x of o.opds) mkdirSync(folder(x.id), { recursive: true });
  /** The run time (UTC ms) of the night whose local date is that of local time `t`. */
  const runOf = (t: number) => Math.floor((t + offset) / DAY) * DAY - offset + hour * 3600_000;
  const fileOf = (id: string, run: number) => join(folder(id), `${id}-${new Date(run + offset).toISOString().slice(0, 10)}.tar.gz`);
  const sleep = (ms: number) =>
    new Promise<void>((r) => {
      const t = setTimeout(() => (timers.delete(t), r()), ms);
      t.unref();
      timers.add(t);
    });

  /** Writes one archive; `latest` marks the newest night (the truncated OPD's bad one). */
  const write = async (id: string, behaviour: BackupBehaviour, run: number, latest: boolean, pieces: number, mtime?: number) => {
    if (behaviour === 'missing') return;
    let body = nightlyArchive(id, run);
    if (behaviour === 'truncated' && latest) body = body.subarray(0, Math.floor(body.length * 0.6)); // the disk filled up
    const f = fileOf(id, run);
    const step = Math.ceil(body.length / pieces);
    writeFileSync(f, body.subarray(0, step));
    for (let k = step; k < body.length; k += step) {
      await sleep(1000);
      appendFileSync(f, body.subarray(k, k + step));
    }
    if (mtime !== undefined) utimesSync(f, new Date(mtime), new Date(mtime));
  };

  // History: the last `nights` runs before now, written at once with their night's mtime.
  let last = runOf(now);
  if (last > now) last -= DAY;
  const nights = o.nights ?? 3;
  for (let n = nights - 1; n >= 0; n--) {
    const run = last - n * DAY;
    for (const [i, x] of o.opds.entries()) void write(x.id, x.behaviour, run, n === 0, 1, run + (5 + i) * 60_000);
  }

  const runNight = async (at: number, pieces = 4) => {
    await Promise.all(o.opds.map((x) => write(x.id, x.behaviour, runOf(at), true, pieces)));
  };
  const schedule = (next: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      void runNight(next).catch(() => undefined);
      schedule(next + DAY);
    }, Math.max(0, next - Date.now()));
    t.unref();
    timers.add(t);
  };
  if (o.live !== false) {
    let next = last + DAY;
    while (next <= Date.now()) next += DAY;
    schedule(next);
  }

  return {
    watch: o.opds.map((x) => ({ opd: x.id, glob: join(folder(x.id), '*.tar.gz') })),
    runNight,
    stop: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
