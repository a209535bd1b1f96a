/**
 * The database could not be opened: one sentence naming the database (password hidden) and what to
 * do, instead of the driver's stack trace.
 */
import type { Knex } from 'knex';
import { StartupError } from './configurationError.js';

export function describeDatabaseError(err: unknown, config: Knex.Config): StartupError | null {
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  const where = databaseName(config);
  const say = (text: string) => new StartupError(`${text} (${where})`, { cause: err });
  if (code === 'ECONNREFUSED') return say('Cannot connect to PostgreSQL: the connection was refused. Is PostgreSQL running, and are the host and port in DATABASE_URL right?');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return say('Cannot connect to PostgreSQL: its host name does not resolve. Check the host in DATABASE_URL.');
  if (code === 'ETIMEDOUT' || /timeout acquiring a connection/i.test(message)) return say('Cannot connect to the database: it did not answer in time. Is it running and reachable?');
  if (code === '3D000') return say(`${message}: create it (e.g. \`createdb <name>\`) or name an existing one in DATABASE_URL.`);
  if (code === '28P01' || code === '28000') return say(`PostgreSQL refused the credentials: ${message}. Check the user and password in DATABASE_URL.`);
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY') return say(`Cannot open the SQLite file: ${message}. Check that its folder exists and is writable.`);
  return null;
}

function databaseName(config: Knex.Config): string {
  const connection = config.connection;
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection);
      if (url.password) url.password = '***';
      return url.toString();
    } catch {
      return connection;
    }
  }
  if (connection && typeof connection === 'object') {
    const c = connection as { filename?: string; host?: string; port?: number; database?: string };
    if (c.filename) return `SQLite ${c.filename}`;
    return `PostgreSQL ${c.host ?? 'localhost'}:${c.port ?? 5432}/${c.database ?? ''}`;
  }
  return String(config.client);
}
