/**
 * POST /oidc/register (RFC 7591) and GET|PUT|DELETE /oidc/register/{client_id} (RFC 7592), when the
 * server enables Dynamic Client Registration. Accepted registrations are limited per IP address, with
 * the counter in the database (shared by every instance); a refused request uses up nothing.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import type { Client } from '../domain/clients.js';
import { RegistrationError, type RegisteredMetadata } from '../domain/registrationMetadata.js';
import { noStore } from '../http/security.js';
import type { RegistrationService } from '../services/registrationService.js';
import { ValidationError } from '../services/registryService.js';
import { bearerToken } from '../tokens/accessTokenVerifier.js';
import { requestInfo } from '../services/auditLog.js';
import { timingSafeEqualStrings } from '../domain/constantTime.js';

export function registrationRouter(ctx: AuthContext, registrations: RegistrationService): Router {
  const router = express.Router();
  const settings = ctx.options.dynamicClientRegistration;
  const json = express.json({ limit: '32kb' });

  if (!settings) {
    router.all(['/oidc/register', '/oidc/register/:id'], (_req, res) => {
      res.status(403).json({ error: 'access_denied', error_description: 'Dynamic Client Registration is not enabled on this server.' });
    });
    return router;
  }

  const present = (client: Client, metadata: RegisteredMetadata | null, extra: Record<string, unknown> = {}) => ({
    client_id: client.clientId,
    ...(client.clientSecret ? { client_secret: client.clientSecret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: Math.floor(client.createdAt / 1000),
    client_name: client.name,
    redirect_uris: client.callbacks,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    grant_types: client.grantTypes,
    response_types: metadata?.responseTypes ?? ['code'],
    application_type: client.appType === 'native' ? 'native' : 'web',
    ...(client.logoUri ? { logo_uri: client.logoUri } : {}),
    registration_client_uri: `${ctx.options.issuer}oidc/register/${client.clientId}`,
    ...extra,
  });

  // Browser-based clients (MCP inspectors, web agents) register from their own origin. Registration
  // reads no cookie, so any origin may call it (RFC 9700 §2.6 allows CORS here), without credentials.
  router.use(['/oidc/register', '/oidc/register/:id'], (req, res, next) => {
    res.set('Access-Control-Allow-Origin', '*');
    if (req.method !== 'OPTIONS') return next();
    res.set({ 'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE', 'Access-Control-Allow-Headers': 'authorization, content-type', 'Access-Control-Max-Age': '600' });
    res.status(204).end();
  });

  router.post('/oidc/register', noStore, json, async (req, res) => {
    // RFC 7591 §3: an operator may open registration only to holders of an initial access token.
    const initial = settings.initialAccessToken;
    if (initial !== null && !timingSafeEqualStrings(bearerToken(req.headers.authorization) ?? '', initial)) {
      res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"');
      return void res.json({ error: 'invalid_token', error_description: 'Registration needs a valid initial access token.' });
    }
    const outcome = await registrations.registerWithinLimit(req.body, requestInfo(req), settings.requestsPerMinutePerIp);
    if ('retryAfterSeconds' in outcome) {
      res.status(429).set('Retry-After', String(outcome.retryAfterSeconds));
      return void res.json({ error: 'rate_limited', error_description: 'Too many registrations from this address; try again later.' });
    }
    res.status(201).json(present(outcome.client, outcome.metadata, { registration_access_token: outcome.registrationAccessToken }));
  });

  /** RFC 7592 §2: the registration access token, for this client only. */
  const registered = async (req: Request, res: Response): Promise<Client | null> => {
    const client = await registrations.authorize(String(req.params.id), bearerToken(req.headers.authorization));
    if (!client) {
      res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').json({ error: 'invalid_token', error_description: 'Invalid registration access token.' });
    }
    return client;
  };

  router.get('/oidc/register/:id', noStore, async (req, res) => {
    const client = await registered(req, res);
    if (client) res.json(present(client, null));
  });

  router.put('/oidc/register/:id', noStore, json, async (req, res) => {
    const client = await registered(req, res);
    if (!client) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.client_id !== client.clientId) throw new RegistrationError('invalid_client_metadata', 'client_id must be sent and match the registration.');
    if (body.client_secret !== undefined && body.client_secret !== client.clientSecret) {
      throw new RegistrationError('invalid_client_metadata', 'client_secret does not match the registration.');
    }
    const { client: updated, metadata } = await registrations.update(client, body);
    res.json(present(updated, metadata));
  });

  router.delete('/oidc/register/:id', async (req, res) => {
    const client = await registered(req, res);
    if (!client) return;
    await registrations.delete(client);
    res.status(204).end();
  });

  router.use('/oidc/register', ((err, _req, res, next) => {
    if (err instanceof RegistrationError) return void res.status(400).json({ error: err.code, error_description: err.message });
    if (err instanceof ValidationError) return void res.status(400).json({ error: 'invalid_client_metadata', error_description: err.message });
    const type = (err as { type?: string }).type;
    if (type === 'entity.parse.failed' || type === 'entity.too.large') {
      return void res.status(400).json({ error: 'invalid_client_metadata', error_description: 'The request body must be a JSON object of at most 32 kB.' });
    }
    next(err);
  }) as express.ErrorRequestHandler);
  return router;
}
