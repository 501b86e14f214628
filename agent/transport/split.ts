// Splitting batches under the collector's body limit (Assignment.maxBodyBytes), measured on
// the *uncompressed* JSON. Part ids derive from the batch id (`id.0`, `id.1`, ...), so a
// batch resent with the same limit splits into the same ids and the collector's
// deduplication still holds.
import { batchBody, encodeSample, type IngestBatch } from '../../protocol/samples.js';

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

/** A part ready to post: its samples (to spool or halve) and its body, encoded once. */
export type EncodedBatch = IngestBatch & { body: string };

/** Greedy packing of samples in order, each encoded once; one part keeps the original id. */
export function splitUnder(batch: IngestBatch, maxBytes: number): EncodedBatch[] {
  const encoded = batch.samples.map(encodeSample);
  const body = batchBody(batch.agent, batch.batch, encoded);
  if (utf8(body) <= maxBytes || batch.samples.length <= 1) return [{ ...batch, body }];
  const overhead = utf8(batchBody(batch.agent, `${batch.batch}.0000`, []));
  const parts: { from: number; to: number }[] = [];
  let from = 0;
  let size = overhead;
  encoded.forEach((e, i) => {
    const n = utf8(e) + 1; // and its comma
    if (i > from && size + n > maxBytes) {
      parts.push({ from, to: i });
      from = i;
      size = overhead;
    }
    size += n;
  });
  parts.push({ from, to: encoded.length });
  return parts.map(({ from, to }, i) => {
    const id = `${batch.batch}.${i}`;
    return { agent: batch.agent, batch: id, samples: batch.samples.slice(from, to), body: batchBody(batch.agent, id, encoded.slice(from, to)) };
  });
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
