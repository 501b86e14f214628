// The backup sample's fields from backup-watch: `sha256` (64 lowercase hex) and `reason` (≤ 500
// characters) are stored in backup_run; a hash that is not one is set aside, a long reason cut.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestAck } from '../../protocol/samples.js';
import { startTestCollector, type TestCollector } from '../helpers/collector.js';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector();
});
afterAll(async () => c?.cleanup());

const HASH = 'ab'.repeat(32);
const backup = (over: Record<string, unknown>) => ({ type: 'backup', opd: 'dinkes', ts: Date.now() - 5000, ok: true, bytes: '123456', path: '/srv/backup/dinkes/a.tar.gz', ...over });
let n = 0;
async function ingest(...samples: unknown[]): Promise<IngestAck> {
  const res = await c.post('/api/v1/ingest', { agent: 'a1', batch: `bw-${++n}`, samples });
  expect(res.status).toBe(200);
  return (await res.json()) as IngestAck;
}
const last = () => c.store.db.prepare('SELECT ok, bytes, sha256, reason FROM backup_run ORDER BY id DESC LIMIT 1').get();

describe('ingest of backup-watch samples', () => {
  it('stores the hash, and the reason of a failed backup', async () => {
    expect(await ingest(backup({ sha256: HASH }))).toMatchObject({ stored: 1 });
    expect(last()).toEqual({ ok: 1, bytes: '123456', sha256: HASH, reason: null });
    await ingest(backup({ ok: false, sha256: HASH, reason: 'gzip: unexpected end of file at byte 2048 (truncated)' }));
    expect(last()).toEqual({ ok: 0, bytes: '123456', sha256: HASH, reason: 'gzip: unexpected end of file at byte 2048 (truncated)' });
  });

  it('sets aside a hash that is not 64 lowercase hex digits and cuts a reason to 500 characters, keeping the run', async () => {
    const ack = await ingest(backup({ sha256: HASH.toUpperCase(), ok: false, reason: 'x'.repeat(600) }));
    expect(ack.stored).toBe(1);
    expect(ack.setAside!.map((a) => [a.path, a.action])).toEqual([
      ['samples[0].sha256', 'unknown'],
      ['samples[0].reason', 'cut'],
    ]);
    expect(last()).toEqual({ ok: 0, bytes: '123456', sha256: null, reason: 'x'.repeat(500) });
  });
});
