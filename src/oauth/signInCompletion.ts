/** The end of every sign-in page (our login form, an upstream provider's callback): the authorization continues. */
import type { Request, Response } from 'express';
import type { SessionUser } from '../domain/claims.js';
import { redirect } from '../http/responses.js';
import { regenerateSession, saveSession } from '../http/session.js';
import type { AuthorizeService } from '../services/authorization/authorizeService.js';

type AuthorizationTransaction = Parameters<AuthorizeService['signedIn']>[0];

export async function continueAfterSignIn(req: Request, res: Response, authorize: AuthorizeService, tx: AuthorizationTransaction, user: SessionUser, status: 302 | 303): Promise<void> {
  // A new session id at login: a session fixed by an attacker before login is worth nothing after.
  const previousSessionId = req.sessionID;
  await regenerateSession(req);
  req.session.user = user;
  req.session.startedAt = Date.now();
  await saveSession(req);
  await authorize.signedIn(tx, previousSessionId, req.sessionID, user);
  redirect(res, status, `${req.baseUrl}/authorize/resume?tx=${encodeURIComponent(tx.id)}`);
}
