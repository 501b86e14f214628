// Temporary stores for storage tests: each store in a fresh folder of its own, closed and removed
// after every test. Call `tempStores()` at a test file's top level (it registers the afterEach);
// a store the test already closed is left as it is, and the folders go even if a close throws.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { Store } from '../../collector/storage/store.js';

export interface OpenTempStore {
  /** Opens a Store: on `file` when given (again, on a store this test opened before), else `p.db` in a new temporary folder. */
  (file?: string): Store;
  /**
   * A path `p.db` in a new temporary folder, removed after the test like the stores' folders;
   * nothing is opened. For tests that need the store's file before any store: a config that
   * names it, or a collector started (and restarted) on it.
   */
  newFile(): string;
}

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
  const newFile = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'pantau-store-'));
    dirs.push(dir);
    return join(dir, 'p.db');
  };
  const open = (file?: string): Store => {
    const store = new Store(file ?? newFile());
    stores.push(store);
    return store;
  };
  return Object.assign(open, { newFile });
}
