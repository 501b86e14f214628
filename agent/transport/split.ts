// Splitting batches under the collector's body limit (Assignment.maxBodyBytes), measured on
// the *uncompressed* JSON. Part ids derive from the batch id (`id.0`, `id.1`, ...), so a
// batch resent with the same limit splits into the same ids and the collector's
// deduplication still holds.
import type { IngestBatch } from '../../protocol/samples.js';
import { batchHead } from './encode.js';

/**
 * Greedy packing of samples in order, given each one's encoded size (gzipBatch fills them
 * while finding that the whole batch is over the limit).
 */
export function splitBySizes(batch: IngestBatch, sizes: readonly number[], maxBytes: number): IngestBatch[] {
  if (sizes.length !== batch.samples.length) throw new Error(`split: ${sizes.length} sizes for ${batch.samples.length} samples`);
  const overhead = Buffer.byteLength(batchHead(batch.agent, `${batch.batch}.0000`)) + 2;
  const parts: { from: number; to: number }[] = [];
  let from = 0;
  let size = overhead;
  sizes.forEach((len, i) => {
    const n = len + 1; // and its comma
    if (i > from && size + n > maxBytes) {
      parts.push({ from, to: i });
      from = i;
      size = overhead;
    }
    size += n;
  });
  parts.push({ from, to: sizes.length });
  return parts.map(({ from, to }, i) => ({ agent: batch.agent, batch: `${batch.batch}.${i}`, samples: batch.samples.slice(from, to) }));
}

/** Halves a batch (after a 413). A single sample cannot be split: returns undefined. */
export function halve(batch: IngestBatch): [IngestBatch, IngestBatch] | undefined {
  if (batch.samples.length <= 1) return undefined;
  const mid = Math.ceil(batch.samples.length / 2);
  return [
    { agent: batch.agent, batch: `${batch.batch}.0`, samples: batch.samples.slice(0, mid) },
    { agent: batch.agent, batch: `${batch.batch}.1`, samples: batch.samples.slice(mid) },
  ];
}
