// The files a `backupWatch` glob names. Wildcards per path segment, as the shell has them:
// `*` (any run of characters), `?` (one character) and `[abc]`/`[a-z]`/`[!abc]`; they never
// cross a `/` and never match a leading dot (a tool's `.name.tmp` is not a backup). No `**`.
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, sep } from 'node:path';

const WILD = /[*?[]/;

export interface FoundFile {
  path: string;
  bytes: bigint;
  mtimeMs: number;
}

/** A segment's pattern as a RegExp matching a whole name. */
export function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) re += '\\[';
      else {
        let body = seg.slice(i + 1, close);
        const neg = body.startsWith('!') || body.startsWith('^');
        if (neg) body = body.slice(1);
        re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = close;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'su');
}

/**
 * Regular files matching `pattern` (an absolute path), sorted. A folder that cannot be read
 * gives no files and an entry in `errors` (the caller logs it); a folder that does not exist
 * gives nothing (the backups have not arrived yet).
 */
export async function expandGlob(pattern: string): Promise<{ files: FoundFile[]; errors: string[] }> {
  if (!isAbsolute(pattern)) throw new Error(`backupWatch glob must be an absolute path, found "${pattern}"`);
  const segs = pattern.split(sep).filter((s) => s.length > 0);
  const errors: string[] = [];
  let dirs: string[] = [sep];
  const files: FoundFile[] = [];
  for (const [k, seg] of segs.entries()) {
    const last = k === segs.length - 1;
    const next: string[] = [];
    for (const dir of dirs) {
      if (!WILD.test(seg)) {
        next.push(join(dir, seg));
        continue;
      }
      const re = segmentRegExp(seg);
      let names: string[];
      try {
        names = await readdir(dir);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') errors.push(`${dir}: ${code ?? String(e)}`);
        continue;
      }
      for (const n of names) if (!n.startsWith('.') && re.test(n)) next.push(join(dir, n));
    }
    // Keep what exists and has the right kind: folders on the way, regular files at the end.
    dirs = [];
    for (const p of next) {
      try {
        const st = await stat(p);
        if (last && st.isFile()) files.push({ path: p, bytes: BigInt(st.size), mtimeMs: st.mtimeMs });
        else if (!last && st.isDirectory()) dirs.push(p);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') errors.push(`${p}: ${code ?? String(e)}`);
      }
    }
  }
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), errors };
}
