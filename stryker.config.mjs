// StrykerJS: mutation testing of the counting, ingest, spool and BER code (issue 9, part 4).
// `npm run mutate` runs it over all four; one folder at a time:
//   npm run mutate -- --mutate 'collector/accounting/**/*.ts'
// Not part of CI (minutes, not seconds). Run it before closing an issue that touches these
// folders and record the scores in docs/TESTING.md. The tests it runs per mutant are those of
// vitest.mutate.config.ts (fast unit tests, no e2e), on one worker: the machine is shared.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: ['collector/accounting/**/*.ts', 'collector/ingest/**/*.ts', 'agent/spool/**/*.ts', 'agent/inputs/snmp/ber.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 1,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  reporters: ['clear-text', 'progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  thresholds: { high: 90, low: 80, break: null },
};
