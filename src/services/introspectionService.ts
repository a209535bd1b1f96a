/**
 * Token introspection (RFC 7662) for resource servers, and revocation of access tokens (RFC 7009 §2):
 * the answer a resource server gets here reflects revocations at once, unlike a self-contained JWT.
 */
import type { AuthContext } from '../context.js';
import type { Client } from '../domain/clients.js';
import { sha256Hex } from './ids.js';
import { isActiveSubject } from './authorization/activeUsers.js';
import type { AccessTokenStatus } from './tokenStatus.js';
import { verifyAccessToken } from '../tokens/accessTokenVerifier.js';

const INACTIVE = { active: false } as const;

export class IntrospectionService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly status: AccessTokenStatus,
  ) {}

  /** Access tokens of any client (a resource server asks about tokens sent to it); refresh tokens of the caller only. */
  async introspect(caller: Client, token: string): Promise<Record<string, unknown>> {
    if (looksLikeJwt(token)) {
      const state = await this.status.check(token);
      if (!state.active) return INACTIVE;
      const { payload } = state;
      return {
        active: true,
        token_type: 'Bearer',
        scope: payload.scope,
        client_id: payload.client_id,
        sub: payload.sub,
        aud: payload.aud,
        iss: payload.iss,
        exp: payload.exp,
        iat: payload.iat,
        jti: payload.jti,
        ...(payload.gty ? { gty: payload.gty } : {}),
      };
    }
    const stored = await this.ctx.repos.refreshTokens.findByHash(sha256Hex(token));
    const now = Date.now();
    if (!stored || stored.clientId !== caller.clientId || stored.revokedAt !== null || stored.rotatedAt !== null) return INACTIVE;
    if (stored.expiresAt <= now || stored.idleExpiresAt <= now || !(await isActiveSubject(this.ctx, stored.userId))) return INACTIVE;
    return {
      active: true,
      token_type: 'refresh_token',
      scope: stored.scopes.join(' '),
      client_id: stored.clientId,
      sub: stored.userId,
      aud: stored.audience,
      iss: this.ctx.options.issuer,
      exp: Math.floor(Math.min(stored.expiresAt, stored.idleExpiresAt) / 1000),
      iat: Math.floor(stored.createdAt / 1000),
    };
  }

  /** An access token of this client, revoked until it would have expired; anything else changes nothing. */
  async revokeAccessToken(caller: Client, token: string): Promise<boolean> {
    if (!looksLikeJwt(token)) return false;
    try {
      const payload = await verifyAccessToken(this.ctx.keys, token, this.ctx.options.issuer);
      if (payload.client_id !== caller.clientId || typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return true;
      await this.ctx.repos.revokedAccessTokens.revoke(payload.jti, payload.exp * 1000);
    } catch {
      // An invalid or expired token is already as good as revoked (RFC 7009 §2.2: still a 200).
    }
    return true;
  }
}

function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}
