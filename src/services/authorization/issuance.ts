/**
 * The last step of an authorization: the code (stored by hash), the tokens of implicit and hybrid
 * responses, the response itself in the client's response mode, and the `s` event of the audit log.
 */
import type { Knex } from 'knex';
import type { AuthContext } from '../../context.js';
import type { ErrorDestination } from '../../domain/authorizationRequest.js';
import { releasedClaims, type SessionUser } from '../../domain/claims.js';
import type { Client } from '../../domain/clients.js';
import type { OAuthError } from '../../domain/errors.js';
import type { RequestInfo } from '../../domain/logEvents.js';
import type { AuthorizationTransaction } from '../../store/transactionsRepository.js';
import { randomToken, sha256Hex } from '../ids.js';
import { issueUserTokens } from '../userTokens.js';
import { CODE_LIFETIME_MS, type AuthorizationResponse } from './outcomes.js';

export interface Consent {
  grantId: string;
  scopes: string[];
}

export class Issuance {
  constructor(private readonly ctx: AuthContext) {}

  audienceOf(tx: Pick<AuthorizationTransaction, 'request'>): string {
    return tx.request.audience ?? `${this.ctx.options.issuer}userinfo`;
  }

  /** The code, when the response type has one; written inside the caller's database transaction. */
  async code(tx: AuthorizationTransaction, user: SessionUser, grantId: string | null, scopes: string[], trx?: Knex): Promise<AuthorizationResponse> {
    const params: Record<string, string> = {};
    if (tx.request.responseType.split(' ').includes('code')) {
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
          audience: this.audienceOf(tx),
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
    }
    if (tx.request.state !== null) params.state = tx.request.state;
    params.iss = this.ctx.options.issuer;
    return { redirectUri: tx.request.redirectUri, responseMode: tx.request.responseMode, params };
  }

  /**
   * Implicit and hybrid responses: the access token and/or ID token from the authorization endpoint,
   * with at_hash and c_hash binding them to the rest of the response. Outside any database transaction.
   */
  async frontChannelTokens(response: AuthorizationResponse, tx: AuthorizationTransaction, user: SessionUser, client: Client, consent: Consent | null, scopes: string[]): Promise<AuthorizationResponse> {
    const types = tx.request.responseType.split(' ');
    if (!types.includes('token') && !types.includes('id_token')) return response;
    const { response: tokens } = await issueUserTokens(this.ctx, {
      client,
      userId: user.sub,
      audience: this.audienceOf(tx),
      scopes,
      authTime: tx.authTime ?? user.authTime,
      nonce: tx.request.nonce,
      claims: releasedClaims(user.claims, scopes),
      grantId: consent?.grantId ?? null,
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

  /** Auth0's `s` event; a consent given in this request goes in details.prompts. */
  async recordSuccessfulLogin(tx: AuthorizationTransaction, user: SessionUser, client: Client, consent: Consent | null, request?: RequestInfo): Promise<void> {
    const audience = this.audienceOf(tx);
    await this.ctx.audit.record(
      's',
      {
        clientId: client.clientId,
        clientName: client.name,
        userId: user.sub,
        userName: typeof user.claims.email === 'string' ? user.claims.email : null,
        audience,
        scope: tx.request.scopes.join(' '),
        details: { prompts: consent ? [{ name: 'consent', grantInfo: { id: consent.grantId, audience, scope: consent.scopes } }] : [] },
      },
      request,
    );
  }
}
