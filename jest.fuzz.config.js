// `npm run test:fuzz`: property-based fuzzing of every endpoint (test/fuzz/), about a minute by
// default; FUZZ_RUNS=<runs per property> for a longer release check. TEST_DATABASE=pg for PostgreSQL.
import { base } from './jest.base.js';

export default { ...base, testTimeout: 30 * 60 * 1000, maxWorkers: 2, testMatch: ['<rootDir>/test/fuzz/**/*.test.ts'] };
