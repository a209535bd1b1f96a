/**
 * Logout: Auth0's GET /v2/logout (returnTo checked against the client's allowed_logout_urls) and
 * OpenID Connect RP-Initiated Logout, GET /oidc/logout (id_token_hint, post_logout_redirect_uri).
 * A return URL that is not listed, or not a web page or an app, is refused, never followed.
 *
 * A request that cannot be tied to the client (see src/domain/logoutPolicy.ts) does not end the
 * session at once: it shows "Sign out of <company>?", a POST form with a CSRF token, so that a
 * cross-site link or image cannot sign people out.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { logoutUrlProblem, type Client } from '../domain/clients.js';
import { UntrustedRequestError } from '../domain/errors.js';
import { logoutNeedsConfirmation } from '../domain/logoutPolicy.js';
import type { PageRenderer } from '../http/render.js';
import { saveSession } from '../http/session.js';
import { requestInfo } from '../services/auditLog.js';
import { csrfToken, verifyCsrfToken } from '../services/csrf.js';
import { randomToken } from '../services/ids.js';
import { LogoutService } from '../services/logoutService.js';
import { redirect } from '../http/responses.js';

declare module 'express-session' {
  interface SessionData {
    /** A logout waiting for the user's confirmation: where to go after, decided when it was asked. */
    pendingLogout?: { id: string; returnTo: string | null; clientId: string | null };
  }
}

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
  const secret = ctx.options.sessionSecrets[0] as string;
  const logout = new LogoutService(ctx);

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

  /** Ends the session now, or, when the request cannot be tied to the client, asks first. */
  async function finishOrConfirm(req: Request, res: Response, returnTo: string | null, client: Client | null, confirm: boolean): Promise<void> {
    if (!confirm || !req.session.user) return finish(req, res, returnTo, client);
    const pending = { id: randomToken(16), returnTo, clientId: client?.clientId ?? null };
    req.session.pendingLogout = pending;
    await saveSession(req);
    const { email, name } = req.session.user.claims;
    await render(res, 'logout_confirm', {
      action: `${req.baseUrl}${req.path}`,
      csrf: csrfToken(secret, req.sessionID, `logout:${pending.id}`),
      userName: typeof email === 'string' ? email : typeof name === 'string' ? name : req.session.user.sub,
      returnHost: returnTo ? hostOf(returnTo) : null,
    });
  }

  function refuse(url: string): never {
    throw new UntrustedRequestError('Logout URL not allowed', `The URL "${url}" is not in the application's list of allowed logout URLs.`);
  }

  /** Listed for the client, and (whatever was stored before validation existed) a web page or an app. */
  function checkReturnTo(client: Client, url: string): void {
    if (!client.allowedLogoutUrls.includes(url) || logoutUrlProblem(url) !== null) refuse(url);
  }

  router.get('/v2/logout', async (req, res) => {
    const returnTo = one(req.query.returnTo);
    const clientId = one(req.query.client_id);
    const hint = one(req.query.id_token_hint);
    const hinted = hint ? await logout.verifyIdTokenHint(hint) : null;
    if (hinted && clientId && hinted !== clientId) throw new UntrustedRequestError('Invalid logout request', 'client_id does not match the id_token_hint.');
    let client: Client | null = null;
    if (returnTo) {
      if (!clientId && !hinted) refuse(returnTo);
      client = await logout.client(clientId ?? (hinted as string));
      checkReturnTo(client, returnTo);
    }
    const confirm = logoutNeedsConfirmation({ fetchSite: req.get('sec-fetch-site'), validIdTokenHint: hinted !== null, returnToAllowedForClient: client !== null });
    await finishOrConfirm(req, res, returnTo ?? null, client, confirm);
  });

  router.get('/oidc/logout', async (req, res) => {
    const hint = one(req.query.id_token_hint);
    const redirectTo = one(req.query.post_logout_redirect_uri);
    const state = one(req.query.state);
    let clientId = one(req.query.client_id);
    const hinted = hint ? await logout.verifyIdTokenHint(hint) : null;
    if (hinted) {
      if (clientId && clientId !== hinted) throw new UntrustedRequestError('Invalid logout request', 'client_id does not match the id_token_hint.');
      clientId = hinted;
    }
    const confirm = logoutNeedsConfirmation({ fetchSite: req.get('sec-fetch-site'), validIdTokenHint: hinted !== null, returnToAllowedForClient: false });
    if (!redirectTo) return finishOrConfirm(req, res, null, null, confirm);
    if (!clientId) throw new UntrustedRequestError('Invalid logout request', 'post_logout_redirect_uri needs an id_token_hint or a client_id.');
    const client = await logout.client(clientId);
    checkReturnTo(client, redirectTo);
    const target = new URL(redirectTo);
    if (state) target.searchParams.set('state', state);
    await finishOrConfirm(req, res, target.toString(), client, confirm);
  });

  // The confirmation form: the session holds where to go; the token binds the form to this session.
  router.post(['/v2/logout', '/oidc/logout'], express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const pending = req.session.pendingLogout;
    const token: unknown = (req.body as Record<string, unknown> | undefined)?.csrf;
    if (!pending || !verifyCsrfToken(secret, req.sessionID, `logout:${pending.id}`, token)) {
      throw new UntrustedRequestError('Sign-out not confirmed', 'This sign-out form has expired. Sign out again from the application.');
    }
    const client = pending.clientId ? await logout.findClient(pending.clientId) : null;
    await finish(req, res, client ? pending.returnTo : null, client);
  });
  return router;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}

