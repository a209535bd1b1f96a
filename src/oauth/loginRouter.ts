/** The login page (/u/login): email and password for the database connection. */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { useUiLocales, type PageRenderer } from '../http/render.js';
import type { AuthorizeService } from '../services/authorization/authorizeService.js';
import { csrfToken, verifyCsrfToken } from '../services/csrf.js';
import type { LoginService } from '../services/loginService.js';
import type { UpstreamLoginService } from '../services/upstream/upstreamLogin.js';
import { upstreamStartPath } from './upstreamRouter.js';
import { continueAfterSignIn } from './signInCompletion.js';
import { requestInfo } from '../services/auditLog.js';
import { allowFormTarget } from '../http/security.js';
import { loginFailureStatus, loginFailureText } from '../http/loginFailures.js';
import type { PageText } from '../http/localeMessages.js';

type LoginPage = Awaited<ReturnType<AuthorizeService['loginPage']>>;

export function loginRouter(ctx: AuthContext, authorize: AuthorizeService, login: LoginService, render: PageRenderer, upstream?: UpstreamLoginService): Router {
  const router = express.Router();
  const secret = ctx.options.sessionSecrets[0] as string;

  async function show(req: Request, res: Response, { tx, client }: LoginPage, error: PageText | null, email: string, status = 200) {
    // Signing in may end at the client's callback with no page in between (a grant that covers the
    // request, a first party allowed to skip consent, prompt=login, max_age).
    allowFormTarget(res, tx.request.redirectUri);
    useUiLocales(res, tx.request.uiLocales);
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
        // "Continue with …": the client's OIDC connections (src/oauth/upstreamRouter.ts).
        upstreamButtons: (upstream ? await upstream.buttons(tx.request.clientId) : []).map((b) => ({ ...b, href: upstreamStartPath(req.baseUrl, tx.id, b.connection) })),
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
    if (!result.ok) return show(req, res, page, loginFailureText(result), email, loginFailureStatus(res, result));

    await continueAfterSignIn(req, res, authorize, tx, result.user, 303);
  });
  return router;
}
