// Splitting batches under the collector's body limit (Assignment.maxBodyBytes), measured on
// the *uncompressed* JSON. A part's id names the range of the original batch it holds
// (`id.r0-24500`), whichever way it was cut (packed under a limit, halved after a 413, under a
// limit that changed meanwhile): one id always means the same samples, so the collector's
// deduplication by (agent, batch) holds for every resend.
import { BATCH_TAIL, batchHead, type IngestBatch } from '../../protocol/samples.js';

const RANGE = /^(.*)\.r(\d+)-(\d+)$/;

/** The id of samples [from, to) of batch `id` (itself perhaps a range of an original batch). */
export function partId(id: string, from: number, to: number): string {
  const m = RANGE.exec(id);
  if (!m) return `${id}.r${from}-${to}`;
  const base = Number(m[2]);
  return `${m[1]}.r${base + from}-${base + to}`;
}

/**
 * Greedy packing of samples in order, given each one's encoded size (gzipBatch fills them
 * while finding that the whole batch is over the limit).
 */
export function splitBySizes(batch: IngestBatch, sizes: readonly number[], maxBytes: number): IngestBatch[] {
  if (sizes.length !== batch.samples.length) throw new Error(`split: ${sizes.length} sizes for ${batch.samples.length} samples`);
  const overhead = Buffer.byteLength(batchHead(batch.agent, partId(batch.batch, sizes.length, sizes.length))) + BATCH_TAIL.length;
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
  return parts.map(({ from, to }) => ({ agent: batch.agent, batch: partId(batch.batch, from, to), samples: batch.samples.slice(from, to) }));
}

/** Halves a batch (after a 413). A single sample cannot be split: returns undefined. */
export function halve(batch: IngestBatch): [IngestBatch, IngestBatch] | undefined {
  if (batch.samples.length <= 1) return undefined;
  const n = batch.samples.length;
  const mid = Math.ceil(n / 2);
  return [
    { agent: batch.agent, batch: partId(batch.batch, 0, mid), samples: batch.samples.slice(0, mid) },
    { agent: batch.agent, batch: partId(batch.batch, mid, n), samples: batch.samples.slice(mid) },
  ];
}
