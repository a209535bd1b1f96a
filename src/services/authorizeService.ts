/**
 * The authorization endpoint's use case: validate the request, find out who the user is, apply the
 * consent policy, and issue the code. One transaction record carries the validated request through
 * login and consent.
 */
import type { AuthContext } from '../context.js';
import {
  checkRedirectUri,
  readClientId,
  validateAuthorizationRequest,
  type AuthorizationRequest,
  type ErrorDestination,
  type RawParams,
  type ResponseMode,
} from '../domain/authorizationRequest.js';
import type { Client } from '../domain/clients.js';
import { decideConsent, type ConsentDecision } from '../domain/consentPolicy.js';
import { OAuthError, UntrustedRequestError } from '../domain/errors.js';
import type { ResourceServer } from '../domain/resourceServers.js';
import { grantableScopes } from '../domain/scopeCatalog.js';
import { intersectScopes, unionScopes } from '../domain/scopes.js';
import type { AuthorizationTransaction } from '../store/transactionsRepository.js';
import { newId, randomToken, sha256Hex } from './ids.js';
import type { Knex } from 'knex';
import type { RequestInfo } from '../domain/logEvents.js';
import { issueUserTokens } from './userTokens.js';

export const TRANSACTION_LIFETIME_MS = 10 * 60 * 1000;
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

/** The signed-in user, as kept in the session (or handed over by the host's authenticate hook). */
export interface SessionUser {
  sub: string;
  /** Seconds since the epoch. */
  authTime: number;
  claims: Record<string, unknown>;
}

export interface AuthorizationResponse {
  redirectUri: string;
  responseMode: ResponseMode;
  params: Record<string, string>;
}

export type AuthorizeOutcome =
  | { kind: 'error_page'; title: string; description: string }
  | { kind: 'respond'; response: AuthorizationResponse }
  | { kind: 'login'; transactionId: string }
  | { kind: 'consent'; transactionId: string };

/** What an API-less request (only OIDC scopes) is granted against: the userinfo audience. */
export function userinfoAudience(issuer: string): string {
  return `${issuer}userinfo`;
}

export class AuthorizeService {
  constructor(private readonly ctx: AuthContext) {}

  async start(params: RawParams, sessionId: string, user: SessionUser | null, origin?: RequestInfo): Promise<AuthorizeOutcome> {
    let client: Client;
    let dest: ErrorDestination;
    try {
      const clientId = readClientId(params);
      const found = await this.ctx.repos.clients.findById(clientId);
      if (!found) throw new UntrustedRequestError('Unknown application', 'No application is registered with this client_id.');
      client = found;
      dest = checkRedirectUri(params, client);
    } catch (err) {
      if (err instanceof UntrustedRequestError) return { kind: 'error_page', title: err.title, description: err.description };
      throw err;
    }

    try {
      const request = validateAuthorizationRequest(params, client, dest);
      request.audience ??= this.ctx.options.defaultAudience;
      const api = await this.resolveApi(request);
      request.scopes = grantableScopes(request.scopes, api, client);
      const loginNeeded = this.needsLogin(request, user);
      if (loginNeeded && request.prompt.includes('none')) {
        throw new OAuthError('login_required', 'The user is not signed in, or must sign in again.');
      }
      const now = Date.now();
      const tx: AuthorizationTransaction = {
        id: randomToken(24),
        sessionId,
        request,
        userId: loginNeeded ? null : (user?.sub ?? null),
        authTime: loginNeeded ? null : (user?.authTime ?? null),
        loginRequired: request.prompt.includes('login') || request.maxAge !== null,
        createdAt: now,
        expiresAt: now + TRANSACTION_LIFETIME_MS,
        consumedAt: null,
      };
      if (!loginNeeded) tx.loginRequired = false;
      if (loginNeeded || !user) {
        await this.ctx.repos.transactions.insert(tx);
        return { kind: 'login', transactionId: tx.id };
      }
      // A returning user who needs no page: the transaction is only stored if the dialog is shown.
      return await this.proceed(tx, client, api, user, origin, false);
    } catch (err) {
      if (err instanceof OAuthError) return { kind: 'respond', response: this.errorResponse(dest, err) };
      throw err;
    }
  }

  /** After login: the transaction continues where it left off. */
  async resume(transactionId: unknown, sessionId: string, user: SessionUser | null, request?: RequestInfo): Promise<AuthorizeOutcome> {
    const tx = await this.loadTransaction(transactionId, sessionId);
    // prompt=login / max_age: only a sign-in that happened after the request began will do.
    const signedInSinceRequest = user !== null && user.authTime >= Math.floor(tx.createdAt / 1000);
    if (!user || (tx.loginRequired && !signedInSinceRequest)) {
      return { kind: 'login', transactionId: tx.id };
    }
    const client = await this.ctx.repos.clients.findById(tx.request.clientId);
    if (!client) return { kind: 'error_page', title: 'Unknown application', description: 'The application no longer exists.' };
    try {
      const api = await this.resolveApi(tx.request);
      return await this.proceed(tx, client, api, user, request);
    } catch (err) {
      if (err instanceof OAuthError) return { kind: 'respond', response: this.errorResponse(tx.request, err) };
      throw err;
    }
  }

  /** A transaction that exists, is this session's, unused and unexpired; otherwise an error page. */
  async loadTransaction(transactionId: unknown, sessionId: string): Promise<AuthorizationTransaction> {
    const tx = typeof transactionId === 'string' && transactionId.length <= 64 ? await this.ctx.repos.transactions.findById(transactionId) : null;
    if (!tx || tx.sessionId !== sessionId || tx.consumedAt !== null || tx.expiresAt <= Date.now()) {
      throw new UntrustedRequestError(
        'This sign-in request has expired',
        'The request is unknown, was already used, or is older than 10 minutes. Go back to the application and sign in again.',
      );
    }
    return tx;
  }

  decideConsent(tx: AuthorizationTransaction, client: Client, api: ResourceServer | null, grantedScopes: string[]): ConsentDecision {
    return decideConsent({
      client,
      redirectUri: tx.request.redirectUri,
      // Without an API only profile scopes are asked, which a verifiable first party may skip.
      api: { allowSkipConsent: api ? api.skipConsentForVerifiableFirstPartyClients : true },
      requestedScopes: tx.request.scopes,
      grantedScopes,
      prompt: new Set(tx.request.prompt),
    });
  }

  audienceOf(request: AuthorizationRequest): string {
    return request.audience ?? userinfoAudience(this.ctx.options.issuer);
  }

  async resolveApi(request: AuthorizationRequest): Promise<ResourceServer | null> {
    if (request.audience === null) return null;
    const api = await this.ctx.repos.resourceServers.findByIdentifier(request.audience);
    if (!api || api.isSystem) throw new OAuthError('invalid_request', `Service not found: ${request.audience}`);
    return api;
  }

  private needsLogin(request: AuthorizationRequest, user: SessionUser | null): boolean {
    if (!user) return true;
    if (request.prompt.includes('login')) return true;
    if (request.maxAge !== null && Date.now() / 1000 - user.authTime > request.maxAge) return true;
    return false;
  }

  private async proceed(
    tx: AuthorizationTransaction,
    client: Client,
    api: ResourceServer | null,
    user: SessionUser,
    request?: RequestInfo,
    stored = true,
  ): Promise<AuthorizeOutcome> {
    const grant = await this.ctx.repos.grants.find(user.sub, client.clientId, this.audienceOf(tx.request));
    const decision = this.decideConsent(tx, client, api, grant?.scopes ?? []);
    if (decision.kind === 'ask') {
      if (tx.request.prompt.includes('none')) {
        throw new OAuthError(decision.promptNoneError, 'The user has not granted the requested scopes to this application.');
      }
      if (!stored) await this.ctx.repos.transactions.insert(tx);
      return { kind: 'consent', transactionId: tx.id };
    }
    if (stored && !(await this.ctx.repos.transactions.consume(tx.id, Date.now()))) {
      throw new UntrustedRequestError('This sign-in request has expired', 'The request was already used.');
    }
    const codeResponse = await this.issueCode(tx, user, grant?.id ?? null, tx.request.scopes);
    const response = await this.addFrontChannelTokens(codeResponse, tx, user, client, grant?.id ?? null, tx.request.scopes);
    await this.recordSuccessfulLogin(tx, user, client, null, request);
    return { kind: 'respond', response };
  }

  /**
   * Accept in the consent dialog: record or widen the grant with what the user accepted, and issue
   * a code carrying exactly the requested scopes that are now granted.
   */
  async grantAndIssue(tx: AuthorizationTransaction, user: SessionUser, accepted: string[], client: Client, request?: RequestInfo): Promise<AuthorizationResponse> {
    const audience = this.audienceOf(tx.request);
    const now = Date.now();
    let consent: { id: string; scope: string[] } | null = null;
    let tokenScopes: string[] = [];
    let tokenGrantId: string | null = null;
    const codeResponse = await this.ctx.db.transaction(async (trx) => {
      if (!(await this.ctx.repos.transactions.consume(tx.id, now, trx))) {
        throw new UntrustedRequestError('This sign-in request has expired', 'The request was already used.');
      }
      const existing = await this.ctx.repos.grants.find(user.sub, tx.request.clientId, audience, trx);
      let grantId: string;
      let granted: string[];
      if (existing) {
        granted = unionScopes(existing.scopes, accepted);
        grantId = existing.id;
        // Consenting again to what is already granted (prompt=consent) changes nothing to write.
        if (granted.length > existing.scopes.length) await this.ctx.repos.grants.updateScopes(existing.id, granted, now, trx);
      } else {
        granted = accepted;
        grantId = newId('cgr');
        await this.ctx.repos.grants.insert(
          { id: grantId, userId: user.sub, clientId: tx.request.clientId, audience, scopes: granted, createdAt: now, updatedAt: now },
          trx,
        );
      }
      consent = { id: grantId, scope: granted };
      tokenScopes = intersectScopes(tx.request.scopes, granted);
      tokenGrantId = grantId;
      return this.issueCode(tx, user, grantId, tokenScopes, trx);
    });
    const response = await this.addFrontChannelTokens(codeResponse, tx, user, client, tokenGrantId, tokenScopes);
    // After the transaction: the log is written on its own connection.
    await this.recordSuccessfulLogin(tx, user, client, consent, request);
    return response;
  }

  async deny(tx: AuthorizationTransaction): Promise<AuthorizationResponse> {
    if (!(await this.ctx.repos.transactions.consume(tx.id, Date.now()))) {
      throw new UntrustedRequestError('This sign-in request has expired', 'The request was already used.');
    }
    return this.errorResponse(tx.request, new OAuthError('access_denied', 'The user denied access to the application.'));
  }

  /** Auth0's `s` event; the consent given, if any, goes in details.prompts. */
  private async recordSuccessfulLogin(
    tx: AuthorizationTransaction,
    user: SessionUser,
    client: Client,
    consent: { id: string; scope: string[] } | null,
    request?: RequestInfo,
  ): Promise<void> {
    const audience = this.audienceOf(tx.request);
    await this.ctx.audit.record(
      's',
      {
        clientId: client.clientId,
        clientName: client.name,
        userId: user.sub,
        userName: typeof user.claims.email === 'string' ? user.claims.email : null,
        audience,
        scope: tx.request.scopes.join(' '),
        details: { prompts: consent ? [{ name: 'consent', grantInfo: { id: consent.id, audience, scope: consent.scope } }] : [] },
      },
      request,
    );
  }

  private async issueCode(
    tx: AuthorizationTransaction,
    user: SessionUser,
    grantId: string | null,
    scopes: string[],
    trx?: Knex,
  ): Promise<AuthorizationResponse> {
    const params: Record<string, string> = {};
    if (!tx.request.responseType.split(' ').includes('code')) return this.responseWith(tx, params);
    const code = randomToken(32);
    const now = Date.now();
    await this.ctx.repos.codes.insert(
      {
        codeHash: sha256Hex(code),
        clientId: tx.request.clientId,
        userId: user.sub,
        grantId,
        redirectUri: tx.request.redirectUri,
        scopes,
        audience: this.audienceOf(tx.request),
        nonce: tx.request.nonce,
        codeChallenge: tx.request.codeChallenge,
        authTime: tx.authTime ?? user.authTime,
        claims: releasedClaims(user.claims, scopes),
        sessionId: tx.sessionId,
        createdAt: now,
        expiresAt: now + CODE_LIFETIME_MS,
        consumedAt: null,
      },
      trx,
    );
    params.code = code;
    return this.responseWith(tx, params);
  }

  private responseWith(tx: AuthorizationTransaction, params: Record<string, string>): AuthorizationResponse {
    if (tx.request.state !== null) params.state = tx.request.state;
    params.iss = this.ctx.options.issuer;
    return { redirectUri: tx.request.redirectUri, responseMode: tx.request.responseMode, params };
  }

  /**
   * Implicit and hybrid responses: the access token and/or ID token issued at the authorization
   * endpoint, with at_hash and c_hash binding them to the rest of the response. Runs outside any
   * database transaction (it reads the API's settings).
   */
  private async addFrontChannelTokens(
    response: AuthorizationResponse,
    tx: AuthorizationTransaction,
    user: SessionUser,
    client: Client,
    grantId: string | null,
    scopes: string[],
  ): Promise<AuthorizationResponse> {
    const types = tx.request.responseType.split(' ');
    if (!types.includes('token') && !types.includes('id_token')) return response;
    const tokens = await issueUserTokens(this.ctx, {
      client,
      userId: user.sub,
      audience: this.audienceOf(tx.request),
      scopes,
      authTime: tx.authTime ?? user.authTime,
      nonce: tx.request.nonce,
      claims: releasedClaims(user.claims, scopes),
      grantId,
      gty: 'implicit',
      idToken: types.includes('id_token'),
      accessTokenInResponse: types.includes('token'),
      code: response.params.code ?? null,
    });
    const extra: Record<string, string> = {};
    if (types.includes('token')) {
      Object.assign(extra, { access_token: tokens.access_token, token_type: 'Bearer', expires_in: String(tokens.expires_in), scope: tokens.scope });
    }
    if (tokens.id_token) extra.id_token = tokens.id_token;
    return { ...response, params: { ...extra, ...response.params } };
  }

  errorResponse(dest: Pick<ErrorDestination, 'redirectUri' | 'responseMode' | 'state'>, err: OAuthError): AuthorizationResponse {
    const params: Record<string, string> = { error: err.code, error_description: err.description };
    if (dest.state !== null) params.state = dest.state;
    params.iss = this.ctx.options.issuer;
    return { redirectUri: dest.redirectUri, responseMode: dest.responseMode, params };
  }
}

/** The profile claims the granted scopes release (OIDC Core §5.4). */
export function releasedClaims(claims: Record<string, unknown>, scopes: readonly string[]): Record<string, unknown> {
  const pick = (names: string[]) => Object.fromEntries(names.filter((n) => claims[n] !== undefined && claims[n] !== null).map((n) => [n, claims[n]]));
  return {
    ...(scopes.includes('profile') ? pick(['name', 'nickname', 'picture', 'updated_at']) : {}),
    ...(scopes.includes('email') ? pick(['email', 'email_verified']) : {}),
  };
}
