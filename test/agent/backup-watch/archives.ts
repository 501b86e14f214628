// Test archives made by the real tools (GNU tar, gzip, Info-ZIP zip), in a temp folder.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A folder `src` of a few files (some incompressible) to archive. */
export function sourceTree(dir: string, bytes = 200_000): string {
  const src = join(dir, 'src');
  mkdirSync(join(src, 'db'), { recursive: true });
  writeFileSync(join(src, 'db', 'dump.sql'), 'INSERT INTO pasien VALUES (1, \'Budi\');\n'.repeat(Math.ceil(bytes / 40)));
  writeFileSync(join(src, 'blob.bin'), randomBytes(bytes));
  writeFileSync(join(src, 'README'), 'backup harian\n');
  return src;
}

/** Runs `tar` (or another tool) in `cwd`. */
export function run(cmd: string, args: string[], cwd: string): void {
  execFileSync(cmd, args, { cwd, stdio: 'pipe' });
}

export function tarGz(dir: string, name = 'backup.tar.gz'): string {
  sourceTree(dir);
  run('tar', ['czf', name, 'src'], dir);
  return join(dir, name);
}

export function tar(dir: string, name = 'backup.tar', extra: string[] = []): string {
  sourceTree(dir);
  run('tar', [...extra, '-cf', name, 'src'], dir);
  return join(dir, name);
}

export function zip(dir: string, name = 'backup.zip'): string {
  sourceTree(dir);
  run('zip', ['-qr', name, 'src'], dir);
  return join(dir, name);
}

export function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Keeps the first `n` bytes of a file (a backup cut short by a full disk or a killed job). */
export function truncate(file: string, n: number): void {
  writeFileSync(file, readFileSync(file).subarray(0, n));
}
