// `npm run test:interop`: real client libraries against a running server, in Debian's Chromium where a
// person would click (test/interop/).
import { base } from './jest.base.js';

export default { ...base, testTimeout: 90000, maxWorkers: 2, testMatch: ['<rootDir>/test/interop/**/*.test.ts'] };
