/**
 * Knex CLI configuration: `npx knex migrate:latest` (or `npm run migrate`) migrates the database named
 * by DATABASE_URL, or the embedded SQLite file ./data/auth.sqlite. The server also migrates at start.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { databaseConfigFromUrl, isSqlite } from './src/store/database.js';
import { migrationSource } from './src/store/migrations/index.js';

const config = databaseConfigFromUrl(process.env.DATABASE_URL);
if (isSqlite(config)) mkdirSync(dirname((config.connection as { filename: string }).filename), { recursive: true });

export default { ...config, migrations: { migrationSource } };
