/**
 * The structured log (pino, JSON lines on stdout). What goes in is chosen field by field (see
 * requestObserver and securityEvents): no request body, query string, header or cookie is ever
 * logged. The redaction below is a second line of defence for objects a future caller might add.
 */
import { destination, pino, type Logger } from 'pino';
import type { Knex } from 'knex';
import type { ResolvedOptions } from '../options.js';

const SECRET_KEYS = ['password', 'client_secret', 'code', 'code_verifier', 'refresh_token', 'access_token', 'id_token', 'token', 'authorization', 'cookie'];
/** Objects a caller might log whole, whose secret-named fields are redacted too. */
const CONTAINERS = ['body', 'query', 'params', 'headers', 'req', 'err', 'details', 'user', 'client'];
/**
 * Named paths only: pino compiles them into plain property checks (about 1 µs a line), while wildcard
 * paths (`*.password`) walk every object and cost about 20 µs a line, several times a request.
 */
export const REDACTED_PATHS = [...SECRET_KEYS, ...CONTAINERS.flatMap((container) => SECRET_KEYS.map((key) => `${container}.${key}`))];

/** Lines wait at most this long in memory before they are written. */
const FLUSH_INTERVAL_MS = 100;
/** Written once this much is waiting: one write for many lines under load. */
const WRITE_CHUNK_BYTES = 4096;

export interface ServerLogger {
  logger: Logger;
  /** Writes what is waiting and stops the flush timer. */
  close(): void;
}

export function createLogger(options: Pick<ResolvedOptions, 'logger' | 'logLevel'>): ServerLogger {
  if (options.logger) return { logger: options.logger.child({ component: 'auth-server' }), close: () => undefined };
  // Asynchronous and buffered: one write carries many lines instead of one blocking write per line on
  // the request's path (6-8 % of the server's time when each line was its own write). pino writes what
  // is left when the process exits.
  const stream = destination({ dest: 1, sync: false, minLength: WRITE_CHUNK_BYTES });
  const timer = setInterval(() => stream.flush(), FLUSH_INTERVAL_MS).unref();
  const logger = pino({ level: options.logLevel, base: { component: 'auth-server' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, stream);
  return {
    logger,
    close: () => {
      clearInterval(timer);
      stream.flush();
    },
  };
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
