/**
 * The consent dialog's use cases: what it shows, Accept (the user's latest answer becomes the grant),
 * Decline, and "Not you?". Each requires the transaction to be at the step before it.
 */
import type { AuthContext } from '../../context.js';
import type { SessionUser } from '../../domain/claims.js';
import { redirectsErrors, type Client } from '../../domain/clients.js';
import { decideConsent, type ConsentDecision } from '../../domain/consentPolicy.js';
import { OAuthError, UntrustedRequestError } from '../../domain/errors.js';
import type { RequestInfo } from '../../domain/logEvents.js';
import type { ResourceServer } from '../../domain/resourceServers.js';
import { intersectScopes, missingScopes, unionScopes } from '../../domain/scopes.js';
import type { UserGrant } from '../../store/grantsRepository.js';
import type { AuthorizationTransaction } from '../../store/transactionsRepository.js';
import { recordConsentAnswer } from '../consentEvents.js';
import { newId } from '../ids.js';
import { isActiveSubject } from './activeUsers.js';
import { Issuance, type Consent } from './issuance.js';
import { expiredRequest, type AuthorizationResponse } from './outcomes.js';
import type { TransactionGate } from './transactionGate.js';

export interface ConsentPage {
  tx: AuthorizationTransaction;
  client: Client;
  api: ResourceServer | null;
  scopesToAsk: string[];
  previouslyGranted: string[];
}

/** The consent policy applied to a transaction and the user's grant for its client and API. */
export function consentDecision(tx: AuthorizationTransaction, client: Client, api: ResourceServer | null, grant: UserGrant | null): ConsentDecision {
  return decideConsent({
    client,
    redirectUri: tx.request.redirectUri,
    // Without an API only profile scopes are asked, which a verifiable first party may skip.
    api: { allowSkipConsent: api ? api.skipConsentForVerifiableFirstPartyClients : true },
    requestedScopes: tx.request.scopes,
    grantedScopes: grant?.scopes ?? [],
    rejectedScopes: grant?.rejectedScopes ?? [],
    grantExists: grant !== null,
    prompt: new Set(tx.request.prompt),
  });
}

export class ConsentService {
  private readonly issuance: Issuance;

  constructor(
    private readonly ctx: AuthContext,
    private readonly gate: TransactionGate,
  ) {
    this.issuance = new Issuance(ctx);
  }

  /** The dialog: only for a transaction whose user signed in for it, and is the one signed in now. */
  async page(transactionId: unknown, sessionId: string, user: SessionUser | null): Promise<ConsentPage> {
    const tx = await this.gate.load(transactionId, sessionId);
    if (tx.state !== 'authenticated' || !user || tx.userId !== user.sub) {
      throw new UntrustedRequestError('Sign in first', 'Nothing can be allowed before you sign in for this request. Go back to the application and start again.');
    }
    const client = await this.ctx.repos.clients.findById(tx.request.clientId);
    if (!client) throw new UntrustedRequestError('Unknown application', 'The application no longer exists.');
    const api = await this.gate.resolveApi(tx.request).catch(() => null);
    const grant = await this.ctx.repos.grants.find(user.sub, client.clientId, this.issuance.audienceOf(tx));
    const decision = consentDecision(tx, client, api, grant);
    return {
      tx,
      client,
      api,
      scopesToAsk: decision.kind === 'ask' ? decision.scopesToAsk : tx.request.scopes,
      previouslyGranted: decision.kind === 'ask' ? decision.previouslyGranted : [],
    };
  }

  /**
   * Accept. The user's latest answer wins: of the scopes the dialog asked, the ticked ones are granted
   * and the others refused, whatever was granted before (tokens carrying a scope taken back stop
   * working); scopes not asked this time keep their earlier answer. The grant and the code are written
   * together, and only from the `authenticated` step.
   */
  async accept(page: ConsentPage, user: SessionUser, accepted: string[], request?: RequestInfo): Promise<AuthorizationResponse> {
    const { tx, client, scopesToAsk } = page;
    const audience = this.issuance.audienceOf(tx);
    const asked = scopesToAsk;
    const now = Date.now();
    if (!(await isActiveSubject(this.ctx, user.sub))) throw expiredRequest('The account is blocked or was deleted.');
    let consent: Consent = { grantId: '', scopes: [] };
    let tokenScopes: string[] = [];
    const codeResponse = await this.ctx.db.transaction(async (trx) => {
      if (!(await this.ctx.repos.transactions.step(tx.id, 'consent', now, trx))) throw expiredRequest('The request was already answered.');
      const fresh: UserGrant = { id: newId('cgr'), userId: user.sub, clientId: client.clientId, audience, scopes: accepted, rejectedScopes: missingScopes(asked, accepted), createdAt: now, updatedAt: now };
      // Two tabs accepting at once: the second insert finds the first one's grant and answers over it.
      const existing = (await this.ctx.repos.grants.find(user.sub, client.clientId, audience, trx)) ?? ((await this.ctx.repos.grants.insertIfAbsent(fresh, trx)) ? null : await this.ctx.repos.grants.find(user.sub, client.clientId, audience, trx));
      let granted = fresh.scopes;
      let grantId = fresh.id;
      if (existing) {
        grantId = existing.id;
        granted = unionScopes(missingScopes(existing.scopes, asked), accepted);
        const rejected = unionScopes(missingScopes(existing.rejectedScopes, asked), missingScopes(asked, accepted));
        if (!sameSet(granted, existing.scopes) || !sameSet(rejected, existing.rejectedScopes)) {
          await this.ctx.repos.grants.updateScopes(existing.id, { granted, rejected }, now, trx);
          await this.ctx.repos.refreshTokens.revokeBeyondGrant(existing.id, granted, now, trx);
        }
      }
      consent = { grantId, scopes: granted };
      tokenScopes = intersectScopes(tx.request.scopes, granted);
      if (!(await this.ctx.repos.transactions.step(tx.id, 'issue', now, trx))) throw expiredRequest('The request was already answered.');
      return this.issuance.code(tx, user, grantId, tokenScopes, trx);
    });
    const response = await this.issuance.frontChannelTokens(codeResponse, tx, user, client, consent, tokenScopes);
    // After the database transaction: the log is written on its own connection.
    await recordConsentAnswer(this.ctx, 'consent_given', { user, client, audience, asked, accepted, grantId: consent.grantId }, request);
    await this.issuance.recordSuccessfulLogin(tx, user, client, consent, request);
    return response;
  }

  /**
   * Decline: access_denied at the client, and no grant recorded (checklist S13), only the audit event.
   * A third-party client with open_redirect_protection is not sent back: the page says it was declined.
   */
  async decline(page: ConsentPage, user: SessionUser, request?: RequestInfo): Promise<AuthorizationResponse> {
    if (!(await this.ctx.repos.transactions.step(page.tx.id, 'issue', Date.now()))) throw expiredRequest('The request was already answered.');
    const answer = { user, client: page.client, audience: this.issuance.audienceOf(page.tx), asked: page.scopesToAsk, accepted: [], grantId: null };
    await recordConsentAnswer(this.ctx, 'consent_declined', answer, request);
    if (!redirectsErrors(page.client)) throw new UntrustedRequestError('Access declined', `Nothing was shared with ${page.client.name}. You can close this page.`);
    return this.issuance.errorResponse(page.tx.request, new OAuthError('access_denied', 'The user denied access to the application.'));
  }

  /** "Not you?": the request goes back to waiting for a sign-in. */
  async switchAccount(tx: AuthorizationTransaction): Promise<void> {
    if (!(await this.ctx.repos.transactions.step(tx.id, 'switchAccount', Date.now(), undefined, { userId: null, authTime: null }))) {
      throw expiredRequest();
    }
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && missingScopes(a, b).length === 0;
}
