// What every Jest configuration of this project shares: TypeScript as ESM through ts-jest, `.js`
// import specifiers mapped to the sources, quiet server logs, and never the build output.
export const base = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  extensionsToTreatAsEsm: ['.ts'],
  setupFiles: ['<rootDir>/test/helpers/quietLogs.ts'],
  // `npm run build` output and the test builds: never tests, never modules to resolve.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.test-'],
};
