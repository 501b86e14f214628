import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MirrorSpool } from '../../collector/storage/mirror-spool.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const line = (i: number) => `m v=${i}i ${1000 + i}`.padEnd(100, ' '); // 100 bytes + newline

describe('mirror spool', () => {
  it('keeps lines across a reopen, oldest segment first, and deletes a segment once done', () => {
    dir = mkdtempSync(join(tmpdir(), 'pantau-mspool-'));
    const a = new MirrorSpool({ dir, segmentBytes: 250 });
    a.append([line(1), line(2), line(3)]); // sealed at 303 bytes
    a.append([line(4)]);
    a.close();
    const b = new MirrorSpool({ dir, segmentBytes: 250 });
    expect(b.lines()).toBe(4);
    const first = b.next()!;
    expect(b.read(first).toString().split('\n').filter(Boolean)).toEqual([line(1), line(2), line(3)]);
    b.done(first);
    expect(b.read(b.next()!).toString()).toBe(line(4) + '\n');
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it('drops the oldest segments past its bound and counts their lines', () => {
    dir = mkdtempSync(join(tmpdir(), 'pantau-mspool-'));
    const s = new MirrorSpool({ dir, segmentBytes: 200, maxBytes: 450 });
    for (let i = 0; i < 6; i++) s.append([line(2 * i), line(2 * i + 1)]); // six segments of 202 bytes
    expect(s.counters.droppedLines).toBe(8); // two segments (404 bytes) fit under 450
    expect(s.bytes()).toBeLessThanOrEqual(450);
    expect(s.read(s.next()!).toString().split('\n')[0]).toBe(line(8));
  });
});
