// The tests StrykerJS runs against each mutant (`npm run mutate`, stryker.config.mjs): the fast
// unit tests of the mutated folders only. No e2e suite (child processes, real peers, seconds of
// waiting) belongs here: a mutant run repeats these tests hundreds of times. Nor does
// test/storage/rollup.test.ts (7 s of randomised series through the rollup): the accounting
// folder's mutants are to be killed by its own unit tests.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/accounting/**/*.test.ts',
      'test/storage/prune.test.ts',
      'test/collector/*.test.ts',
      'test/agent/spool.test.ts',
      'test/agent/snmp-v2c.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
