/**
 * Signing an administrator in: the dashboard is a first-party regular web application of this same
 * server, so it uses /authorize with a code and PKCE like any other, exchanges the code at /oauth/token
 * (in-process) and reads the ID token. Only a holder of the administrator role gets a dashboard session.
 */
import { createHash, randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { AuthContext } from '../context.js';
import { regenerateSession, saveSession } from '../http/session.js';
import { isActiveAdministrator } from './administrators.js';
import type { InProcessServer } from './managementClient.js';
import type { ResolvedDashboardOptions } from './options.js';
import type { DashboardPage } from './pages.js';

export interface DashboardAdmin {
  sub: string;
  name: string;
  email: string;
}

declare module 'express-session' {
  interface SessionData {
    dashboard?: { admin?: DashboardAdmin; pending?: { state: string; verifier: string; nonce: string; returnTo: string } };
  }
}

const random = () => randomBytes(32).toString('base64url');

export function signInRoutes(ctx: AuthContext, server: InProcessServer, options: ResolvedDashboardOptions, client: { clientId: string; clientSecret: string }, page: DashboardPage): Router {
  const router = express.Router();
  const redirectUri = `${options.url}callback`;

  router.get('/login', async (req, res) => {
    const returnTo = typeof req.query.returnTo === 'string' && /^\/[A-Za-z0-9/_-]*$/.test(req.query.returnTo) ? req.query.returnTo : '/';
    const pending = { state: random(), verifier: random(), nonce: random(), returnTo };
    req.session.dashboard = { pending };
    await saveSession(req);
    const url = new URL(`${ctx.options.issuer}authorize`);
    url.search = new URLSearchParams({
      client_id: client.clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: createHash('sha256').update(pending.verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    res.redirect(303, url.toString());
  });

  router.get('/callback', async (req, res) => {
    const pending = req.session.dashboard?.pending;
    const q = req.query as Record<string, unknown>;
    if (!pending || typeof q.state !== 'string' || q.state !== pending.state) {
      return page.message(res, 400, 'signInExpired');
    }
    if (typeof q.error === 'string' || typeof q.code !== 'string') return page.message(res, 400, 'signInRefused', String(q.error_description ?? q.error ?? ''));
    const answer = await server.request<{ id_token?: string; error_description?: string }>('POST', '/oauth/token', {
      from: req,
      form: { grant_type: 'authorization_code', client_id: client.clientId, client_secret: client.clientSecret, code: q.code, redirect_uri: redirectUri, code_verifier: pending.verifier },
    });
    if (answer.status !== 200 || !answer.body.id_token) return page.message(res, 400, 'signInRefused', answer.body.error_description ?? '');
    const { payload } = await jwtVerify(answer.body.id_token, createLocalJWKSet(ctx.keys.jwks()), { issuer: ctx.options.issuer, audience: client.clientId });
    if (payload.nonce !== pending.nonce || typeof payload.sub !== 'string') return page.message(res, 400, 'signInExpired');
    if (!(await isActiveAdministrator(ctx, payload.sub))) return page.message(res, 403, 'notAnAdministrator', typeof payload.email === 'string' ? payload.email : payload.sub);
    // A new session id once signed in (session fixation).
    await regenerateSession(req);
    req.session.dashboard = {
      admin: { sub: payload.sub, name: typeof payload.name === 'string' ? payload.name : '', email: typeof payload.email === 'string' ? payload.email : '' },
    };
    await saveSession(req);
    res.redirect(303, `${req.baseUrl}${pending.returnTo === '/' ? '/' : pending.returnTo}`);
  });
  return router;
}
