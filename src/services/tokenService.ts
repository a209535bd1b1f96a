/** The token endpoint's grants. This file holds authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6). */
import { randomUUID } from 'node:crypto';
import type { AuthContext } from '../context.js';
import { isPublicClient, type Client } from '../domain/clients.js';
import { intersectScopes, parseScope } from '../domain/scopes.js';
import { OAuthError } from '../domain/errors.js';
import { verifyPkce } from '../domain/pkce.js';
import { sha256Hex } from './ids.js';
import { clientGrantScopes } from './apiAccess.js';
import type { AuthorizationCode } from '../store/codesRepository.js';
import { refreshTokenAllowed, RefreshTokenService } from './refreshTokenService.js';
import { issueUserTokens, type IssuedTokens } from './userTokens.js';

export type { IssuedTokens, TokenResponse } from './userTokens.js';

/**
 * How long a replayed code's access token stays on the revocation list: the longest lifetime an API
 * may give its tokens (30 days), since the token's own lifetime is known only after the code is read.
 */
const ACCESS_TOKEN_LIFETIME_BOUND_MS = 30 * 24 * 3600 * 1000;

export class TokenService {
  readonly refreshTokens: RefreshTokenService;

  constructor(private readonly ctx: AuthContext) {
    this.refreshTokens = new RefreshTokenService(ctx);
  }

  /**
   * client_credentials (RFC 6749 §4.4): a confidential client gets a token for an API only through a
   * client grant, and only with the scopes of that grant.
   */
  async clientCredentials(client: Client, params: { audience?: string; resource?: string; scope?: string }): Promise<IssuedTokens> {
    // The token endpoint checked the grant type; a public client may never hold this one (clientRuleViolations).
    if (isPublicClient(client)) {
      throw new OAuthError('unauthorized_client', 'The client is not allowed to use the client_credentials grant.');
    }
    if (!params.audience) throw new OAuthError('invalid_request', 'Missing required parameter: audience.');
    const requested = parseScope(params.scope);
    if (requested === null) throw new OAuthError('invalid_scope', 'The scope parameter is malformed.');
    const api = await this.ctx.repos.resourceServers.findByIdentifier(params.audience);
    if (!api) {
      // Auth0 answers an unknown audience with 403 access_denied; RFC 8707 an unknown resource with invalid_target.
      throw params.resource ? new OAuthError('invalid_target', `Service not found: ${params.resource}`) : new OAuthError('access_denied', `Service not found: ${params.audience}`, 403);
    }
    const granted = await clientGrantScopes(this.ctx, client, api);
    const scopes = requested.length > 0 ? intersectScopes(requested, granted) : [...granted];
    if (requested.length > 0 && scopes.length === 0) {
      throw new OAuthError('invalid_scope', 'None of the requested scopes is granted to this client for this API.');
    }
    const { token } = await this.ctx.signer.accessToken({
      subject: `${client.clientId}@clients`,
      clientId: client.clientId,
      audience: api.identifier,
      scopes,
      lifetimeSeconds: api.tokenLifetime,
      gty: 'client-credentials',
    });
    return { response: { access_token: token, token_type: 'Bearer', expires_in: api.tokenLifetime, scope: scopes.join(' ') }, userId: null };
  }

  async exchangeCode(client: Client, params: { code?: string; redirectUri?: string; codeVerifier?: string; resource?: string }): Promise<IssuedTokens> {
    if (!params.code) throw new OAuthError('invalid_request', 'Missing required parameter: code.');
    if (!params.redirectUri) throw new OAuthError('invalid_request', 'Missing required parameter: redirect_uri.');
    const codeHash = sha256Hex(params.code);
    const now = Date.now();
    const invalid = (why: string) => new OAuthError('invalid_grant', why);
    // Consumed first: a code is good for one attempt, whatever its outcome (as in Keycloak). The access
    // token's id is chosen now and stored with the consumption, for a replay to revoke.
    const jti = randomUUID();
    const record = await this.ctx.repos.codes.consume(codeHash, client.clientId, now, { jti, expiresAt: now + ACCESS_TOKEN_LIFETIME_BOUND_MS });
    if (!record) {
      const found = await this.ctx.repos.codes.findByHash(codeHash);
      if (!found || found.clientId !== client.clientId) throw invalid('Invalid authorization code.');
      if (found.consumedAt !== null) {
        // A replayed code means it leaked: what was issued from it is revoked (RFC 6749 §4.1.2).
        await this.ctx.repos.codes.markReplayed(codeHash, now);
        await this.revokeIssuedFrom(found, now);
        throw invalid('The authorization code has already been used.');
      }
      throw invalid('The authorization code has expired.');
    }
    if (record.redirectUri !== params.redirectUri) throw invalid('redirect_uri does not match the one used in the authorization request.');
    // RFC 8707 §2.2: the token request may name the resource again, but not another one.
    if (params.resource !== undefined && params.resource !== record.audience) throw new OAuthError('invalid_target', 'The resource differs from the one authorized.');
    if (record.codeChallenge !== null) {
      if (!params.codeVerifier) throw invalid('Missing code_verifier: this code was issued with a PKCE challenge.');
      if (!verifyPkce(params.codeVerifier, record.codeChallenge)) throw invalid('The code_verifier does not match the code_challenge.');
    } else if (params.codeVerifier !== undefined) {
      // A verifier for a code issued without a challenge signals a downgrade attempt (RFC 9700 §4.8.2).
      throw invalid('code_verifier was sent, but the authorization request had no code_challenge.');
    }

    const { response } = await issueUserTokens(this.ctx, {
      client,
      userId: record.userId,
      audience: record.audience,
      scopes: record.scopes,
      authTime: record.authTime,
      nonce: record.nonce,
      claims: record.claims,
      grantId: record.grantId,
      gty: 'authorization_code',
      jti,
    });
    if (refreshTokenAllowed(client, record.scopes)) {
      // Issued from this code (record.codeHash): a replay of the code revokes it.
      response.refresh_token = await this.refreshTokens.issue({ ...record, client });
      // Two exchanges at once: the other one marked the code replayed, maybe before our refresh token
      // existed. (The access token needs no such check: its id was stored when the code was consumed.)
      if (await this.ctx.repos.codes.wasReplayed(codeHash)) {
        await this.revokeIssuedFrom({ codeHash, issuedAccessToken: record.issuedAccessToken }, Date.now());
        throw invalid('The authorization code was presented twice; everything issued from it is revoked.');
      }
    }
    return { response, userId: record.userId };
  }

  private async revokeIssuedFrom(code: Pick<AuthorizationCode, 'codeHash' | 'issuedAccessToken'>, at: number): Promise<void> {
    await this.ctx.repos.refreshTokens.revokeIssuedFromCode(code.codeHash, at);
    if (code.issuedAccessToken) await this.ctx.repos.revokedAccessTokens.revoke(code.issuedAccessToken.jti, code.issuedAccessToken.expiresAt);
  }
}
