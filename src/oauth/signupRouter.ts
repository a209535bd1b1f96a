/** The sign-up page (/u/signup), reached from the login page of an authorization. */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { useUiLocales, type PageRenderer } from '../http/render.js';
import { emailTranslator, loginHref, passwordProblemText, throttledPage } from '../http/accountPages.js';
import type { PageText } from '../http/localeMessages.js';
import { allowFormTarget } from '../http/security.js';
import type { AuthorizeService } from '../services/authorization/authorizeService.js';
import { requestInfo } from '../services/auditLog.js';
import { csrfToken, verifyCsrfToken } from '../services/csrf.js';
import type { SignupService } from '../services/signupService.js';

type LoginPage = Awaited<ReturnType<AuthorizeService['loginPage']>>;

const CSRF_PURPOSE = 'signup:';

export function signupRouter(ctx: AuthContext, authorize: AuthorizeService, signups: SignupService, render: PageRenderer): Router {
  const router = express.Router();
  const secret = ctx.options.sessionSecrets[0] as string;

  async function show(req: Request, res: Response, { tx, client }: LoginPage, error: PageText | null, email: string, status = 200, disabled = false) {
    allowFormTarget(res, tx.request.redirectUri);
    useUiLocales(res, tx.request.uiLocales);
    await render(
      res,
      'signup',
      {
        client,
        transactionId: tx.id,
        csrf: csrfToken(secret, req.sessionID, CSRF_PURPOSE + tx.id),
        action: `${req.baseUrl}/u/signup`,
        loginHref: loginHref(req, tx.id),
        error,
        email,
        disabled,
      },
      status,
    );
  }

  router.get('/u/signup', async (req, res) => {
    const page = await authorize.loginPage(req.query.tx, req.sessionID);
    const open = await signups.signupOpen(page.tx.request.clientId);
    await show(req, res, page, open ? null : { key: 'signup.disabled' }, page.tx.request.loginHint ?? '', 200, !open);
  });

  router.post('/u/signup', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const page = await authorize.loginPage(body.tx, req.sessionID);
    const { tx } = page;
    const email = typeof body.email === 'string' ? body.email.slice(0, 320) : '';
    if (!verifyCsrfToken(secret, req.sessionID, CSRF_PURPOSE + tx.id, body.csrf)) return show(req, res, page, { key: 'login.sessionChanged' }, email, 403);
    useUiLocales(res, tx.request.uiLocales);
    const result = await signups.signUp(
      { clientId: tx.request.clientId, email: body.email, password: body.password, txId: tx.id },
      emailTranslator(ctx.options, req, res),
      requestInfo(req),
    );
    if (!result.ok) {
      switch (result.reason) {
        case 'too_many_requests': {
          const { status, text } = throttledPage(res, result.retryAfterSeconds);
          return show(req, res, page, text, email, status);
        }
        case 'invalid_password':
          return show(req, res, page, passwordProblemText(result.problem), email, 400);
        case 'invalid_email':
          return show(req, res, page, { key: 'signup.invalidEmail' }, email, 400);
        case 'connection_not_enabled':
          return show(req, res, page, { key: 'login.connectionNotEnabled' }, email, 403, true);
        default:
          return show(req, res, page, { key: 'signup.disabled' }, email, 403, true);
      }
    }
    // The same page whether the address was new or not (no account enumeration).
    await render(res, 'account_notice', {
      titleKey: 'signup.checkEmailTitle',
      lead: { key: 'signup.checkEmailLead', vars: { email: result.email } },
      alert: false,
      links: [{ href: loginHref(req, tx.id), key: 'account.continueSignIn' }],
    });
  });
  return router;
}
