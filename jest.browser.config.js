// `npm run test:browser`: the pages in Debian's Chromium (/usr/bin/chromium) through playwright-core.
export default {
  testTimeout: 60000,
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  extensionsToTreatAsEsm: ['.ts'],
  setupFiles: ['<rootDir>/test/helpers/quietLogs.ts'],
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
};
