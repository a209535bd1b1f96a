// Two projects: everything once with the router mounted at "/", and the integration suite again
// with it mounted under "/auth", so prefix handling is proven by the same tests.
const tsJest = {
  '^.+\\.ts$': ['ts-jest', { useESM: true }],
};
const common = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  transform: tsJest,
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  extensionsToTreatAsEsm: ['.ts'],
  // `npm run build` output: never tests, never modules to resolve.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.test-'],
  setupFiles: ['<rootDir>/test/helpers/quietLogs.ts'],
};
export default {
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'mounted at /', testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts'] },
    {
      ...common,
      displayName: 'mounted at /auth',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/helpers/quietLogs.ts', '<rootDir>/test/helpers/mountUnderPrefix.ts'],
    },
  ],
};
