/** The consent dialog (/u/consent): Accept records the grant and sends a code; Decline sends access_denied. */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import type { SessionUser } from '../domain/claims.js';
import { UntrustedRequestError } from '../domain/errors.js';
import { groupScopesForDialog } from '../domain/scopeCatalog.js';
import { intersectScopes } from '../domain/scopes.js';
import { isLocalhostOrLoopback } from '../domain/redirectUris.js';
import { METADATA_SOURCE } from '../services/clientDirectory.js';
import { useUiLocales, type PageRenderer } from '../http/render.js';
import { allowFormTarget } from '../http/security.js';
import { currentUser, saveSession } from '../http/session.js';
import type { ConsentPage, ConsentService } from '../services/authorization/consentService.js';
import { csrfToken, verifyCsrfToken } from '../services/csrf.js';
import { requestInfo } from '../services/auditLog.js';
import { sendAuthorizationResponse } from './authorizationResponse.js';
import { redirect } from '../http/responses.js';

export function consentRouter(ctx: AuthContext, consent: ConsentService, render: PageRenderer): Router {
  const router = express.Router();
  const secret = ctx.options.sessionSecrets[0] as string;
  const form = express.urlencoded({ extended: false, limit: '16kb' });

  /** The dialog's state, for the signed-in user; a form must also carry this session's token for it. */
  async function load(req: Request, res: Response, transactionId: unknown, csrf?: unknown): Promise<{ page: ConsentPage; user: SessionUser }> {
    const user = await currentUser(ctx, req);
    if (!user) throw new UntrustedRequestError('You are signed out', 'Go back to the application and sign in again.');
    const page = await consent.page(transactionId, req.sessionID, user);
    useUiLocales(res, page.tx.request.uiLocales);
    if (csrf !== undefined && !verifyCsrfToken(secret, req.sessionID, page.tx.id, csrf)) {
      throw new UntrustedRequestError('This form has expired', 'The consent form was not sent from this session. Nothing was granted.');
    }
    return { page, user };
  }

  router.get('/u/consent', async (req, res) => {
    const { page, user } = await load(req, res, req.query.tx);
    const { tx, client, api, scopesToAsk, previouslyGranted } = page;
    allowFormTarget(res, tx.request.redirectUri);
    await render(res, 'consent', {
      client,
      user: displayUser(user),
      redirectHost: safeHost(tx.request.redirectUri),
      redirectsToThisDevice: isLocalhostOrLoopback(tx.request.redirectUri),
      // MCP asks that the host behind a metadata document be shown plainly: it is all the user can check.
      metadataHost: client.clientMetadata.source === METADATA_SOURCE ? safeHost(client.clientId) : null,
      groups: groupScopesForDialog(scopesToAsk, previouslyGranted, api),
      // Only what is granted and not asked again: under prompt=consent everything is asked anew.
      previouslyGranted: previouslyGranted.filter((s) => !scopesToAsk.includes(s)),
      transactionId: tx.id,
      csrf: csrfToken(secret, req.sessionID, tx.id),
      action: `${req.baseUrl}/u/consent`,
      switchAction: `${req.baseUrl}/u/consent/switch`,
    });
  });

  // "Not you?": forget who is signed in (keeping the session, which holds the request) and sign in again.
  router.post('/u/consent/switch', form, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { page } = await load(req, res, body.tx, body.csrf ?? '');
    await consent.switchAccount(page.tx);
    delete req.session.user;
    await saveSession(req);
    redirect(res, 303, `${req.baseUrl}/u/login?tx=${encodeURIComponent(page.tx.id)}`);
  });

  router.post('/u/consent', form, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const { page, user } = await load(req, res, body.tx, body.csrf ?? '');
    if (body.action === 'decline') return sendAuthorizationResponse(res, render, await consent.decline(page, user, requestInfo(req)), true);
    if (body.action !== 'accept') throw new UntrustedRequestError('Bad request', 'Choose Accept or Decline.');
    const accepted = acceptedScopes(page, body.scopes_offered === '1' ? (body.scope ?? []) : null);
    await sendAuthorizationResponse(res, render, await consent.accept(page, user, accepted, requestInfo(req)), true);
  });
  return router;
}

/**
 * The user may untick scopes to grant less, never more: only the scopes the dialog asked for count.
 * `openid` has no checkbox: signing in is the point of the request.
 */
function acceptedScopes({ tx, scopesToAsk }: ConsentPage, ticked: unknown): string[] {
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
