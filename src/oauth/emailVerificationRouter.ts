/** The verification link's page (/u/email-verification) and asking for a new link (/u/email-verification/resend). */
import express, { type Router } from 'express';
import type { AuthContext } from '../context.js';
import { loginHref } from '../http/accountPages.js';
import type { PageRenderer } from '../http/render.js';
import type { AuthorizeService } from '../services/authorization/authorizeService.js';
import { requestInfo } from '../services/auditLog.js';
import type { EmailVerificationService } from '../services/emailVerificationService.js';
import { DEFAULT_CONNECTION_NAME } from '../domain/users.js';
import { emailRequestPage } from './emailRequestPages.js';

export function emailVerificationRouter(ctx: AuthContext, authorize: AuthorizeService, verification: EmailVerificationService, render: PageRenderer): Router {
  const router = express.Router();
  router.use(
    emailRequestPage(ctx, authorize, render, {
      path: '/u/email-verification/resend',
      titleKey: 'verify.title',
      leadKey: 'verify.lead',
      sentKey: 'verify.sentLead',
      send: (email, _clientId, t, request, txId) => verification.requestByEmail(email, DEFAULT_CONNECTION_NAME, t, request, txId),
    }),
  );

  router.get('/u/email-verification', async (req, res) => {
    const result = await verification.verify(req.query.token, requestInfo(req));
    if (!result.ok) {
      const links = [{ href: `${req.baseUrl}/u/email-verification/resend`, key: 'reset.askAgain' }];
      return render(res, 'account_notice', { titleKey: 'reset.invalidTitle', lead: { key: 'verify.invalidLead' }, alert: true, links }, 400);
    }
    const href = loginHref(req, result.txId);
    await render(res, 'account_notice', {
      titleKey: 'verify.doneTitle',
      lead: { key: 'verify.doneLead', vars: { email: result.email } },
      alert: false,
      links: href ? [{ href, key: 'account.continueSignIn' }] : [],
    });
  });
  return router;
}
