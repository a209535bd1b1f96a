/** The consent dialog (/u/consent): Accept records the grant and sends a code; Decline sends access_denied. */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { UntrustedRequestError } from '../domain/errors.js';
import { groupScopesForDialog } from '../domain/scopeCatalog.js';
import { intersectScopes } from '../domain/scopes.js';
import type { PageRenderer } from '../http/render.js';
import { allowFormTarget } from '../http/security.js';
import { currentUser, saveSession } from '../http/session.js';
import type { AuthorizeService, SessionUser } from '../services/authorizeService.js';
import { csrfToken, verifyCsrfToken } from '../services/csrf.js';
import { requestInfo } from '../services/auditLog.js';
import type { AuthorizationTransaction } from '../store/transactionsRepository.js';
import { sendAuthorizationResponse } from './authorizationResponse.js';
import { redirect } from '../http/responses.js';

export function consentRouter(ctx: AuthContext, authorize: AuthorizeService, render: PageRenderer): Router {
  const router = express.Router();
  const secret = ctx.options.sessionSecrets[0] as string;

  /** The transaction, its client and API, the user, and what the policy asks of them. */
  async function load(req: Request, transactionId: unknown) {
    const tx = await authorize.loadTransaction(transactionId, req.sessionID);
    const user = await currentUser(ctx, req);
    if (!user) throw new UntrustedRequestError('You are signed out', 'Go back to the application and sign in again.');
    const client = await ctx.repos.clients.findById(tx.request.clientId);
    if (!client) throw new UntrustedRequestError('Unknown application', 'The application no longer exists.');
    const api = await authorize.resolveApi(tx.request).catch(() => null);
    const grant = await ctx.repos.grants.find(user.sub, client.clientId, authorize.audienceOf(tx.request));
    const decision = authorize.decideConsent(tx, client, api, grant?.scopes ?? []);
    const scopesToAsk = decision.kind === 'ask' ? decision.scopesToAsk : tx.request.scopes;
    const previouslyGranted = decision.kind === 'ask' ? decision.previouslyGranted : [];
    return { tx, user, client, api, scopesToAsk, previouslyGranted };
  }

  router.get('/u/consent', async (req, res) => {
    const { tx, user, client, api, scopesToAsk, previouslyGranted } = await load(req, req.query.tx);
    allowFormTarget(res, tx.request.redirectUri);
    await render(res, 'consent', {
      client,
      user: displayUser(user),
      redirectHost: safeHost(tx.request.redirectUri),
      groups: groupScopesForDialog(scopesToAsk, previouslyGranted, api),
      previouslyGranted,
      transactionId: tx.id,
      csrf: csrfToken(secret, req.sessionID, tx.id),
      action: `${req.baseUrl}/u/consent`,
      switchAction: `${req.baseUrl}/u/consent/switch`,
    });
  });

  // "Not you?": forget who is signed in (keeping the session, which holds the request) and sign in again.
  router.post('/u/consent/switch', express.urlencoded({ extended: false, limit: '16kb' }), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const tx = await authorize.loadTransaction(body.tx, req.sessionID);
    if (!verifyCsrfToken(secret, req.sessionID, tx.id, body.csrf)) {
      throw new UntrustedRequestError('This form has expired', 'The form was not sent from this session.');
    }
    delete req.session.user;
    await saveSession(req);
    redirect(res, 303, `${req.baseUrl}/u/login?tx=${encodeURIComponent(tx.id)}`);
  });

  router.post('/u/consent', express.urlencoded({ extended: false, limit: '16kb' }), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { tx, user, client, scopesToAsk } = await load(req, body.tx);
    if (!verifyCsrfToken(secret, req.sessionID, tx.id, body.csrf)) {
      throw new UntrustedRequestError('This form has expired', 'The consent form was not sent from this session. Nothing was granted.');
    }
    if (body.action === 'decline') {
      return sendAuthorizationResponse(res, render, await authorize.deny(tx), true);
    }
    if (body.action !== 'accept') throw new UntrustedRequestError('Bad request', 'Choose Accept or Decline.');
    const accepted = acceptedScopes(tx, scopesToAsk, body.scopes_offered === '1' ? (body.scope ?? []) : null);
    const response = await authorize.grantAndIssue(tx, user, accepted, client, requestInfo(req));
    await sendAuthorizationResponse(res, render, response, true);
  });
  return router;
}

/**
 * The user may untick scopes to grant less, never more: only the scopes the dialog asked for count.
 * `openid` has no checkbox: signing in is the point of the request.
 */
function acceptedScopes(tx: AuthorizationTransaction, scopesToAsk: string[], ticked: unknown): string[] {
  // The dialog marks its form with scopes_offered=1, so that "nothing ticked" is told apart from a
  // client that posts no checkboxes at all (which accepts what was shown).
  if (ticked === null) return scopesToAsk;
  const tickedList: unknown[] = Array.isArray(ticked) ? ticked : [ticked];
  const chosen = tickedList.filter((s): s is string => typeof s === 'string');
  if (tx.request.scopes.includes('openid')) chosen.push('openid');
  return intersectScopes(scopesToAsk, chosen);
}

function displayUser(user: SessionUser): { name: string; email: string | null } {
  const email = typeof user.claims.email === 'string' ? user.claims.email : null;
  const name = typeof user.claims.name === 'string' ? user.claims.name : (email ?? user.sub);
  return { name, email };
}

function safeHost(uri: string): string {
  try {
    return new URL(uri).host || uri;
  } catch {
    return uri;
  }
}
