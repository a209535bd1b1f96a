/** POST /oauth/token: client authentication, then the grant handler; errors per RFC 6749 §5.2. */
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { corsForClient, corsPreflight } from '../http/cors.js';
import type { AuthContext } from '../context.js';
import { OAuthError, TooManyAttemptsError } from '../domain/errors.js';
import { noStore } from '../http/security.js';
import { authenticateClient, InvalidClientError, type PresentedCredentials } from '../services/clientAuthentication.js';
import type { TokenService } from '../services/tokenService.js';
import { isPublicClient } from '../domain/clients.js';
import { tokenExchangeEvents } from '../domain/logEvents.js';
import { requestedTarget } from '../domain/resourceIndicators.js';
import { requestInfo } from '../services/auditLog.js';
import { anyClientAllowsOrigin, findClient } from '../services/clientLookup.js';
import type { GrantHandler } from '../services/grantHandlers.js';
import type { IntrospectionService } from '../services/introspectionService.js';
import { sendJson } from '../http/responses.js';

export function tokenRouter(ctx: AuthContext, tokens: TokenService, handlers: ReadonlyMap<string, GrantHandler>, introspection: IntrospectionService, log: (err: unknown) => void): Router {
  const router = express.Router();

  router.post(
    '/oauth/token',
    noStore,
    express.urlencoded({ extended: false, limit: '64kb' }),
    express.json({ limit: '64kb' }),
    async (req, res) => {
      const body = readBody(req, ['resource']);
      // RFC 8707's resource and Auth0's audience name the same thing; then the tenant's default audience.
      const target = requestedTarget(body.audience, (req.body as Record<string, unknown> | undefined)?.resource);
      body.audience = target.audience ?? ctx.options.defaultAudience ?? undefined;
      const credentials = readCredentials(req, body);
      await corsForNamedClient(req, res, credentials.clientId);
      const client = await authenticateClient(ctx, credentials, requestInfo(req));
      const grantType = body.grant_type;
      if (!grantType) throw new OAuthError('invalid_request', 'Missing required parameter: grant_type.');
      const handler = handlers.get(grantType);
      if (!handler) throw new OAuthError('unsupported_grant_type', `Unsupported grant_type: ${grantType}.`);
      // The one grant_types check: the handlers trust that the client holds the grant it asks for.
      if (!(client.grantTypes as string[]).includes(grantType)) throw new OAuthError('unauthorized_client', `The client is not allowed to use the ${grantType} grant.`);
      const [success, failure] = tokenExchangeEvents(grantType) ?? [null, null];
      const logFields = { clientId: client.clientId, clientName: client.name, audience: body.audience ?? null };
      try {
        const { response, userId } = await handler(client, body, requestInfo(req));
        if (success) await ctx.audit.record(success, { ...logFields, scope: response.scope, userId }, requestInfo(req));
        sendJson(res, 200, response);
      } catch (err) {
        if (failure && err instanceof OAuthError) await ctx.audit.record(failure, { ...logFields, description: err.description }, requestInfo(req));
        throw err;
      }
    },
  );

  // RFC 7009: a client revokes its own refresh token (and with it the token's family). The answer is
  // 200 whether or not the token existed, so that it tells nothing about other clients' tokens.
  router.post('/oauth/revoke', noStore, express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' }), async (req, res) => {
    const body = readBody(req);
    const credentials = readCredentials(req, body);
    await corsForNamedClient(req, res, credentials.clientId);
    const client = await authenticateClient(ctx, credentials, requestInfo(req));
    if (!body.token) throw new OAuthError('invalid_request', 'Missing required parameter: token.');
    // An access token (RFC 7009 §2), or else a refresh token and with it its family.
    if (!(await introspection.revokeAccessToken(client, body.token))) await tokens.refreshTokens.revoke(client, body.token);
    res.status(200).end();
  });

  // RFC 7662, for resource servers: confidential clients only, since the answer describes a user's token.
  router.post('/oauth/introspect', noStore, express.urlencoded({ extended: false, limit: '16kb' }), express.json({ limit: '16kb' }), async (req, res) => {
    const body = readBody(req);
    const client = await authenticateClient(ctx, readCredentials(req, body), requestInfo(req));
    if (isPublicClient(client)) throw new InvalidClientError('Public clients cannot introspect tokens.', false);
    if (!body.token) throw new OAuthError('invalid_request', 'Missing required parameter: token.');
    sendJson(res, 200, await introspection.introspect(client, body.token));
  });

  // Before authentication, so that a single-page app can read the error too.
  async function corsForNamedClient(req: Request, res: Response, clientId: string | undefined): Promise<void> {
    corsForClient(req, res, clientId ? await findClient(ctx, clientId) : null);
  }

  router.options(['/oauth/token', '/oauth/revoke'], corsPreflight((origin) => anyClientAllowsOrigin(ctx, origin), ['POST']));
  router.all(['/oauth/token', '/oauth/revoke', '/oauth/introspect'], (_req, res) => {
    res.status(405).set('Allow', 'POST').json({ error: 'invalid_request', error_description: 'This endpoint accepts POST only.' });
  });

  const errors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    let oauth: OAuthError;
    if (err instanceof OAuthError) oauth = err;
    else if ((err as { type?: string }).type === 'entity.parse.failed') oauth = new OAuthError('invalid_request', 'The request body is malformed.');
    else if ((err as { type?: string }).type === 'entity.too.large') oauth = new OAuthError('invalid_request', 'The request body is too large.');
    else {
      log(err);
      oauth = new OAuthError('server_error', 'The server could not complete the request.', 500);
    }
    if (err instanceof InvalidClientError && err.usedBasic) res.set('WWW-Authenticate', 'Basic realm="token", charset="UTF-8"');
    if (err instanceof TooManyAttemptsError) res.set('Retry-After', String(err.retryAfterSeconds));
    sendJson(res, oauth.status, { error: oauth.code, error_description: oauth.description });
  };
  router.use(['/oauth/token', '/oauth/revoke', '/oauth/introspect'], errors);
  return router;
}

/** Every parameter once, as a string (RFC 6749 §3.2: parameters must not be repeated). */
/** `repeatable`: parameters the caller reads itself when repeated (RFC 8707 allows several `resource`). */
export function readBody(req: Request, repeatable: readonly string[] = []): Record<string, string | undefined> {
  const raw: unknown = req.body ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new OAuthError('invalid_request', 'The request body must be a form or a JSON object.');
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value) && repeatable.includes(name)) continue;
    if (Array.isArray(value)) throw new OAuthError('invalid_request', `The ${name} parameter must not be repeated.`);
    if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    else if (value !== null && value !== undefined) throw new OAuthError('invalid_request', `The ${name} parameter must be a string.`);
  }
  return out;
}

export function readCredentials(req: Request, body: Record<string, string | undefined>): PresentedCredentials {
  const header = req.headers.authorization;
  // A bare "Basic" with nothing after it is still a Basic attempt, answered with WWW-Authenticate.
  if (header && /^basic(\s|$)/i.test(header)) {
    if (body.client_secret !== undefined) {
      throw new OAuthError('invalid_request', 'Use one client authentication method, not both Basic and client_secret.');
    }
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidClientError('Malformed Basic credentials.', true);
    // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    const decode = (s: string) => {
      try {
        return decodeURIComponent(s.replace(/\+/g, ' '));
      } catch {
        throw new InvalidClientError('Malformed Basic credentials.', true);
      }
    };
    const clientId = decode(decoded.slice(0, colon));
    if (body.client_id !== undefined && body.client_id !== clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the Basic credentials.');
    }
    return { clientId, clientSecret: decode(decoded.slice(colon + 1)), method: 'client_secret_basic' };
  }
  if (body.client_secret !== undefined) return { clientId: body.client_id, clientSecret: body.client_secret, method: 'client_secret_post' };
  return { clientId: body.client_id, clientSecret: undefined, method: 'none' };
}
