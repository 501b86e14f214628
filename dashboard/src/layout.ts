// How many columns and rows of tiles fill the area best: the largest tile that fits, kept
// wider than tall (a tile reads as lines of text).
export function layout(n: number, width: number, height: number): { cols: number; rows: number } {
  if (n <= 0 || width <= 0 || height <= 0) return { cols: 1, rows: 1 };
  let best = { cols: 1, rows: n, score: -1 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const tw = width / cols;
    const th = height / rows;
    // A tile's height is worth most up to 0.7 of its width; past that, width limits the text.
    const score = Math.min(th, tw * 0.7);
    if (score > best.score) best = { cols, rows, score };
  }
  return { cols: best.cols, rows: best.rows };
}
