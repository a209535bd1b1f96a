/**
 * The resource owner password grants: `password` (the default connection) and Auth0's
 * `http://auth0.com/oauth/grant-type/password-realm` (the connection named by `realm`). The user hands
 * their password to the client, which the seeds treat as full consent: no dialog, no grant recorded.
 */
import type { AuthContext } from '../context.js';
import type { Client } from '../domain/clients.js';
import type { RequestInfo } from '../domain/logEvents.js';
import { OAuthError, TooManyAttemptsError } from '../domain/errors.js';
import { grantableScopes } from '../domain/scopeCatalog.js';
import { parseScope } from '../domain/scopes.js';
import { DEFAULT_CONNECTION_NAME } from '../domain/users.js';
import { userinfoAudience } from '../domain/claims.js';
import { scopesWithinUserAccess } from './apiAccess.js';
import type { LoginService } from './loginService.js';
import { refreshTokenAllowed, type RefreshTokenService } from './refreshTokenService.js';
import { issueUserTokens, type IssuedTokens } from './userTokens.js';

export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

export interface PasswordGrantParams {
  username?: string;
  password?: string;
  scope?: string;
  audience?: string;
  /** Set when the API was named with RFC 8707's `resource`. */
  resource?: string;
  realm?: string;
}

export class PasswordGrantService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly login: LoginService,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  async exchange(client: Client, grantType: 'password' | typeof PASSWORD_REALM_GRANT, params: PasswordGrantParams, request?: RequestInfo): Promise<IssuedTokens> {
    if (!params.username || !params.password) throw new OAuthError('invalid_request', 'Missing required parameters: username and password.');
    let connection = DEFAULT_CONNECTION_NAME;
    if (grantType === PASSWORD_REALM_GRANT) {
      if (!params.realm) throw new OAuthError('invalid_request', 'Missing required parameter: realm.');
      if (!(await this.ctx.repos.connections.findByName(params.realm))) throw new OAuthError('invalid_request', `Unknown realm: ${params.realm}.`);
      connection = params.realm;
    }
    const requested = parseScope(params.scope);
    if (requested === null) throw new OAuthError('invalid_scope', 'The scope parameter is malformed.');
    let api = null;
    if (params.audience) {
      api = await this.ctx.repos.resourceServers.findByIdentifier(params.audience);
      if (!api || api.isSystem) throw new OAuthError(params.resource ? 'invalid_target' : 'invalid_request', `Service not found: ${params.audience}`);
    }

    const result = await this.login.login(client.clientId, params.username, params.password, connection, request);
    if (!result.ok) {
      if (result.reason === 'connection_not_enabled') throw new OAuthError('unauthorized_client', result.message);
      if (result.reason === 'blocked') throw new OAuthError('invalid_grant', 'user is blocked');
      if (result.reason === 'too_many_attempts') throw new TooManyAttemptsError(result.message, result.retryAfterSeconds ?? 60);
      throw new OAuthError('invalid_grant', 'Wrong email or password.');
    }
    const { user } = result;
    const grantable = grantableScopes(requested, api, client);
    const scopes = api ? await scopesWithinUserAccess(this.ctx, client, api, grantable) : grantable;
    const audience = api?.identifier ?? userinfoAudience(this.ctx.options.issuer);
    const { response } = await issueUserTokens(this.ctx, {
      client,
      userId: user.sub,
      audience,
      scopes,
      authTime: user.authTime,
      nonce: null,
      claims: user.claims,
      grantId: null,
      gty: 'password',
    });
    if (refreshTokenAllowed(client, scopes)) {
      response.refresh_token = await this.refreshTokens.issue({
        client,
        userId: user.sub,
        grantId: null,
        codeHash: null,
        audience,
        scopes,
        authTime: user.authTime,
        claims: user.claims,
      });
    }
    return { response, userId: user.sub };
  }
}
