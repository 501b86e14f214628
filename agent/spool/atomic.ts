// Atomic file replacement: write a temp file, fsync it, rename over the target, fsync the
// folder. Readers see the old file or the new one, never a torn one, even after a crash.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFileAtomic(file: string, data: string | Buffer, tmpDir = dirname(file)): Promise<void> {
  const tmp = join(tmpDir, `${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const fh = await open(tmp, 'w', 0o600);
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    // A full disk fails the write after the file exists: never leave it behind.
    await rm(tmp, { force: true });
    throw err;
  }
  const dir = await open(dirname(file), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
