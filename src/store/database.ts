/** Opening the database: SQLite (embedded default) or PostgreSQL, migrated and tuned. */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { FieldSpec } from '../domain/fieldMapping.js';
import pg from 'pg';
import { migrationSource } from './migrations/index.js';
import { SqliteInstances, sqliteInstancesWarning } from './sqliteInstances.js';

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

/**
 * The hottest statements, prepared once and run through the driver: Knex builds and compiles each query
 * anew (about 15 µs of CPU per statement, more than SQLite spends running it). The connection comes from
 * Knex's pool, so on SQLite a statement waits for an open transaction to finish as Knex's own queries
 * do, and on PostgreSQL each statement is a named prepared statement on its pooled connection. The SQL
 * is written once with `?` placeholders and double-quoted identifiers, which both databases accept.
 */
export class PreparedStatements {
  private readonly postgres: boolean;

  constructor(private readonly db: Knex) {
    this.postgres = isPostgres(db);
  }

  /** A SELECT, or a write with RETURNING: its rows. */
  rows(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]> {
    return this.withConnection(async (conn) => {
      if (!this.postgres) return (conn as SqliteDriver).prepare(sql).all(...params);
      return (await (conn as PgDriver).query({ ...this.pgStatement(sql), values: params })).rows;
    });
  }

  /** A write: how many rows it changed. */
  run(sql: string, params: readonly unknown[]): Promise<number> {
    return this.withConnection(async (conn) => {
      if (!this.postgres) return (conn as SqliteDriver).prepare(sql).run(...params).changes;
      return (await (conn as PgDriver).query({ ...this.pgStatement(sql), values: params })).rowCount ?? 0;
    });
  }

  /** SQLite only: runs the write once per row, all in one transaction (all rows or none). */
  runEach(sql: string, rows: readonly (readonly unknown[])[]): Promise<void> {
    if (this.postgres) throw new Error('runEach is for SQLite: on PostgreSQL one multi-row statement costs less than a round trip per row');
    return this.withConnection(async (conn) => {
      const driver = conn as SqliteDriver;
      const statement = driver.prepare(sql);
      driver.transaction(() => {
        for (const row of rows) statement.run(...row);
      })();
    });
  }

  get onPostgres(): boolean {
    return this.postgres;
  }

  private pgStatement(sql: string): { name: string; text: string } {
    let statement = PG_STATEMENTS.get(sql);
    if (!statement) {
      let index = 0;
      // Named by the SQL's hash: a pooled connection may hold each name for one text only.
      statement = { name: `hot_${createHash('sha256').update(sql).digest('hex').slice(0, 16)}`, text: sql.replace(/\?/g, () => `$${++index}`) };
      PG_STATEMENTS.set(sql, statement);
    }
    return statement;
  }

  private async withConnection<T>(work: (conn: unknown) => Promise<T>): Promise<T> {
    const conn: unknown = await this.db.client.acquireConnection();
    try {
      return await work(conn);
    } finally {
      await this.db.client.releaseConnection(conn);
    }
  }
}

const PG_STATEMENTS = new Map<string, { name: string; text: string }>();

/** An INSERT for PreparedStatements over a field table's columns, in the table's order. */
export function insertOfColumns(table: string, fields: Record<string, FieldSpec>): string {
  const columns = Object.values(fields).map((field) => field.column);
  return `insert into "${table}" (${columns.map((column) => `"${column}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
}

/**
 * A SELECT for PreparedStatements over a field table: every column named (never *, whose meaning a
 * migration changes under a prepared statement), equality on `where`'s columns, at most `limit` rows.
 */
export function selectByColumns(table: string, fields: Record<string, FieldSpec>, where: readonly string[], limit = 1): string {
  const columns = Object.values(fields).map((field) => `"${field.column}"`).join(', ');
  return `select ${columns} from "${table}" where ${where.map((column) => `"${column}" = ?`).join(' and ')} limit ${limit}`;
}

interface SqliteDriver {
  prepare(sql: string): { all(...params: unknown[]): Record<string, unknown>[]; run(...params: unknown[]): { changes: number } };
  transaction(work: () => void): () => void;
}
interface PgDriver {
  query(config: { name: string; text: string; values: readonly unknown[] }): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
}

export function isPostgres(db: Knex): boolean {
  return (db.client as { dialect?: string }).dialect === 'postgresql';
}

/** Our advisory locks' first key ("AU"); the second names the lock within the schema. */
const LOCK_NAMESPACE = 0x4155;

/**
 * Runs `work` while holding a PostgreSQL advisory lock named `name` for this schema, so that instances
 * starting at once take turns (Knex's own migration lock is a table, and that table is itself created
 * by the first migration run: two instances on an empty database both try). The lock lives on one
 * connection held for the duration; `work` uses the pool's others, so a pool of one skips the lock.
 * SQLite needs none: one process writes at a time.
 */
export async function withAdvisoryLock<T>(db: Knex, name: string, work: () => Promise<T>): Promise<T> {
  const poolMax = (db.client as { pool?: { max?: number } }).pool?.max ?? 2;
  if (!isPostgres(db) || poolMax < 2) return work();
  const connection: unknown = await db.client.acquireConnection();
  const key = [LOCK_NAMESPACE, `consent-auth-server:${name}`] as const;
  try {
    await db.raw('select pg_advisory_lock(?, hashtext(? || current_schema()))', key).connection(connection);
    try {
      return await work();
    } finally {
      await db.raw('select pg_advisory_unlock(?, hashtext(? || current_schema()))', key).connection(connection);
    }
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/**
 * Like withAdvisoryLock, but only if no one else holds the lock: false (and nothing done) when another
 * instance does. The lock is a transaction's, released at commit, so nothing can leak it.
 */
export async function withAdvisoryTryLock(db: Knex, name: string, work: (trx: Knex) => Promise<void>): Promise<boolean> {
  if (!isPostgres(db)) {
    await work(db);
    return true;
  }
  return db.transaction(async (trx) => {
    const result = (await trx.raw('select pg_try_advisory_xact_lock(?, hashtext(? || current_schema())) as locked', [LOCK_NAMESPACE, `consent-auth-server:${name}`])) as {
      rows: { locked: boolean }[];
    };
    if (!result.rows[0]?.locked) return false;
    await work(trx);
    return true;
  });
}

/** SQLite has no advisory lock: a start that lost the race to another process's migration tries again. */
const SQLITE_MIGRATION_ATTEMPTS = 10;

export async function migrateToLatest(db: Knex): Promise<void> {
  if (isPostgres(db)) return withAdvisoryLock(db, 'migrate', () => db.migrate.latest({ migrationSource }));
  for (let attempt = 1; ; attempt++) {
    try {
      await db.migrate.latest({ migrationSource });
      return;
    } catch (err) {
      // Knex's lock table says another migration is under way, or it created a table first.
      const raced = /already exists|Migration table is already locked|SQLITE_BUSY|database is locked/i.test(String(err));
      if (!raced || attempt >= SQLITE_MIGRATION_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/**
 * On a SQLite file, this instance's heartbeat row and a warning whenever another process is found on
 * the same file (see sqliteInstances.ts). Null on PostgreSQL, made for several instances, and in memory.
 * Never fails a start: a database not migrated yet (migrate: false) simply goes unwatched.
 */
export async function watchSqliteInstances(db: Knex, config: Knex.Config, warn: (message: string) => void): Promise<SqliteInstances | null> {
  const filename = (config.connection as { filename?: string } | undefined)?.filename;
  if (!isSqlite(config) || !filename || filename === ':memory:') return null;
  const instances = new SqliteInstances(db, (others) => warn(sqliteInstancesWarning(others)));
  try {
    await instances.start();
    return instances;
  } catch {
    return null;
  }
}
