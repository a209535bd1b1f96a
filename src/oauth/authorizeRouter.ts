/** GET|POST /authorize and GET /authorize/resume (after login). */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { useUiLocales, type PageRenderer } from '../http/render.js';
import { parseUiLocales } from '../domain/authorizationRequest.js';
import { currentUser, saveSession } from '../http/session.js';
import type { AuthorizeService } from '../services/authorization/authorizeService.js';
import type { AuthorizeOutcome } from '../services/authorization/outcomes.js';
import { sendAuthorizationResponse } from './authorizationResponse.js';
import { requestInfo } from '../services/auditLog.js';
import { redirect } from '../http/responses.js';
import { upstreamStartPath } from './upstreamRouter.js';

export function authorizeRouter(ctx: AuthContext, service: AuthorizeService, render: PageRenderer): Router {
  const router = express.Router();

  async function deliver(req: Request, res: Response, outcome: AuthorizeOutcome): Promise<void> {
    switch (outcome.kind) {
      case 'error_page':
        return render(res, 'error', { title: outcome.title, description: outcome.description }, 400);
      case 'respond':
        return sendAuthorizationResponse(res, render, outcome.response, req.method === 'POST');
      case 'login': {
        const hostLogin = ctx.options.loginUrl;
        const resume = `${req.baseUrl}/authorize/resume?tx=${encodeURIComponent(outcome.transactionId)}`;
        const target = hostLogin
          ? hostLogin(new URL(resume, ctx.options.issuerUrl.origin).toString())
          : outcome.connection
            ? upstreamStartPath(req.baseUrl, outcome.transactionId, outcome.connection)
            : `${req.baseUrl}/u/login?tx=${encodeURIComponent(outcome.transactionId)}`;
        return redirect(res, req.method === 'POST' ? 303 : 302, target);
      }
      case 'consent':
        return redirect(res, req.method === 'POST' ? 303 : 302, `${req.baseUrl}/u/consent?tx=${encodeURIComponent(outcome.transactionId)}`);
    }
  }

  const authorize = async (req: Request, res: Response): Promise<void> => {
    const params = (req.method === 'POST' ? req.body : req.query) as Record<string, unknown>;
    // Even a request refused before validation gets its error page in the language it asked for.
    useUiLocales(res, parseUiLocales(params?.ui_locales));
    // The session must exist before a transaction can be bound to it.
    if (req.session.startedAt === undefined) {
      req.session.startedAt = Date.now();
      await saveSession(req);
    }
    const outcome = await service.start(params ?? {}, req.sessionID, await currentUser(ctx, req), requestInfo(req));
    await deliver(req, res, outcome);
  };

  router.get('/authorize', authorize);
  router.post('/authorize', express.urlencoded({ extended: false, limit: '64kb' }), authorize);
  router.get('/authorize/resume', async (req, res) => {
    const outcome = await service.resume(req.query.tx, req.sessionID, await currentUser(ctx, req), requestInfo(req));
    await deliver(req, res, outcome);
  });
  return router;
}
