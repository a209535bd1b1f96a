/** Opening the database: SQLite (embedded default) or PostgreSQL, migrated and tuned. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import { migrationSource } from './migrations/index.js';

// PostgreSQL returns BIGINT as a string by default; our epoch-millisecond times fit in a double.
pg.types.setTypeParser(20, (value) => Number.parseInt(value, 10));

export const DEFAULT_SQLITE_FILE = './data/auth.sqlite';

/** Builds a Knex config from a DATABASE_URL-style string: postgres://… or a SQLite file path. */
export function databaseConfigFromUrl(url: string | undefined): Knex.Config {
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    return { client: 'pg', connection: url, pool: { min: 0, max: 10 } };
  }
  const filename = url ? url.replace(/^sqlite:(\/\/)?/, '') : DEFAULT_SQLITE_FILE;
  return { client: 'better-sqlite3', connection: { filename }, useNullAsDefault: true };
}

export function isSqlite(config: Knex.Config): boolean {
  return config.client === 'better-sqlite3' || config.client === 'sqlite3';
}

interface SqliteConnection {
  pragma: (sql: string) => unknown;
  prepare: (sql: string) => unknown;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Knex prepares every query anew; better-sqlite3 statements are reusable, and our queries repeat
 * (a few dozen distinct SQL strings), so the connection keeps them. Bounded: cleared when full.
 */
function cachePreparedStatements(conn: SqliteConnection): void {
  const prepare = conn.prepare.bind(conn);
  const cache = new Map<string, unknown>();
  conn.prepare = (sql: string) => {
    let statement = cache.get(sql);
    if (statement === undefined) {
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      statement = prepare(sql);
      cache.set(sql, statement);
    }
    return statement;
  };
}

export function openDatabase(config: Knex.Config): Knex {
  if (!isSqlite(config)) return knexFactory(config);
  const connection = config.connection as { filename?: string };
  if (connection.filename && connection.filename !== ':memory:') {
    mkdirSync(dirname(connection.filename), { recursive: true });
  }
  return knexFactory({
    useNullAsDefault: true,
    ...config,
    // One connection: better-sqlite3 is synchronous, and a single writer avoids SQLITE_BUSY.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
        cachePreparedStatements(conn);
        conn.pragma('journal_mode = WAL');
        conn.pragma('foreign_keys = ON');
        conn.pragma('busy_timeout = 5000');
        conn.pragma('synchronous = NORMAL');
        done(null, conn);
      },
    },
  });
}

export async function migrateToLatest(db: Knex): Promise<void> {
  await db.migrate.latest({ migrationSource });
}
