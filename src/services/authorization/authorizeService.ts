/**
 * The authorization endpoint as a list of named steps over one transaction record:
 *
 *   /authorize          trustClient → validateRequest → resolveApi → checkLogin → checkConsent → issue
 *   /u/login (POST)     signedIn: the transaction becomes `authenticated`
 *   /authorize/resume   requireSignIn → checkConsent → issue
 *   /u/consent          ConsentService: page, accept, decline, switchAccount
 *
 * Errors before the redirect URI is trusted become a page; after it, they go to the client.
 */
import type { AuthContext } from '../../context.js';
import { checkRedirectUri, readClientId, validateAuthorizationRequest, type ErrorDestination, type RawParams } from '../../domain/authorizationRequest.js';
import type { SessionUser } from '../../domain/claims.js';
import { redirectsErrors, type Client } from '../../domain/clients.js';
import { scopesWithinUserAccess } from '../apiAccess.js';
import { OAuthError, UntrustedRequestError } from '../../domain/errors.js';
import type { RequestInfo } from '../../domain/logEvents.js';
import { decideLogin } from '../../domain/loginPolicy.js';
import type { ResourceServer } from '../../domain/resourceServers.js';
import { grantableScopes } from '../../domain/scopeCatalog.js';
import { missingScopes } from '../../domain/scopes.js';
import type { AuthorizationTransaction } from '../../store/transactionsRepository.js';
import { randomToken } from '../ids.js';
import { ClientMetadataDocumentError } from '../../domain/clientIdMetadata.js';
import type { ClientDirectory } from '../clientDirectory.js';
import { MetadataFetchError } from '../clientMetadataFetcher.js';
import { isActiveSubject } from './activeUsers.js';
import { consentDecision } from './consentService.js';
import { Issuance } from './issuance.js';
import { expiredRequest, type AuthorizeOutcome } from './outcomes.js';
import { TransactionGate } from './transactionGate.js';

export class AuthorizeService {
  private readonly issuance: Issuance;

  constructor(
    private readonly ctx: AuthContext,
    private readonly gate: TransactionGate,
    private readonly clients: ClientDirectory,
  ) {
    this.issuance = new Issuance(ctx);
  }

  async start(params: RawParams, sessionId: string, user: SessionUser | null, origin?: RequestInfo): Promise<AuthorizeOutcome> {
    let trusted: { client: Client; dest: ErrorDestination };
    try {
      trusted = await this.trustClient(params);
    } catch (err) {
      if (err instanceof UntrustedRequestError) return { kind: 'error_page', title: err.title, description: err.description };
      throw err;
    }
    const { client, dest } = trusted;
    return this.reportingTo(dest, client, async () => {
      const tx = this.newTransaction(this.validateRequest(params, client, dest), sessionId);
      const api = await this.resolveApi(tx, client);
      const signedIn = await this.checkLogin(tx, user);
      if (!signedIn) {
        await this.ctx.repos.transactions.insert(tx);
        const connection = typeof params.connection === 'string' && params.connection !== '' ? params.connection : undefined;
        return { kind: 'login', transactionId: tx.id, ...(connection ? { connection } : {}) };
      }
      Object.assign(tx, { state: 'authenticated', userId: signedIn.sub, authTime: signedIn.authTime });
      // A returning user who needs no page: the transaction is only stored if the dialog is shown.
      return this.checkConsentAndIssue(tx, client, api, signedIn, origin, false);
    });
  }

  /** After a sign-in elsewhere (our login page, or the host's): the transaction continues. */
  async resume(transactionId: unknown, sessionId: string, user: SessionUser | null, origin?: RequestInfo): Promise<AuthorizeOutcome> {
    const tx = await this.gate.load(transactionId, sessionId);
    const signedIn = await this.requireSignIn(tx, user);
    if (!signedIn) return { kind: 'login', transactionId: tx.id };
    const client = await this.ctx.repos.clients.findById(tx.request.clientId);
    if (!client) return { kind: 'error_page', title: 'Unknown application', description: 'The application no longer exists.' };
    return this.reportingTo(tx.request, client, async () => this.checkConsentAndIssue(tx, client, await this.gate.resolveApi(tx.request), signedIn, origin, true));
  }

  /** The login page's transaction and the client it is for. */
  async loginPage(transactionId: unknown, sessionId: string): Promise<{ tx: AuthorizationTransaction; client: Client | null }> {
    const tx = await this.gate.load(transactionId, sessionId);
    return { tx, client: await this.ctx.repos.clients.findById(tx.request.clientId) };
  }

  /** Our login page signed the user in: the session id changed, and the transaction is `authenticated`. */
  async signedIn(tx: AuthorizationTransaction, previousSessionId: string, sessionId: string, user: SessionUser): Promise<void> {
    await this.ctx.repos.transactions.moveSession(previousSessionId, sessionId);
    if (!(await this.ctx.repos.transactions.step(tx.id, 'signIn', Date.now(), undefined, { userId: user.sub, authTime: user.authTime }))) throw expiredRequest();
  }

  /**
   * A sign-in elsewhere (an upstream identity provider) failed: the client hears the OAuth error, as
   * after any step once its redirect URI is trusted. The transaction stays as it was, unused.
   */
  async signInFailed(tx: AuthorizationTransaction, error: OAuthError): Promise<AuthorizeOutcome> {
    const client = await this.ctx.repos.clients.findById(tx.request.clientId);
    if (!client) return { kind: 'error_page', title: 'Unknown application', description: 'The application no longer exists.' };
    return this.reportingTo(tx.request, client, async () => {
      throw error;
    });
  }

  // ── the steps ──────────────────────────────────────────────────────────────────────────────────

  /** The client and its redirect URI; until both are trusted, nothing is sent to the client. */
  private async trustClient(params: RawParams): Promise<{ client: Client; dest: ErrorDestination }> {
    const client = await this.clients.find(readClientId(params)).catch((err: unknown) => {
      if (err instanceof ClientMetadataDocumentError || err instanceof MetadataFetchError) {
        throw new UntrustedRequestError('Unknown application', `The application's metadata document cannot be used: ${err.message}`);
      }
      throw err;
    });
    if (!client) throw new UntrustedRequestError('Unknown application', 'No application is registered with this client_id.');
    return { client, dest: checkRedirectUri(params, client) };
  }

  private validateRequest(params: RawParams, client: Client, dest: ErrorDestination) {
    const request = validateAuthorizationRequest(params, client, dest);
    // Auth0's tenant default audience, for clients that cannot send one.
    request.audience ??= this.ctx.options.defaultAudience;
    return request;
  }

  /** The API the request names, and the requested scopes narrowed to what can be granted for it. */
  private async resolveApi(tx: AuthorizationTransaction, client: Client): Promise<ResourceServer | null> {
    const api = await this.gate.resolveApi(tx.request);
    const grantable = grantableScopes(tx.request.scopes, api, client);
    // The API's access policy, and the client grant that caps what the dialog may offer.
    tx.request.scopes = api ? await scopesWithinUserAccess(this.ctx, client, api, grantable) : grantable;
    return api;
  }

  /** The signed-in user, or null when they must sign in first (src/domain/loginPolicy.ts); under prompt=none, the error. */
  private async checkLogin(tx: AuthorizationTransaction, user: SessionUser | null): Promise<SessionUser | null> {
    const decision = decideLogin({
      user,
      userActive: user ? await isActiveSubject(this.ctx, user.sub) : false,
      prompt: new Set(tx.request.prompt),
      maxAge: tx.request.maxAge,
      signedInDuringRequest: false,
      now: Math.floor(Date.now() / 1000),
    });
    if (decision.kind === 'signed_in' && user) return user;
    if (decision.kind !== 'signed_in' && tx.request.prompt.includes('none')) throw new OAuthError(decision.promptNoneError, 'The user is not signed in, or must sign in again.');
    return null;
  }

  /**
   * At resume: signed in for this transaction (our login page moved it to `authenticated`), or by the
   * host's login (the authenticate hook) in a way that answers the request's login policy, judged by
   * the auth time the host reports; the user must be the same. Null when they must sign in.
   */
  private async requireSignIn(tx: AuthorizationTransaction, user: SessionUser | null): Promise<SessionUser | null> {
    if (!user) return null;
    if (tx.state === 'authenticated') return tx.userId === user.sub && (await isActiveSubject(this.ctx, user.sub)) ? user : null;
    // Our own sessions are signed in for a request only by our login page's POST.
    if (!this.ctx.options.authenticate) return null;
    const decision = decideLogin({
      user,
      userActive: await isActiveSubject(this.ctx, user.sub),
      prompt: new Set(tx.request.prompt),
      maxAge: tx.request.maxAge,
      signedInDuringRequest: user.authTime >= Math.floor(tx.createdAt / 1000),
      now: Math.floor(Date.now() / 1000),
    });
    if (decision.kind !== 'signed_in') return null;
    return (await this.ctx.repos.transactions.step(tx.id, 'signIn', Date.now(), undefined, { userId: user.sub, authTime: user.authTime })) ? user : null;
  }

  /** The consent policy; then the dialog, or the response straight away. */
  private async checkConsentAndIssue(tx: AuthorizationTransaction, client: Client, api: ResourceServer | null, user: SessionUser, origin: RequestInfo | undefined, stored: boolean): Promise<AuthorizeOutcome> {
    const grant = await this.ctx.repos.grants.find(user.sub, client.clientId, this.issuance.audienceOf(tx));
    const decision = consentDecision(tx, client, api, grant);
    if (decision.kind === 'ask') {
      if (tx.request.prompt.includes('none')) throw new OAuthError(decision.promptNoneError, 'The user has not granted the requested scopes to this application.');
      if (!stored) await this.ctx.repos.transactions.insert(tx);
      return { kind: 'consent', transactionId: tx.id };
    }
    if (stored && !(await this.ctx.repos.transactions.step(tx.id, 'issue', Date.now()))) throw expiredRequest('The request was already used.');
    // Refused scopes are never in a token, even when the policy lets the request through.
    const scopes = grant ? missingScopes(tx.request.scopes, grant.rejectedScopes) : tx.request.scopes;
    const consent = grant ? { grantId: grant.id, scopes: grant.scopes } : null;
    const response = await this.issuance.frontChannelTokens(await this.issuance.code(tx, user, grant?.id ?? null, scopes), tx, user, client, consent, scopes);
    await this.issuance.recordSuccessfulLogin(tx, user, client, null, origin);
    return { kind: 'respond', response };
  }

  /**
   * Runs a step whose OAuth errors go to the now trusted redirect URI — or, for a third-party client
   * with open_redirect_protection, to our own error page.
   */
  private async reportingTo(dest: Pick<ErrorDestination, 'redirectUri' | 'responseMode' | 'state'>, client: Client, step: () => Promise<AuthorizeOutcome>): Promise<AuthorizeOutcome> {
    try {
      return await step();
    } catch (err) {
      if (!(err instanceof OAuthError)) throw err;
      if (!redirectsErrors(client)) return { kind: 'error_page', title: 'The application cannot continue', description: err.description };
      return { kind: 'respond', response: this.issuance.errorResponse(dest, err) };
    }
  }

  private newTransaction(request: AuthorizationTransaction['request'], sessionId: string): AuthorizationTransaction {
    const now = Date.now();
    return { id: randomToken(24), sessionId, request, userId: null, authTime: null, state: 'validated', createdAt: now, expiresAt: now + this.ctx.options.loginTimeoutSeconds * 1000, consumedAt: null };
  }
}
