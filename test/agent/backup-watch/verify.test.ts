// The check of what a backup file claims to be (agent/inputs/backup-watch/verify.ts, tar.ts,
// zip.ts), on archives made by GNU tar, gzip and zip and then cut or damaged.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../agent/inputs/backup-watch/rate.js';
import { inspectFile, kindOf } from '../../../agent/inputs/backup-watch/verify.js';
import { ustar } from '../../../sim/backups.js';
import { run, sha256, sourceTree, tar, tarGz, truncate, zip } from './archives.js';

/** Rewrites the tar header at `at` with `edit`, then its checksum, as a tar writer would. */
function patchHeader(b: Buffer, at: number, edit: (h: Buffer) => void): void {
  const h = b.subarray(at, at + 512);
  edit(h);
  h.write('        ', 148, 'latin1');
  let sum = 0;
  for (const x of h) sum += x;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pantau-bkv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const inspect = (file: string) => inspectFile(file, { bucket: new TokenBucket(1e12, 1 << 20) });

/** Expects a good archive: ok, its size and the SHA-256 node:crypto computes. */
async function expectGood(file: string): Promise<void> {
  const r = await inspect(file);
  expect(r).toEqual({ ok: true, bytes: BigInt(statSync(file).size), sha256: sha256(file) });
}

describe('backup verification', () => {
  it('names the kind by the file name', () => {
    expect(['a.tar.gz', 'A.TGZ', 'a.sql.gz', 'a.tar', 'a.zip', 'a.dump', 'a.tar.zst'].map(kindOf)).toEqual(['tar.gz', 'tar.gz', 'gz', 'tar', 'zip', 'other', 'other']);
  });

  it('passes a good .tar.gz, .tgz, .tar, .zip, .gz and other file with their size and SHA-256', async () => {
    await expectGood(tarGz(dir));
    run('cp', ['backup.tar.gz', 'backup.tgz'], dir);
    await expectGood(join(dir, 'backup.tgz'));
    await expectGood(tar(dir));
    await expectGood(zip(dir));
    run('gzip', ['-k', 'src/db/dump.sql'], dir);
    await expectGood(join(dir, 'src/db/dump.sql.gz'));
    await expectGood(join(dir, 'src/blob.bin'));
  });

  it('passes a tar with pax headers and long names, and one with GNU long names', async () => {
    sourceTree(dir, 5000);
    const long = `src/${'nama-folder-yang-sangat-panjang/'.repeat(5)}`;
    run('mkdir', ['-p', long], dir);
    writeFileSync(join(dir, long, `${'berkas'.repeat(30)}.txt`), 'isi\n'.repeat(1000));
    run('tar', ['--format=pax', '-cf', 'pax.tar', 'src'], dir);
    run('tar', ['--format=gnu', '-czf', 'gnu.tar.gz', 'src'], dir);
    await expectGood(join(dir, 'pax.tar'));
    await expectGood(join(dir, 'gnu.tar.gz'));
  });

  it('fails a truncated .tar.gz, naming the end of the file', async () => {
    const f = tarGz(dir);
    const n = Math.floor(statSync(f).size / 2);
    truncate(f, n);
    const r = await inspect(f);
    expect(r.ok).toBe(false);
    expect(r.bytes).toBe(BigInt(n));
    expect(r.sha256).toBe(sha256(f));
    expect(r.reason).toBe(`gzip: unexpected end of file at byte ${n} (truncated)`);
  });

  it('fails a .tar.gz whose gzip is whole but whose tar was cut before it was compressed', async () => {
    const t = tar(dir);
    const body = readFileSync(t);
    writeFileSync(join(dir, 'cut.tar.gz'), gzipSync(body.subarray(0, 512 * 3 + 100)));
    const r = await inspect(join(dir, 'cut.tar.gz'));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/^tar: (entry "src\/.*" has \d+ of its \d+ bytes; the archive ends at byte 1636 \(truncated\)|ends inside a header at byte 1636 \(truncated\))$/);
  });

  it('fails a .gz with garbage after its end, and passes one padded with zeros (as gzip -t does)', async () => {
    const gz = gzipSync(Buffer.from('pg_dump output\n'.repeat(1000)));
    writeFileSync(join(dir, 'garbage.sql.gz'), Buffer.concat([gz, Buffer.from('not gzip at all')]));
    writeFileSync(join(dir, 'zeros.sql.gz'), Buffer.concat([gz, Buffer.alloc(4096)]));
    const bad = await inspect(join(dir, 'garbage.sql.gz'));
    expect(bad.ok).toBe(false);
    expect(bad.reason).toMatch(/^gzip: incorrect header check near byte \d+ \(corrupt\)$/);
    await expectGood(join(dir, 'zeros.sql.gz'));
  });

  it('fails a .tar.gz that is not gzip at all', async () => {
    writeFileSync(join(dir, 'x.tar.gz'), 'this is an HTML error page, not a backup\n');
    const r = await inspect(join(dir, 'x.tar.gz'));
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/^gzip: incorrect header check/);
  });

  it('fails a tar with a damaged header checksum, naming the header', async () => {
    const f = tar(dir);
    const b = readFileSync(f);
    // The second header (after the folder entry "src/", which has no data): flip a byte of its name.
    expect(b.subarray(512, 516).toString()).toBe('src/');
    b[512 + 5] ^= 0x20;
    writeFileSync(f, b);
    const r = await inspect(f);
    expect(r.ok).toBe(false);
    expect(r.reason).toMatch(/^tar: header at byte 512 \(entry "src\/.*"\) has a bad checksum \(stored \d+, computed \d+\): corrupt$/);
  });

  it('fails a tar cut inside an entry, passes one cut at a block boundary after a whole entry', async () => {
    sourceTree(dir);
    run('tar', ['-cf', 'b.tar', 'src/README', 'src/blob.bin'], dir); // in this order
    const f = join(dir, 'b.tar');
    const whole = readFileSync(f);
    truncate(f, 512 * 3 + 100); // inside blob.bin's data
    const cut = await inspect(f);
    expect(cut.ok).toBe(false);
    expect(cut.reason).toBe('tar: entry "src/blob.bin" has 100 of its 200000 bytes; the archive ends at byte 1636 (truncated)');
    // README: a header and one data block, ending at byte 1024; the input ends there, at a block boundary.
    writeFileSync(f, whole.subarray(0, 1024));
    await expectGood(f);
    writeFileSync(f, whole.subarray(0, 1000));
    expect((await inspect(f)).reason).toBe('tar: the archive ends at byte 1000, inside the padding of entry "src/README", not at a 512-byte block boundary (truncated)');
  });

  it('fails a file that is not a tar although named .tar, and an empty backup', async () => {
    writeFileSync(join(dir, 'x.tar'), Buffer.alloc(2048, 0x41));
    expect((await inspect(join(dir, 'x.tar'))).reason).toMatch(/^tar: header at byte 0 has no valid checksum field/);
    writeFileSync(join(dir, 'empty.dump'), '');
    expect(await inspect(join(dir, 'empty.dump'))).toMatchObject({ ok: false, bytes: 0n, reason: 'empty file (0 bytes)' });
  });

  it('fails a truncated zip, and zips whose central directory does not match the file', async () => {
    const f = zip(dir);
    const whole = readFileSync(f);
    truncate(f, whole.length - 10);
    expect(await inspect(f)).toMatchObject({ ok: false, reason: 'zip: no End of Central Directory record at the end of the file (truncated or not a zip)' });

    // Cut in the middle of the data, with the directory kept: the offsets no longer hold.
    writeFileSync(f, Buffer.concat([whole.subarray(0, 1000), whole.subarray(whole.length - 4000)]));
    expect((await inspect(f)).reason).toMatch(/^zip: /);

    // A damaged local header: the directory points at bytes that are not one.
    const b = Buffer.from(whole);
    expect(b.readUInt32LE(0)).toBe(0x04034b50);
    b[1] = 0;
    writeFileSync(f, b);
    expect((await inspect(f)).reason).toMatch(/^zip: entry "src\/" has no local header at byte 0 \(corrupt\)$/);

    // The End of Central Directory counting one entry too many.
    const c = Buffer.from(whole);
    const eocd = c.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    c.writeUInt16LE(c.readUInt16LE(eocd + 10) + 1, eocd + 10);
    c.writeUInt16LE(c.readUInt16LE(eocd + 8) + 1, eocd + 8);
    writeFileSync(f, c);
    expect((await inspect(f)).reason).toMatch(/^zip: the central directory holds (\d+) entries, the End of Central Directory says \d+ \(corrupt\)$/);
  });

  it('passes a GNU sparse tar with extension headers, and fails it cut short', async () => {
    const fd = openSync(join(dir, 'disk.img'), 'w');
    for (let k = 0; k < 12; k++) writeSync(fd, Buffer.alloc(4096, 65 + k), 0, 4096, k * 1_000_000); // 12 pieces: more than a header holds
    closeSync(fd);
    run('tar', ['--format=oldgnu', '-S', '-cf', 'sparse.tar', 'disk.img'], dir);
    const f = join(dir, 'sparse.tar');
    expect(readFileSync(f)[156]).toBe('S'.charCodeAt(0));
    expect(readFileSync(f)[482]).not.toBe(0); // an extension header follows
    await expectGood(f);
    truncate(f, 512 * 2 + 4096 * 3);
    expect((await inspect(f)).reason).toMatch(/^tar: entry "disk\.img" has 12288 of its \d+ bytes; the archive ends at byte 13312 \(truncated\)$/);
  });

  it('reads a size in GNU base-256 and a pax size= record (how archives of 8 GiB and more carry sizes)', async () => {
    const data = Buffer.alloc(1000, 0x61);
    const b256 = ustar([{ name: 'a.bin', data, mtimeS: 1e9 }]);
    patchHeader(b256, 0, (h) => {
      h.fill(0, 124, 136);
      h[124] = 0x80;
      h.writeUInt16BE(1000, 134);
    });
    writeFileSync(join(dir, 'b256.tar'), b256);
    await expectGood(join(dir, 'b256.tar'));

    const rec = ' size=1000\n';
    const pax = ustar([
      { name: 'PaxHeaders/a.bin', data: Buffer.from(`${rec.length + 2}${rec}`), mtimeS: 1e9 },
      { name: 'a.bin', data, mtimeS: 1e9 },
    ]);
    patchHeader(pax, 0, (h) => h.write('x', 156, 'latin1'));
    patchHeader(pax, 1024, (h) => h.write('00000000000\0', 124, 'latin1')); // the size field says 0: pax's size counts
    writeFileSync(join(dir, 'pax.tar'), pax);
    await expectGood(join(dir, 'pax.tar'));
    // Without the pax record's size the data blocks would be read as headers: proven by dropping it.
    patchHeader(pax, 0, (h) => h.write('g', 156, 'latin1'));
    writeFileSync(join(dir, 'pax.tar'), pax);
    expect((await inspect(join(dir, 'pax.tar'))).reason).toMatch(/^tar: header at byte 1536 .*no valid checksum field/);
  });

  it('passes a ZIP64 archive and fails it truncated', async () => {
    sourceTree(dir, 5000);
    run('zip', ['-q', '-r', '-fz', 'z64.zip', 'src'], dir);
    const f = join(dir, 'z64.zip');
    const b = readFileSync(f);
    expect(b.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]))).toBeGreaterThan(0); // a ZIP64 End of Central Directory
    await expectGood(f);
    truncate(f, b.length - 30);
    expect((await inspect(f)).ok).toBe(false);
  });
});
