/**
 * Knex CLI configuration: `npx knex migrate:latest` (or `npm run migrate`) migrates the database named
 * by DATABASE_URL, or the embedded SQLite file ./data/auth.sqlite. The server also migrates at start.
 */
import { databaseConfigFromUrl } from './src/store/database.js';
import { migrationSource } from './src/store/migrations/index.js';

export default {
  ...databaseConfigFromUrl(process.env.DATABASE_URL),
  migrations: { migrationSource },
};
