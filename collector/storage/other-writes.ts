// One rule for in-memory caches over the store: forget them when another connection committed
// (a one-shot `pantau report` settles and writes the same file). PRAGMA data_version moves on
// another connection's commit, never on this connection's own.
import type { Database } from './sqlite.js';

/** Returns a check that is true on its first call and whenever another connection committed since the previous call. */
export function otherWrites(db: Database): () => boolean {
  const q = db.prepare('PRAGMA data_version').pluck();
  let seen: number | undefined;
  return () => {
    const v = q.get() as number;
    const changed = v !== seen;
    seen = v;
    return changed;
  };
}
