/**
 * The "send me an email" pages (forgot password, resend the verification): one email field, the same
 * answer whether or not the address has an account, 429 past the limits. The authorization the person
 * came from (`tx`) is optional: it sets the language and the way back to the login page.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { emailTranslator, loginHref, throttledPage } from '../http/accountPages.js';
import type { PageText } from '../http/localeMessages.js';
import { useUiLocales, type PageRenderer } from '../http/render.js';
import type { TextKey, Translate } from '../http/texts.js';
import type { Throttled } from '../services/accountLimits.js';
import type { AuthorizeService } from '../services/authorization/authorizeService.js';
import { requestInfo } from '../services/auditLog.js';
import { csrfToken, verifyCsrfToken } from '../services/csrf.js';
import type { RequestInfo } from '../domain/logEvents.js';

export interface EmailRequestPage {
  path: string;
  titleKey: TextKey;
  leadKey: TextKey;
  sentKey: TextKey;
  send(email: unknown, clientId: string | null, t: Translate, request: RequestInfo, txId: string | null): Promise<{ ok: true } | Throttled | { ok: false; reason: string }>;
}

export function emailRequestPage(ctx: AuthContext, authorize: AuthorizeService, render: PageRenderer, page: EmailRequestPage): Router {
  const router = express.Router();
  const secret = ctx.options.sessionSecrets[0] as string;
  const purpose = `${page.path}:`;

  /** The authorization, when the person came from one that is still theirs; otherwise none. */
  async function transaction(req: Request, res: Response, value: unknown) {
    const found = typeof value === 'string' && value ? await authorize.loginPage(value, req.sessionID).catch(() => null) : null;
    if (found) useUiLocales(res, found.tx.request.uiLocales);
    return found;
  }

  async function show(req: Request, res: Response, txId: string | null, error: PageText | null, email: string, status = 200) {
    await render(
      res,
      'reset_request',
      {
        titleKey: page.titleKey,
        leadKey: page.leadKey,
        transactionId: txId ?? '',
        csrf: csrfToken(secret, req.sessionID, purpose + (txId ?? '')),
        action: `${req.baseUrl}${page.path}`,
        loginHref: loginHref(req, txId),
        error,
        email,
      },
      status,
    );
  }

  router.get(page.path, async (req, res) => {
    const found = await transaction(req, res, req.query.tx);
    // Without an authorization the session is new: keep it, or the form's CSRF token would not match.
    req.session.startedAt ??= Date.now();
    await show(req, res, found?.tx.id ?? null, null, found?.tx.request.loginHint ?? '');
  });

  router.post(page.path, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const found = await transaction(req, res, body.tx);
    const txId = found?.tx.id ?? null;
    const email = typeof body.email === 'string' ? body.email.slice(0, 320) : '';
    if (!verifyCsrfToken(secret, req.sessionID, purpose + (txId ?? ''), body.csrf)) return show(req, res, txId, { key: 'login.sessionChanged' }, email, 403);
    const result = await page.send(body.email, found?.tx.request.clientId ?? null, emailTranslator(ctx.options, req, res), requestInfo(req), txId);
    if (!result.ok) {
      if (result.reason === 'too_many_requests' && 'retryAfterSeconds' in result) {
        const { status, text } = throttledPage(res, result.retryAfterSeconds);
        return show(req, res, txId, text, email, status);
      }
      return show(req, res, txId, { key: 'signup.invalidEmail' }, email, 400);
    }
    await render(res, 'account_notice', {
      titleKey: 'signup.checkEmailTitle',
      lead: { key: page.sentKey, vars: { email: email.trim() } },
      alert: false,
      links: txId ? [{ href: loginHref(req, txId), key: 'account.continueSignIn' }] : [],
    });
  });
  return router;
}
