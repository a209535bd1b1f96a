/**
 * Signing in through an upstream OpenID provider: /u/upstream/start sends the browser there (from the
 * login page's "Continue with …" button, or from /authorize?connection=), and /u/upstream/callback
 * takes its answer, then the authorization continues as after our own login page.
 */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { OAuthError, UntrustedRequestError } from '../domain/errors.js';
import type { PageRenderer } from '../http/render.js';
import { redirect } from '../http/responses.js';
import { saveSession } from '../http/session.js';
import { requestInfo } from '../services/auditLog.js';
import type { AuthorizeService } from '../services/authorization/authorizeService.js';
import type { AuthorizeOutcome } from '../services/authorization/outcomes.js';
import type { PendingUpstreamLogin, UpstreamFailure, UpstreamLoginService } from '../services/upstream/upstreamLogin.js';
import { sendAuthorizationResponse } from './authorizationResponse.js';
import { continueAfterSignIn } from './signInCompletion.js';

declare module 'express-session' {
  interface SessionData {
    /** Upstream sign-ins under way, one per transaction (a few tabs at most), each used once. */
    upstreamLogins?: PendingUpstreamLogin[];
  }
}

const MAX_PENDING = 5;

export function upstreamStartPath(baseUrl: string, transactionId: string, connection: string): string {
  return `${baseUrl}/u/upstream/start?tx=${encodeURIComponent(transactionId)}&connection=${encodeURIComponent(connection)}`;
}

function staleState(): UntrustedRequestError {
  return new UntrustedRequestError(
    'This sign-in request has expired',
    // The English text of error.upstreamStateMismatch: the error page shows it in the page's language.
    'The answer of the identity provider does not belong to a sign-in started in this browser. Go back to the application and sign in again.',
  );
}

export function upstreamRouter(ctx: AuthContext, authorize: AuthorizeService, upstream: UpstreamLoginService, render: PageRenderer): Router {
  const router = express.Router();
  // The provider knows us by this URL (register it there); behind a prefix, the prefix is in it.
  const callbackUrl = (req: Request) => new URL(`${req.baseUrl}/u/upstream/callback`, ctx.options.issuerUrl.origin);

  async function deliver(res: Response, outcome: AuthorizeOutcome): Promise<void> {
    if (outcome.kind === 'respond') return sendAuthorizationResponse(res, render, outcome.response, false);
    if (outcome.kind === 'error_page') return render(res, 'error', { title: outcome.title, description: outcome.description }, 400);
    throw new Error(`unexpected outcome ${outcome.kind}`);
  }
  const failed = (failure: UpstreamFailure) => new OAuthError(failure.error, failure.description);

  router.get('/u/upstream/start', async (req, res) => {
    const { tx } = await authorize.loginPage(req.query.tx, req.sessionID);
    const { connection } = req.query;
    // `connection=` may name the database connection: its login page is ours.
    if ((await upstream.strategyOf(connection)) === 'auth0') {
      return redirect(res, 302, `${req.baseUrl}/u/login?tx=${encodeURIComponent(tx.id)}`);
    }
    const started = await upstream.begin(tx.id, tx.request.clientId, connection, callbackUrl(req).href, tx.request.loginHint ?? null);
    if (!started.ok) return deliver(res, await authorize.signInFailed(tx, failed(started)));
    const others = (req.session.upstreamLogins ?? []).filter((p) => p.transactionId !== tx.id);
    req.session.upstreamLogins = [...others.slice(-(MAX_PENDING - 1)), started.pending];
    await saveSession(req);
    redirect(res, 302, started.url);
  });

  router.get('/u/upstream/callback', async (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const pendings = req.session.upstreamLogins ?? [];
    const pending = state === '' ? undefined : pendings.find((p) => p.state === state);
    if (!pending) throw staleState();
    // Used once, whatever the answer: a replayed callback finds nothing.
    req.session.upstreamLogins = pendings.filter((p) => p !== pending);
    await saveSession(req);
    const { tx } = await authorize.loginPage(pending.transactionId, req.sessionID);
    const current = callbackUrl(req);
    current.search = new URL(req.originalUrl, current.origin).search;
    const result = await upstream.complete(pending, tx.request.clientId, current, requestInfo(req));
    if (!result.ok) return deliver(res, await authorize.signInFailed(tx, failed(result)));

    await continueAfterSignIn(req, res, authorize, tx, result.user, 302);
  });
  return router;
}
