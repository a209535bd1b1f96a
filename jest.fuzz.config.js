// `npm run test:fuzz`: property-based fuzzing of every endpoint (test/fuzz/), about a minute by
// default; FUZZ_RUNS=<runs per property> for a longer release check. TEST_DATABASE=pg for PostgreSQL.
export default {
  testTimeout: 30 * 60 * 1000,
  maxWorkers: 2,
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  extensionsToTreatAsEsm: ['.ts'],
  setupFiles: ['<rootDir>/test/helpers/quietLogs.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'],
};
