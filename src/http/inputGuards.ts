/**
 * Hostile-input guards in front of the routers, wired in src/index.ts.
 *
 * Bodies are read here, before the routers: a parse failure or a NUL byte is then answered in the
 * surface's shape before any handler or query runs. The limits and media types mirror the routers'
 * own parsers, which find the stream already read and pass (body-parser skips a finished request).
 */
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import { describeInputError } from './inputErrors.js';
import { rejectNulBytes } from './nulBytes.js';
import { sendJson } from './responses.js';

interface BodyRule {
  path: string;
  limit: string;
  form: boolean;
  json: boolean;
}

/** The OAuth endpoints' bodies (token and revoke: form or JSON; userinfo: form; registration: JSON). */
const OAUTH_BODIES: readonly BodyRule[] = [
  { path: '/oauth/token', limit: '64kb', form: true, json: true },
  { path: '/oauth/revoke', limit: '16kb', form: true, json: true },
  { path: '/userinfo', limit: '16kb', form: true, json: false },
  { path: '/oidc/register', limit: '32kb', form: false, json: true },
];

/** The pages' form posts. */
const PAGE_BODIES: readonly BodyRule[] = [
  { path: '/authorize', limit: '64kb', form: true, json: false },
  { path: '/u', limit: '16kb', form: true, json: false },
  { path: '/v2/logout', limit: '16kb', form: true, json: false },
  { path: '/oidc/logout', limit: '16kb', form: true, json: false },
];

const OAUTH_PATHS = OAUTH_BODIES.map((rule) => rule.path);
/** Every path the pages router serves; a NUL in any of them is answered with the error page. */
export const PAGE_PATHS = ['/authorize', '/u', '/v2/logout', '/oidc/logout'];

/** Body parsers for POSTs to each rule's path. Not router.post: a route would answer OPTIONS itself (CORS preflights). */
function bodyReaders(rules: readonly BodyRule[]): Router {
  const router = express.Router();
  const onlyPost = (parser: RequestHandler): RequestHandler => (req, res, next) => (req.method === 'POST' ? parser(req, res, next) : next());
  for (const rule of rules) {
    if (rule.form) router.use(rule.path, onlyPost(express.urlencoded({ extended: false, limit: rule.limit })));
    if (rule.json) router.use(rule.path, onlyPost(express.json({ limit: rule.limit })));
    router.use(rule.path, onlyPost(refuseOtherMediaTypes(rule)));
  }
  return router;
}

/** A body of another media type (multipart, text…) would reach the handlers unread: refuse it here. */
function refuseOtherMediaTypes(rule: BodyRule): RequestHandler {
  const types = [...(rule.form ? ['application/x-www-form-urlencoded'] : []), ...(rule.json ? ['application/json'] : [])];
  return (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody || req.is(types)) return next();
    const error = Object.assign(new Error(`The request body must be ${types.join(' or ')}.`), { status: 415, expose: true, type: 'media.unsupported' });
    next(error);
  };
}

/**
 * The OAuth endpoints answer JSON (RFC 6749 §5.2). Errors raised here cannot reach the token router's
 * own handler (Express skips routers while an error is pending), so this handler answers all of them.
 */
const oauthInputErrors: ErrorRequestHandler = (err: unknown, req, res, next) => {
  if (res.headersSent) return next(err);
  const problem = describeInputError(err);
  // RFC 7591 §3.2.2 names registration's error for a body it cannot use.
  const error = req.path.startsWith('/oidc/register') ? 'invalid_client_metadata' : 'invalid_request';
  if (problem) return sendJson(res, problem.status, { error, error_description: problem.description });
  sendJson(res, 500, { error: 'server_error', error_description: 'The server could not complete the request.' });
};

/** For the root router, before the OAuth routers. */
export function oauthInputGuard(): Router {
  const router = express.Router();
  router.use(bodyReaders(OAUTH_BODIES));
  router.use(OAUTH_PATHS, rejectNulBytes);
  router.use(oauthInputErrors);
  return router;
}

/** For the pages router, after the session: failures go to the page error handler (an HTML page). */
export function pageInputGuard(): Router {
  const router = express.Router();
  router.use(bodyReaders(PAGE_BODIES));
  router.use(PAGE_PATHS, rejectNulBytes);
  return router;
}
