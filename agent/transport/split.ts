// Splitting batches under the collector's body limit (Assignment.maxBodyBytes), measured on
// the *uncompressed* JSON. Part ids derive from the batch id (`id.0`, `id.1`, ...), so a
// batch resent with the same limit splits into the same ids and the collector's
// deduplication still holds.
import { encodeBatch, type IngestBatch } from '../../protocol/samples.js';

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Greedy packing of samples in order; one part keeps the original id. */
export function splitUnder(batch: IngestBatch, maxBytes: number): IngestBatch[] {
  const whole = utf8(encodeBatch(batch));
  if (whole <= maxBytes || batch.samples.length <= 1) return [batch];
  const overhead = utf8(encodeBatch({ ...batch, batch: `${batch.batch}.0000`, samples: [] }));
  const parts: IngestBatch['samples'][] = [];
  let cur: IngestBatch['samples'] = [];
  let size = overhead;
  for (const s of batch.samples) {
    const n = utf8(encodeBatch({ agent: '', batch: '', samples: [s] })) - utf8(encodeBatch({ agent: '', batch: '', samples: [] })) + 1;
    if (cur.length > 0 && size + n > maxBytes) {
      parts.push(cur);
      cur = [];
      size = overhead;
    }
    cur.push(s);
    size += n;
  }
  if (cur.length > 0) parts.push(cur);
  return parts.map((samples, i) => ({ agent: batch.agent, batch: `${batch.batch}.${i}`, samples }));
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
