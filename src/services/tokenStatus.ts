/**
 * Whether an access token this server issued still stands: signature, issuer, expiry, and then what
 * a self-contained JWT cannot know by itself — revoked (RFC 7009), its client deleted, its user blocked
 * or deleted, the grant it was issued under revoked. Every endpoint of ours that accepts access tokens
 * asks here, and so does introspection (RFC 7662) for resource servers.
 */
import type { JWTPayload } from 'jose';
import type { AuthContext } from '../context.js';
import { verifyAccessToken } from '../tokens/accessTokenVerifier.js';
import { isActiveSubject } from './authorization/activeUsers.js';

export type AccessTokenState = { active: true; payload: JWTPayload } | { active: false; reason: string };

export class AccessTokenStatus {
  constructor(private readonly ctx: AuthContext) {}

  async check(token: string, audience?: string): Promise<AccessTokenState> {
    let payload: JWTPayload;
    try {
      payload = await verifyAccessToken(this.ctx.keys, token, this.ctx.options.issuer, audience);
    } catch {
      return { active: false, reason: 'The access token is invalid or expired.' };
    }
    return this.stillStanding(payload);
  }

  private async stillStanding(payload: JWTPayload): Promise<AccessTokenState> {
    const inactive = (reason: string): AccessTokenState => ({ active: false, reason });
    if (typeof payload.jti === 'string' && (await this.ctx.repos.revokedAccessTokens.isRevoked(payload.jti))) return inactive('The access token was revoked.');
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : '';
    if (!(await this.ctx.repos.clients.findById(clientId))) return inactive('The application no longer exists.');
    const sub = String(payload.sub ?? '');
    if (payload.gty !== 'client-credentials' && !(await isActiveSubject(this.ctx, sub))) return inactive('The user is blocked or no longer exists.');
    if (typeof payload.grant_id === 'string' && !(await this.ctx.repos.grants.findById(payload.grant_id))) return inactive('The user revoked the access of this application.');
    return { active: true, payload };
  }
}
