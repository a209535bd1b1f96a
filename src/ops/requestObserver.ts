/**
 * One log line and one metrics sample per request, taken when the response is finished (or the
 * client went away). The line holds the method, the path (never the query string, where codes and
 * tokens travel), the status and the time: nothing from headers, cookies or the body.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.js';
import { routeLabel } from './routes.js';

const MAX_LOGGED_PATH = 200;

export function requestObserver(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Captured now: Express changes req.baseUrl and req.path while the request moves through routers.
    const mount = req.baseUrl;
    const path = req.path;
    metrics.inFlight.inc();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      metrics.inFlight.dec();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = routeLabel(path);
      const status = res.writableFinished ? res.statusCode : 499; // 499: the client closed the connection first
      metrics.requestDuration.observe({ method: req.method, route, status: String(status) }, seconds);
      const line = { method: req.method, path: (mount + path).slice(0, MAX_LOGGED_PATH), route, status, ms: Math.round(seconds * 10000) / 10, ip: req.ip };
      if (status >= 500) logger.error(line, 'request');
      else logger.info(line, 'request');
      securityOutcome(req, res, status, logger, metrics, route);
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}

/**
 * Consents and revocations, read from the request's outcome: the consent dialog's Accept and
 * Decline, and the three ways to revoke. (Sign-ins and their failures come from the audit log.)
 */
function securityOutcome(req: Request, res: Response, status: number, logger: Logger, metrics: Metrics, route: string): void {
  if (status >= 400) return;
  const action = (req.body as { action?: unknown } | undefined)?.action;
  if (route === '/u/consent' && req.method === 'GET' && status === 200) {
    metrics.consents.inc({ outcome: 'shown' });
  } else if (route === '/u/consent' && req.method === 'POST' && (action === 'accept' || action === 'decline')) {
    const outcome = action === 'accept' ? 'accepted' : 'declined';
    metrics.consents.inc({ outcome });
    logger.info({ event: 'consent', outcome, ip: req.ip }, `consent ${outcome}`);
  } else {
    const source =
      route === '/u/account/apps/revoke' && req.method === 'POST' ? 'account'
      : route === '/oauth/revoke' && req.method === 'POST' ? 'oauth'
      : route.startsWith('/api/v2/grants') && req.method === 'DELETE' ? 'management'
      : null;
    if (!source) return;
    metrics.revocations.inc({ source });
    logger.info({ event: 'revocation', source, ip: req.ip, status: res.statusCode }, `revocation (${source})`);
  }
}
