// StrykerJS: mutation testing of the counting, ingest, spool and BER code (issue 9, part 4).
// `npm run mutate` runs it over all four; one folder at a time:
//   npm run mutate -- --mutate 'collector/accounting/**/*.ts'
// Not part of CI (minutes, not seconds). Run it before closing an issue that touches these
// folders and record the scores in docs/TESTING.md. The tests it runs per mutant are those of
// vitest.mutate.config.ts (fast unit tests, no e2e), on two workers at most: the machine is
// shared. Incremental: a later run retests only mutants whose code or covering tests changed
// (reports/mutation/stryker-incremental.json; delete it for a full run).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: ['collector/accounting/**/*.ts', 'collector/ingest/**/*.ts', 'agent/spool/**/*.ts', 'agent/inputs/snmp/ber.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 80, break: null },
};
