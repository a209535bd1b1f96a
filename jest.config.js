// Two projects: everything once with the router mounted at "/", and the integration suite again
// with it mounted under "/auth", so prefix handling is proven by the same tests.
import { base } from './jest.base.js';

export default {
  testTimeout: 30000,
  projects: [
    { ...base, displayName: 'mounted at /', testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/integration/**/*.test.ts'] },
    {
      ...base,
      displayName: 'mounted at /auth',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      setupFiles: [...base.setupFiles, '<rootDir>/test/helpers/mountUnderPrefix.ts'],
    },
  ],
};
