/**
 * The structured log (pino, JSON lines on stdout). What goes in is chosen field by field (see
 * requestObserver and securityEvents): no request body, query string, header or cookie is ever
 * logged. The redaction below is a second line of defence for objects a future caller might add.
 */
import { destination, pino, type Logger } from 'pino';
import type { Knex } from 'knex';
import type { ResolvedOptions } from '../options.js';

const SECRET_KEYS = ['password', 'client_secret', 'code', 'code_verifier', 'refresh_token', 'access_token', 'id_token', 'token', 'authorization', 'cookie'];

export function createLogger(options: Pick<ResolvedOptions, 'logger' | 'logLevel'>): Logger {
  if (options.logger) return options.logger.child({ component: 'auth-server' });
  return pino(
    {
      level: options.logLevel,
      base: { component: 'auth-server' },
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`)], censor: '[redacted]' },
    },
    // Asynchronous: lines logged while a write is under way go out together in the next one, instead of
    // one blocking write per line on the request's path (the profile's third cost, after SQL and signing).
    // pino flushes what is left when the process exits.
    destination({ dest: 1, sync: false }),
  );
}

/**
 * Knex's own messages, into the structured log. Its errors ("Acquire connection error" with the
 * driver's stack) are debug: the caller that awaited the query gets the same error and reports it
 * once, clearly (at start, as a StartupError), instead of twice.
 */
export function knexLog(logger: Logger): Knex.Config['log'] {
  return {
    warn: (message: unknown) =>
      /^Acquire connection error/.test(String(message)) ? logger.debug({ knex: String(message) }, 'database connection failed') : logger.warn({ knex: String(message) }, 'database warning'),
    deprecate: (message: unknown) => logger.warn({ knex: String(message) }, 'database deprecation'),
    error: (message: unknown) => logger.debug({ knex: String(message) }, 'database error'),
    debug: (message: unknown) => logger.trace({ knex: String(message) }, 'database debug'),
  };
}
