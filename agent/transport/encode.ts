// A batch as gzip'd JSON, encoded sample by sample straight into the compressor: the agent
// never holds a cycle's whole JSON (8 MB for 1,000 routers of 49 interfaces) as a string,
// only the compressed body (about an eighth of it). See docs/BENCHMARKS.md.
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { BATCH_TAIL, batchHead, encodeSample, type IngestBatch } from '../../protocol/samples.js';

const CHUNK = 64 * 1024;

/**
 * Gzip'd JSON of `batch`. When its uncompressed size would exceed `maxBytes`, returns
 * undefined instead; `sizes`, if given, then holds every sample's encoded size in bytes.
 */
export async function gzipBatch(batch: IngestBatch, maxBytes = Infinity, sizes?: number[]): Promise<Buffer | undefined> {
  const gz = createGzip();
  const out: Buffer[] = [];
  gz.on('data', (b: Buffer) => out.push(b));
  let pending = batchHead(batch.agent, batch.batch);
  let total = Buffer.byteLength(pending) + BATCH_TAIL.length;
  let over = false;
  const n = batch.samples.length;
  for (let i = 0; i < n; i++) {
    const e = encodeSample(batch.samples[i]);
    const len = Buffer.byteLength(e);
    sizes?.push(len);
    total += len + (i > 0 ? 1 : 0);
    if (total > maxBytes) over = true;
    if (over) {
      if (!sizes) break;
      continue;
    }
    pending += i > 0 ? ',' + e : e;
    if (pending.length >= CHUNK) {
      if (!gz.write(pending)) await once(gz, 'drain');
      pending = '';
    }
  }
  if (over) {
    gz.destroy();
    return undefined;
  }
  gz.end(pending + BATCH_TAIL);
  await once(gz, 'end');
  return Buffer.concat(out);
}
