// `npm run test:packaging`: `npm pack`, then the tarball installed into a fresh ESM TypeScript app
// outside the repository (about a minute: it builds, installs and type-checks).
import { base } from './jest.base.js';

export default { ...base, testTimeout: 240000, testMatch: ['<rootDir>/test/packaging/**/*.test.ts'] };
