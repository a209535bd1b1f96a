/** The claims /userinfo releases (OIDC Core §5.3) for an access token that still stands. */
import type { AuthContext } from '../context.js';
import { releasedClaims, userinfoAudience } from '../domain/claims.js';
import type { Client } from '../domain/clients.js';
import type { AccessTokenStatus } from './tokenStatus.js';
import { storedUserId } from './userService.js';

export type UserinfoAnswer =
  | { kind: 'claims'; client: Client | null; claims: Record<string, unknown> }
  | { kind: 'invalid_token'; description: string }
  | { kind: 'insufficient_scope'; client: Client | null };

export class UserinfoService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly status: AccessTokenStatus,
  ) {}

  async answer(token: string): Promise<UserinfoAnswer> {
    const state = await this.status.check(token, userinfoAudience(this.ctx.options.issuer));
    if (!state.active) return { kind: 'invalid_token', description: state.reason };
    const { payload } = state;
    const client = await this.ctx.repos.clients.findById(String(payload.client_id ?? ''));
    const scopes = String(payload.scope ?? '').split(' ');
    if (!scopes.includes('openid')) return { kind: 'insufficient_scope', client };
    const sub = String(payload.sub);
    const id = storedUserId(sub);
    const user = id === null ? null : await this.ctx.repos.users.findById(id);
    const profile = user
      ? { name: user.name, nickname: user.nickname, picture: user.picture, updated_at: Math.floor(user.updatedAt / 1000), email: user.email, email_verified: user.emailVerified }
      : {};
    return { kind: 'claims', client, claims: { sub, ...releasedClaims(profile, scopes) } };
  }
}
