/**
 * /u/account/apps: the applications a person has authorized, and a CSRF-protected Revoke for each.
 * /u/account/login signs in for these pages (our own login, when no host authenticate hook is set).
 */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import type { PageRenderer } from '../http/render.js';
import { currentUser, regenerateSession, saveSession } from '../http/session.js';
import type { AccountService } from '../services/accountService.js';
import { csrfToken, verifyCsrfToken } from '../services/csrf.js';
import type { LoginService } from '../services/loginService.js';
import { requestInfo } from '../services/auditLog.js';
import { redirect } from '../http/responses.js';
import { loginFailureStatus, loginFailureText } from '../http/loginFailures.js';
import type { PageText } from '../http/localeMessages.js';

const ACCOUNT_PURPOSE = 'account';

export function accountRouter(ctx: AuthContext, account: AccountService, login: LoginService, render: PageRenderer): Router {
  const router = express.Router();
  const secret = ctx.options.sessionSecrets[0] as string;
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  async function ensureSession(req: Request): Promise<void> {
    req.session.startedAt ??= Date.now();
    await saveSession(req);
  }

  async function showLogin(req: Request, res: Response, error: PageText | null, email = '', status = 200): Promise<void> {
    await ensureSession(req);
    await render(res, 'account_login', { action: `${req.baseUrl}/u/account/login`, csrf: csrfToken(secret, req.sessionID, ACCOUNT_PURPOSE), error, email }, status);
  }

  router.get('/u/account/apps', async (req, res) => {
    const user = await currentUser(ctx, req);
    if (!user) return redirect(res, 302, `${req.baseUrl}/u/account/login`);
    await ensureSession(req);
    await render(res, 'account_apps', {
      user: { name: typeof user.claims.name === 'string' ? user.claims.name : user.sub },
      apps: await account.authorizedApps(user.sub),
      csrf: csrfToken(secret, req.sessionID, ACCOUNT_PURPOSE),
      revokeAction: `${req.baseUrl}/u/account/apps/revoke`,
      revoked: req.query.revoked === '1',
    });
  });

  router.post('/u/account/apps/revoke', form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const user = await currentUser(ctx, req);
    if (!user) return redirect(res, 303, `${req.baseUrl}/u/account/login`);
    if (!verifyCsrfToken(secret, req.sessionID, ACCOUNT_PURPOSE, body.csrf) || typeof body.grant_id !== 'string') {
      return render(res, 'error', { title: 'This form has expired', description: 'Nothing was revoked. Reload the page and try again.' }, 403);
    }
    await account.revoke(user.sub, body.grant_id, requestInfo(req));
    redirect(res, 303, `${req.baseUrl}/u/account/apps?revoked=1`);
  });

  router.get('/u/account/login', async (req, res) => {
    if (await currentUser(ctx, req)) return redirect(res, 302, `${req.baseUrl}/u/account/apps`);
    await showLogin(req, res, null);
  });

  router.post('/u/account/login', form, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email === 'string' ? body.email.slice(0, 320) : '';
    if (!verifyCsrfToken(secret, req.sessionID, ACCOUNT_PURPOSE, body.csrf)) return showLogin(req, res, 'Your session changed. Please sign in again.', email, 403);
    const result = await login.login(null, body.email, body.password, undefined, requestInfo(req));
    if (!result.ok) return showLogin(req, res, loginFailureText(result), email, loginFailureStatus(res, result));
    await regenerateSession(req);
    req.session.user = result.user;
    req.session.startedAt = Date.now();
    await saveSession(req);
    redirect(res, 303, `${req.baseUrl}/u/account/apps`);
  });
  return router;
}
