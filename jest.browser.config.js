// `npm run test:browser`: the pages in Debian's Chromium (/usr/bin/chromium) through playwright-core.
import { base } from './jest.base.js';

export default { ...base, testTimeout: 60000, testMatch: ['<rootDir>/test/browser/**/*.test.ts'] };
