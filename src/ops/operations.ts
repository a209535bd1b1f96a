/**
 * What operators get from every createAuthServer: the structured log, metrics, health and readiness,
 * and log streams, all fed by the request observer and the audit log's events.
 */
import type { RequestHandler, Router } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { LogEvent } from '../domain/logEvents.js';
import type { ResolvedOptions } from '../options.js';
import { operationsRouter, type Readiness } from './health.js';
import { LogStream } from './logStreams.js';
import { Metrics } from './metrics.js';
import { requestObserver } from './requestObserver.js';
import { logSecurityEvent } from './securityEvents.js';

/** How long close() keeps trying to deliver queued log stream events. */
const LOG_STREAM_CLOSE_MS = 5000;

export interface Operations {
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
  /** First in the router: times and logs every request. */
  observe: RequestHandler;
  /** /healthz, /readyz and /metrics. */
  router: Router;
  onAuditEvent(event: LogEvent): void;
  /** Delivers what the log streams still hold, within a bound. */
  close(): Promise<void>;
}

export function createOperations(options: ResolvedOptions, db: Knex, logger: Logger): Operations {
  const metrics = new Metrics(db);
  const readiness: Readiness = { draining: false };
  const streams = options.logStreams.map(
    (settings) =>
      new LogStream(settings, logger, {
        sent: (count) => metrics.logStreamEvents.inc({ outcome: 'sent' }, count),
        dropped: (count, reason) => {
          metrics.logStreamEvents.inc({ outcome: `dropped_${reason}` }, count);
          logger.warn({ events: count, reason }, 'log stream: events dropped');
        },
      }),
  );
  return {
    logger,
    metrics,
    readiness,
    observe: requestObserver(logger, metrics),
    router: operationsRouter(db, logger, metrics, options.metrics ? options.metrics.token : undefined, readiness),
    onAuditEvent(event) {
      logSecurityEvent(logger, event);
      metrics.onAuditEvent(event);
      for (const stream of streams) stream.push(event);
    },
    async close() {
      readiness.draining = true;
      await Promise.all(streams.map((stream) => stream.close(LOG_STREAM_CLOSE_MS)));
    },
  };
}
