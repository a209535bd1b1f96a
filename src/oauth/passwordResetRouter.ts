/** Forgot password (/u/reset-password) and the page of the emailed link (/u/reset-password/confirm). */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { loginHref, passwordProblemText } from '../http/accountPages.js';
import type { PageText } from '../http/localeMessages.js';
import type { PageRenderer } from '../http/render.js';
import { regenerateSession } from '../http/session.js';
import type { AuthorizeService } from '../services/authorization/authorizeService.js';
import { requestInfo } from '../services/auditLog.js';
import type { PasswordResetService } from '../services/passwordResetService.js';
import { DEFAULT_CONNECTION_NAME } from '../domain/users.js';
import { emailRequestPage } from './emailRequestPages.js';

export function passwordResetRouter(ctx: AuthContext, authorize: AuthorizeService, resets: PasswordResetService, render: PageRenderer): Router {
  const router = express.Router();
  router.use(
    emailRequestPage(ctx, authorize, render, {
      path: '/u/reset-password',
      titleKey: 'reset.title',
      leadKey: 'reset.lead',
      sentKey: 'reset.sentLead',
      send: (email, clientId, t, request, txId) => resets.request(email, DEFAULT_CONNECTION_NAME, clientId, t, request, txId),
    }),
  );

  const invalidLink = (req: Request, res: Response) =>
    render(
      res,
      'account_notice',
      { titleKey: 'reset.invalidTitle', lead: { key: 'reset.invalidLead' }, alert: true, links: [{ href: `${req.baseUrl}/u/reset-password`, key: 'reset.askAgain' }] },
      400,
    );

  const showForm = (req: Request, res: Response, token: string, email: string, error: PageText | null, status = 200) =>
    render(res, 'reset_password', { token, email, error, action: `${req.baseUrl}/u/reset-password/confirm` }, status);

  router.get('/u/reset-password/confirm', async (req, res) => {
    const email = await resets.linkEmail(req.query.token);
    if (email === null) return invalidLink(req, res);
    await showForm(req, res, String(req.query.token), email, null);
  });

  router.post('/u/reset-password/confirm', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const result = await resets.reset(body.token, body.password, requestInfo(req));
    if (!result.ok) {
      if (result.reason === 'invalid_link') return invalidLink(req, res);
      return showForm(req, res, String(body.token), (await resets.linkEmail(body.token)) ?? '', passwordProblemText(result.problem), 400);
    }
    // The service ended every session of the user in the store; this browser's, if it was one, goes too.
    if (req.session.user?.sub === result.subject) await regenerateSession(req);
    const href = loginHref(req, result.txId);
    await render(res, 'account_notice', { titleKey: 'reset.doneTitle', lead: { key: 'reset.doneLead' }, alert: false, links: href ? [{ href, key: 'account.continueSignIn' }] : [] });
  });
  return router;
}
