// `npm run test:packaging`: `npm pack`, then the tarball installed into a fresh ESM TypeScript app
// outside the repository (about a minute: it builds, installs and type-checks).
export default {
  testTimeout: 240000,
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  extensionsToTreatAsEsm: ['.ts'],
  setupFiles: ['<rootDir>/test/helpers/quietLogs.ts'],
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  testMatch: ['<rootDir>/test/packaging/**/*.test.ts'],
};
