/**
 * Logout: Auth0's GET /v2/logout (returnTo checked against the client's allowed_logout_urls) and
 * OpenID Connect RP-Initiated Logout, GET /oidc/logout (id_token_hint, post_logout_redirect_uri).
 * The session is destroyed either way; a return URL that is not listed is refused, never followed.
 */
import express, { type Request, type Response, type Router } from 'express';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { AuthContext } from '../context.js';
import type { Client } from '../domain/clients.js';
import { UntrustedRequestError } from '../domain/errors.js';
import type { PageRenderer } from '../http/render.js';
import { requestInfo } from '../services/auditLog.js';
import { redirect } from '../http/responses.js';

function one(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UntrustedRequestError('Invalid logout request', 'A parameter was repeated or malformed.');
  return value === '' ? undefined : value;
}

function destroySession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.destroy((err: unknown) => (err ? reject(err) : resolve())));
}

export function logoutRouter(ctx: AuthContext, render: PageRenderer): Router {
  const router = express.Router();

  async function finish(req: Request, res: Response, returnTo: string | null, client: Client | null = null): Promise<void> {
    const user = req.session.user;
    if (user) {
      await ctx.audit.record('slo', { userId: user.sub, clientId: client?.clientId ?? null, clientName: client?.name ?? null, details: { returnTo } }, requestInfo(req));
    }
    await destroySession(req);
    res.clearCookie(ctx.options.cookie.name, { path: ctx.options.cookie.path, domain: ctx.options.cookie.domain });
    if (returnTo) return redirect(res, 302, returnTo);
    await render(res, 'signed_out', {});
  }

  function refuse(url: string): never {
    throw new UntrustedRequestError('Logout URL not allowed', `The URL "${url}" is not in the application's list of allowed logout URLs.`);
  }

  async function clientOrFail(clientId: string): Promise<Client> {
    const client = await ctx.repos.clients.findById(clientId);
    if (!client) throw new UntrustedRequestError('Unknown application', 'No application is registered with this client_id.');
    return client;
  }

  router.get('/v2/logout', async (req, res) => {
    const returnTo = one(req.query.returnTo);
    const clientId = one(req.query.client_id);
    if (!returnTo) return finish(req, res, null);
    if (!clientId) refuse(returnTo);
    const client = await clientOrFail(clientId);
    if (!client.allowedLogoutUrls.includes(returnTo)) refuse(returnTo);
    await finish(req, res, returnTo, client);
  });

  router.get('/oidc/logout', async (req, res) => {
    const hint = one(req.query.id_token_hint);
    const redirect = one(req.query.post_logout_redirect_uri);
    const state = one(req.query.state);
    let clientId = one(req.query.client_id);
    if (hint) {
      const hinted = await verifyIdTokenHint(ctx, hint);
      if (clientId && clientId !== hinted) throw new UntrustedRequestError('Invalid logout request', 'client_id does not match the id_token_hint.');
      clientId = hinted;
    }
    if (!redirect) return finish(req, res, null);
    if (!clientId) throw new UntrustedRequestError('Invalid logout request', 'post_logout_redirect_uri needs an id_token_hint or a client_id.');
    const client = await clientOrFail(clientId);
    if (!client.allowedLogoutUrls.includes(redirect)) refuse(redirect);
    const target = new URL(redirect);
    if (state) target.searchParams.set('state', state);
    await finish(req, res, target.toString(), client);
  });
  return router;
}

/**
 * An ID token this server issued to the client it names (expired ones are fine: logging out after the
 * token expired is the common case). Returns the client_id.
 */
async function verifyIdTokenHint(ctx: AuthContext, hint: string): Promise<string> {
  const bad = () => new UntrustedRequestError('Invalid logout request', 'The id_token_hint is not an ID token issued by this server.');
  let aud: unknown;
  try {
    aud = decodeJwt(hint).aud;
  } catch {
    throw bad();
  }
  const clientId = Array.isArray(aud) ? aud[0] : aud;
  if (typeof clientId !== 'string') throw bad();
  const client = await ctx.repos.clients.findById(clientId);
  if (!client) throw bad();
  const options = { issuer: ctx.options.issuer, audience: clientId, clockTolerance: Number.MAX_SAFE_INTEGER };
  try {
    if (client.jwtAlg === 'HS256' && client.clientSecret) {
      await jwtVerify(hint, new TextEncoder().encode(client.clientSecret), { ...options, algorithms: ['HS256'] });
    } else {
      await jwtVerify(hint, createLocalJWKSet(ctx.keys.jwks()), { ...options, algorithms: ['RS256'] });
    }
  } catch {
    throw bad();
  }
  return clientId;
}
