/**
 * /healthz: the process answers (liveness). /readyz: the database answers and every migration is
 * applied (readiness: a load balancer sends traffic only then, and stops when shutting down).
 * /metrics: Prometheus' text format, behind a bearer token when one is configured.
 */
import express, { type Router } from 'express';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { timingSafeEqualStrings } from '../domain/constantTime.js';
import { migrationSource } from '../store/migrations/index.js';
import type { Metrics } from './metrics.js';

export interface Readiness {
  /** Set when shutting down: /readyz answers 503 so the load balancer stops sending requests. */
  draining: boolean;
}

export function operationsRouter(db: Knex, logger: Logger, metrics: Metrics, metricsToken: string | null | undefined, readiness: Readiness): Router {
  const router = express.Router();
  let migrated = false;
  const json = (res: express.Response, status: number, body: object) => res.status(status).set('Cache-Control', 'no-store').json(body);

  router.get('/healthz', (_req, res) => void json(res, 200, { status: 'ok' }));

  router.get('/readyz', async (_req, res) => {
    if (readiness.draining) return void json(res, 503, { status: 'unavailable', reason: 'shutting down' });
    try {
      await db.raw('select 1');
      if (!migrated) {
        const [, pending] = (await db.migrate.list({ migrationSource })) as [unknown[], unknown[]];
        if (pending.length > 0) return void json(res, 503, { status: 'unavailable', reason: `${pending.length} migration(s) not applied` });
        migrated = true;
      }
      json(res, 200, { status: 'ready' });
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'readiness check: the database does not answer');
      json(res, 503, { status: 'unavailable', reason: 'the database does not answer' });
    }
  });

  if (metricsToken !== undefined) {
    router.get('/metrics', async (req, res) => {
      if (metricsToken !== null) {
        const given = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
        if (!timingSafeEqualStrings(given, metricsToken)) {
          res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').set('Cache-Control', 'no-store').type('text/plain').send('A bearer token is required.\n');
          return;
        }
      }
      res.set('Cache-Control', 'no-store').type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  return router;
}
