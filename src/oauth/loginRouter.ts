/** The login page (/u/login): email and password for the database connection. */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import type { PageRenderer } from '../http/render.js';
import { regenerateSession, saveSession } from '../http/session.js';
import type { AuthorizeService } from '../services/authorization/authorizeService.js';
import { csrfToken, verifyCsrfToken } from '../services/csrf.js';
import type { LoginService } from '../services/loginService.js';
import { requestInfo } from '../services/auditLog.js';
import { redirect } from '../http/responses.js';
import { allowFormTarget } from '../http/security.js';
import { loginFailureStatus } from '../http/loginFailures.js';

type LoginPage = Awaited<ReturnType<AuthorizeService['loginPage']>>;

export function loginRouter(ctx: AuthContext, authorize: AuthorizeService, login: LoginService, render: PageRenderer): Router {
  const router = express.Router();
  const secret = ctx.options.sessionSecrets[0] as string;

  async function show(req: Request, res: Response, { tx, client }: LoginPage, error: string | null, email: string, status = 200) {
    // Signing in may end at the client's callback with no page in between (a grant that covers the
    // request, a first party allowed to skip consent, prompt=login, max_age).
    allowFormTarget(res, tx.request.redirectUri);
    await render(
      res,
      'login',
      {
        client,
        transactionId: tx.id,
        csrf: csrfToken(secret, req.sessionID, tx.id),
        action: `${req.baseUrl}/u/login`,
        error,
        email,
      },
      status,
    );
  }

  router.get('/u/login', async (req, res) => {
    const page = await authorize.loginPage(req.query.tx, req.sessionID);
    await show(req, res, page, null, page.tx.request.loginHint ?? '');
  });

  router.post('/u/login', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const page = await authorize.loginPage(body.tx, req.sessionID);
    const { tx } = page;
    const email = typeof body.email === 'string' ? body.email.slice(0, 320) : '';
    if (!verifyCsrfToken(secret, req.sessionID, tx.id, body.csrf)) {
      return show(req, res, page, 'Your session changed. Please sign in again.', email, 403);
    }
    const result = await login.login(tx.request.clientId, body.email, body.password, undefined, requestInfo(req));
    if (!result.ok) return show(req, res, page, result.message, email, loginFailureStatus(res, result));

    // A new session id at login: a session fixed by an attacker before login is worth nothing after.
    const previousSessionId = req.sessionID;
    await regenerateSession(req);
    req.session.user = result.user;
    req.session.startedAt = Date.now();
    await saveSession(req);
    await authorize.signedIn(tx, previousSessionId, req.sessionID, result.user);
    redirect(res, 303, `${req.baseUrl}/authorize/resume?tx=${encodeURIComponent(tx.id)}`);
  });
  return router;
}
