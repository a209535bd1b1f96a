/**
 * Graceful shutdown for the standalone server (SIGTERM, SIGINT): stop accepting connections and say
 * "not ready", let the requests under way finish (within a bound, then cut what is left), then close
 * the auth server, which flushes the audit log and the log streams and closes the database.
 */
import type { Server } from 'node:http';
import type { Logger } from 'pino';

export interface Closable {
  drain(): void;
  close(): Promise<void>;
}

export function gracefulShutdown(servers: Server[], auth: Closable, logger: Logger, timeoutMs: number): (signal: string) => void {
  let started = false;
  return (signal) => {
    if (started) return;
    started = true;
    logger.info({ signal, timeoutMs }, 'shutting down: finishing the requests under way');
    auth.drain();
    void (async () => {
      const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      // Keep-alive connections that go idle between requests would hold close() open: end them as they do.
      const idle = setInterval(() => servers.forEach((server) => server.closeIdleConnections()), 50);
      let timedOut = false;
      let bound: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (bound = setTimeout(() => ((timedOut = true), resolve()), timeoutMs)))]);
      clearInterval(idle);
      clearTimeout(bound);
      if (timedOut) {
        logger.warn({ timeoutMs }, 'shutdown: requests still under way after the bound were cut');
        servers.forEach((server) => server.closeAllConnections());
      }
      try {
        await auth.close();
        logger.info('stopped');
        process.exit(timedOut ? 1 : 0);
      } catch (err) {
        logger.error({ err }, 'shutdown: closing failed');
        process.exit(1);
      }
    })();
  };
}

/** Listens, or rejects with a sentence an operator can act on (Express 5 hands listen errors to a callback that is easy to ignore). */
export function listen(server: Server, port: number, what: string, variable: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new ListenError(`Port ${port} is already in use, so the ${what} cannot start: another program answers there. Stop it, or choose another port with ${variable}=…`));
      else if (err.code === 'EACCES') reject(new ListenError(`The ${what} may not listen on port ${port} (permission denied): choose a port above 1023 with ${variable}=…`));
      else reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port);
  });
}

export class ListenError extends Error {
  override name = 'ListenError';
}
