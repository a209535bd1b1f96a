// `npm run test:interop`: real client libraries against a running server, in Debian's Chromium where a
// person would click (test/interop/).
export default {
  testTimeout: 90000,
  maxWorkers: 2,
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  extensionsToTreatAsEsm: ['.ts'],
  setupFiles: ['<rootDir>/test/helpers/quietLogs.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testMatch: ['<rootDir>/test/interop/**/*.test.ts'],
};
