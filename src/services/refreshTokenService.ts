/**
 * Refresh tokens (RFC 6749 §6, RFC 9700 §4.14): stored as hashes, rotated on every use; presenting a
 * token that was already rotated revokes its whole family, since one of the two holders is a thief.
 */
import type { AuthContext } from '../context.js';
import type { Client } from '../domain/clients.js';
import { OAuthError } from '../domain/errors.js';
import { intersectScopes, parseScope } from '../domain/scopes.js';
import { newId, randomToken, sha256Hex } from './ids.js';
import { issueUserTokens, type IssuedTokens } from './userTokens.js';
import type { RefreshToken } from '../store/refreshTokensRepository.js';

/** Whose token it is and what it carries; the rest (hash, family, lifetimes) is decided here. */
export type NewRefreshToken = Pick<RefreshToken, 'userId' | 'grantId' | 'codeHash' | 'audience' | 'scopes' | 'authTime' | 'claims'> & { client: Client };

/** offline_access granted, and the client may use refresh tokens (the API's permission was checked at /authorize). */
export function refreshTokenAllowed(client: Client, scopes: readonly string[]): boolean {
  return scopes.includes('offline_access') && client.grantTypes.includes('refresh_token');
}

export class RefreshTokenService {
  constructor(private readonly ctx: AuthContext) {}

  async issue(input: NewRefreshToken, family?: { familyId: string; expiresAt: number }): Promise<string> {
    const { token, record } = this.create(input, family);
    await this.ctx.repos.refreshTokens.insert(record);
    return token;
  }

  /** A new token and the record that stores it (by hash), not yet written. */
  private create(input: NewRefreshToken, family?: { familyId: string; expiresAt: number }): { token: string; record: RefreshToken } {
    const token = randomToken(32);
    const now = Date.now();
    const { refreshTokenIdleSeconds, refreshTokenAbsoluteSeconds } = this.ctx.options;
    const expiresAt = family?.expiresAt ?? now + refreshTokenAbsoluteSeconds * 1000;
    const record: RefreshToken = {
      id: newId('rt'),
      tokenHash: sha256Hex(token),
      familyId: family?.familyId ?? newId('rtf'),
      clientId: input.client.clientId,
      userId: input.userId,
      grantId: input.grantId,
      codeHash: input.codeHash,
      audience: input.audience,
      scopes: input.scopes,
      authTime: input.authTime,
      claims: input.claims,
      createdAt: now,
      expiresAt,
      idleExpiresAt: Math.min(expiresAt, now + refreshTokenIdleSeconds * 1000),
      rotatedAt: null,
      revokedAt: null,
    };
    return { token, record };
  }

  async refresh(client: Client, params: { refreshToken?: string; scope?: string; resource?: string }): Promise<IssuedTokens> {
    if (!params.refreshToken) throw new OAuthError('invalid_request', 'Missing required parameter: refresh_token.');
    const invalid = (why: string) => new OAuthError('invalid_grant', why);
    const stored = await this.ctx.repos.refreshTokens.findByHash(sha256Hex(params.refreshToken));
    if (!stored || stored.clientId !== client.clientId) throw invalid('Unknown or invalid refresh token.');
    const now = Date.now();
    if (stored.revokedAt !== null) throw invalid('The refresh token has been revoked.');
    if (stored.rotatedAt !== null) {
      await this.ctx.repos.refreshTokens.revokeFamily(stored.familyId, now);
      throw invalid('The refresh token was already used; every token of its family is now revoked.');
    }
    if (stored.expiresAt <= now || stored.idleExpiresAt <= now) throw invalid('The refresh token has expired.');

    // One API per token: a refresh may name its resource again (RFC 8707 §2.2), never another.
    if (params.resource !== undefined && params.resource !== stored.audience) throw new OAuthError('invalid_target', 'The resource differs from the one authorized.');
    const requested = parseScope(params.scope);
    if (requested === null) throw new OAuthError('invalid_scope', 'The scope parameter is malformed.');
    if (requested.some((s) => !stored.scopes.includes(s))) {
      throw new OAuthError('invalid_scope', 'A refresh can narrow the scopes, never widen them.');
    }
    const scopes = requested.length > 0 ? intersectScopes(stored.scopes, requested) : stored.scopes;

    const { response } = await issueUserTokens(this.ctx, {
      client,
      userId: stored.userId,
      audience: stored.audience,
      scopes,
      authTime: stored.authTime,
      nonce: null,
      claims: stored.claims,
      grantId: stored.grantId,
      gty: 'refresh_token',
    });
    // The new token keeps the family's full scopes and absolute end, whatever this refresh narrowed.
    const next = this.create({ ...stored, client }, { familyId: stored.familyId, expiresAt: stored.expiresAt });
    // The successor is stored first and the old token used up second, so a failed write leaves the
    // old token usable; no transaction needed. A successor whose rotation loses is in the family
    // that the loss revokes.
    await this.ctx.repos.refreshTokens.insert(next.record);
    if (!(await this.ctx.repos.refreshTokens.markRotated(stored.id, now))) {
      // A concurrent refresh won: two holders of one token, so the family ends.
      await this.ctx.repos.refreshTokens.revokeFamily(stored.familyId, now);
      throw invalid('The refresh token was already used; every token of its family is now revoked.');
    }
    response.refresh_token = next.token;
    return { response, userId: stored.userId };
  }

  /** RFC 7009: revoking a refresh token ends its family. Unknown tokens and other clients' tokens change nothing. */
  async revoke(client: Client, token: string): Promise<void> {
    const stored = await this.ctx.repos.refreshTokens.findByHash(sha256Hex(token));
    if (stored && stored.clientId === client.clientId) await this.ctx.repos.refreshTokens.revokeFamily(stored.familyId, Date.now());
  }
}

