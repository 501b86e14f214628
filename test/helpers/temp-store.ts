// Temporary stores for storage tests: each store in a fresh folder of its own, closed and removed
// after every test. Call `tempStores()` at a test file's top level (it registers the afterEach);
// a store the test already closed is left as it is, and the folders go even if a close throws.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Store } from '../../collector/storage/store.js';

/** Opens a Store: on `file` when given (again, on a store this test opened before), else `p.db` in a new temporary folder. */
export type OpenTempStore = (file?: string) => Store;

export function tempStores(): OpenTempStore {
  const dirs: string[] = [];
  const stores: Store[] = [];
  afterEach(() => {
    try {
      for (const store of stores.splice(0)) store.close(); // close() does nothing on a closed store
    } finally {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    }
  });
  return (file) => {
    if (file === undefined) {
      const dir = mkdtempSync(join(tmpdir(), 'pantau-store-'));
      dirs.push(dir);
      file = join(dir, 'p.db');
    }
    const store = new Store(file);
    stores.push(store);
    return store;
  };
}
