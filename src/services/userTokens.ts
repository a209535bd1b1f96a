/** The tokens a user-facing grant returns: an access token for the audience, and an ID token with openid. */
import type { AuthContext } from '../context.js';
import type { Client } from '../domain/clients.js';
import { userinfoAudience } from '../domain/claims.js';

export interface TokenResponse {
  access_token: string;
  id_token?: string;
  refresh_token?: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** What a grant handler hands the token endpoint: the response, and whose it is (null for a client's own token). */
export interface IssuedTokens {
  response: TokenResponse;
  userId: string | null;
}

export const USERINFO_TOKEN_LIFETIME = 86400;

export interface UserTokenInput {
  client: Client;
  userId: string;
  /** The API identifier, or the userinfo audience when the request named no API. */
  audience: string;
  scopes: string[];
  authTime: number;
  nonce: string | null;
  claims: Record<string, unknown>;
  grantId: string | null;
  gty: string;
  /** Default true when openid is in the scopes. */
  idToken?: boolean;
  /** Front channel: whether the access token is returned beside the ID token (for at_hash). Default true. */
  accessTokenInResponse?: boolean;
  /** Hybrid flows: the code returned beside the ID token (for c_hash). */
  code?: string | null;
  /** The access token's id, when the caller stored it beforehand. */
  jti?: string;
}

/** The tokens, and the access token's id and expiry, so that a replayed code can revoke it. */
export interface IssuedUserTokens {
  response: TokenResponse;
  accessToken: { jti: string; expiresAt: number };
}

export async function issueUserTokens(ctx: AuthContext, input: UserTokenInput): Promise<IssuedUserTokens> {
  const userinfo = userinfoAudience(ctx.options.issuer);
  const api = input.audience === userinfo ? null : await ctx.repos.resourceServers.findByIdentifier(input.audience);
  const withOpenId = input.scopes.includes('openid');
  // As Auth0 does: a token for an API that was asked with openid may also call /userinfo.
  const audience = api ? (withOpenId ? [api.identifier, userinfo] : api.identifier) : userinfo;
  const lifetime = api?.tokenLifetime ?? USERINFO_TOKEN_LIFETIME;
  const { token: accessToken, jti } = await ctx.signer.accessToken({
    subject: input.userId,
    clientId: input.client.clientId,
    audience,
    scopes: input.scopes,
    lifetimeSeconds: lifetime,
    grantId: input.grantId,
    gty: input.gty,
    jti: input.jti,
  });
  const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime, scope: input.scopes.join(' ') };
  if (input.idToken ?? withOpenId) {
    response.id_token = await ctx.signer.idToken({
      client: input.client,
      subject: input.userId,
      nonce: input.nonce,
      authTime: input.authTime,
      accessToken: input.accessTokenInResponse === false ? undefined : accessToken,
      code: input.code ?? undefined,
      claims: input.claims,
    });
  }
  return { response, accessToken: { jti, expiresAt: Date.now() + lifetime * 1000 } };
}
