/** The token endpoint's grants, one handler each, keyed by grant_type (a Map: no prototype lookups). */
import type { Client, GrantType } from '../domain/clients.js';
import type { RequestInfo } from '../domain/logEvents.js';
import { PASSWORD_REALM_GRANT, type PasswordGrantService } from './passwordGrantService.js';
import type { IssuedTokens, TokenService } from './tokenService.js';

export type GrantParams = Record<string, string | undefined>;
export type GrantHandler = (client: Client, params: GrantParams, request: RequestInfo) => Promise<IssuedTokens>;

export const GRANT_TYPES_SUPPORTED = ['authorization_code', 'refresh_token', 'client_credentials', 'password', PASSWORD_REALM_GRANT] as const satisfies readonly GrantType[];

export function grantHandlers(tokens: TokenService, passwords: PasswordGrantService): ReadonlyMap<string, GrantHandler> {
  const handlers: [(typeof GRANT_TYPES_SUPPORTED)[number], GrantHandler][] = [
    ['authorization_code', (client, p) => tokens.exchangeCode(client, { code: p.code, redirectUri: p.redirect_uri, codeVerifier: p.code_verifier, resource: p.resource })],
    ['refresh_token', (client, p) => tokens.refreshTokens.refresh(client, { refreshToken: p.refresh_token, scope: p.scope, resource: p.resource })],
    ['client_credentials', (client, p) => tokens.clientCredentials(client, { audience: p.audience, resource: p.resource, scope: p.scope })],
    ['password', (client, p, request) => passwords.exchange(client, 'password', p, request)],
    [PASSWORD_REALM_GRANT, (client, p, request) => passwords.exchange(client, PASSWORD_REALM_GRANT, p, request)],
  ];
  return new Map(handlers);
}
