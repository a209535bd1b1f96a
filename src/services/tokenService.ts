/** The token endpoint's grants. This file holds authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.6). */
import type { AuthContext } from '../context.js';
import { isPublicClient, type Client } from '../domain/clients.js';
import { intersectScopes, parseScope } from '../domain/scopes.js';
import { OAuthError } from '../domain/errors.js';
import { verifyPkce } from '../domain/pkce.js';
import { sha256Hex } from './ids.js';
import { userinfoAudience } from './authorizeService.js';

export interface TokenResponse {
  access_token: string;
  id_token?: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

export const USERINFO_TOKEN_LIFETIME = 86400;

export class TokenService {
  constructor(private readonly ctx: AuthContext) {}

  /**
   * client_credentials (RFC 6749 §4.4): a confidential client gets a token for an API only through a
   * client grant, and only with the scopes of that grant.
   */
  async clientCredentials(client: Client, params: { audience?: string; scope?: string }): Promise<TokenResponse> {
    if (isPublicClient(client) || !client.grantTypes.includes('client_credentials')) {
      throw new OAuthError('unauthorized_client', 'The client is not allowed to use the client_credentials grant.');
    }
    if (!params.audience) throw new OAuthError('invalid_request', 'Missing required parameter: audience.');
    const requested = parseScope(params.scope);
    if (requested === null) throw new OAuthError('invalid_scope', 'The scope parameter is malformed.');
    const api = await this.ctx.repos.resourceServers.findByIdentifier(params.audience);
    if (!api) throw new OAuthError('access_denied', `Service not found: ${params.audience}`, 403);
    const grant = await this.ctx.repos.clientGrants.find(client.clientId, api.identifier);
    if (!grant) {
      throw new OAuthError('access_denied', `Client is not authorized to access "${api.identifier}". You need to create a "client-grant" associated to this API.`, 403);
    }
    const scopes = requested.length > 0 ? intersectScopes(requested, grant.scopes) : grant.scopes;
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
    return { access_token: token, token_type: 'Bearer', expires_in: api.tokenLifetime, scope: scopes.join(' ') };
  }

  async exchangeCode(client: Client, params: { code?: string; redirectUri?: string; codeVerifier?: string }): Promise<TokenResponse> {
    if (!client.grantTypes.includes('authorization_code')) {
      throw new OAuthError('unauthorized_client', 'The client is not allowed to use the authorization_code grant.');
    }
    if (!params.code) throw new OAuthError('invalid_request', 'Missing required parameter: code.');
    if (!params.redirectUri) throw new OAuthError('invalid_request', 'Missing required parameter: redirect_uri.');
    const codeHash = sha256Hex(params.code);
    const record = await this.ctx.repos.codes.findByHash(codeHash);
    const invalid = (why: string) => new OAuthError('invalid_grant', why);
    if (!record || record.clientId !== client.clientId) throw invalid('Invalid authorization code.');
    if (record.consumedAt !== null) throw invalid('The authorization code has already been used.');
    if (record.expiresAt <= Date.now()) throw invalid('The authorization code has expired.');
    if (record.redirectUri !== params.redirectUri) throw invalid('redirect_uri does not match the one used in the authorization request.');
    if (record.codeChallenge !== null) {
      if (!params.codeVerifier) throw invalid('Missing code_verifier: this code was issued with a PKCE challenge.');
      if (!verifyPkce(params.codeVerifier, record.codeChallenge)) throw invalid('The code_verifier does not match the code_challenge.');
    } else if (params.codeVerifier !== undefined) {
      // A verifier for a code issued without a challenge signals a downgrade attempt (RFC 9700 §4.8.2).
      throw invalid('code_verifier was sent, but the authorization request had no code_challenge.');
    }
    if (!(await this.ctx.repos.codes.consume(codeHash, Date.now()))) throw invalid('The authorization code has already been used.');

    const issuer = this.ctx.options.issuer;
    const userinfo = userinfoAudience(issuer);
    const api = record.audience === userinfo ? null : await this.ctx.repos.resourceServers.findByIdentifier(record.audience);
    const withOpenId = record.scopes.includes('openid');
    const audience = api ? (withOpenId ? [api.identifier, userinfo] : api.identifier) : userinfo;
    const lifetime = api?.tokenLifetime ?? USERINFO_TOKEN_LIFETIME;
    const { token: accessToken } = await this.ctx.signer.accessToken({
      subject: record.userId,
      clientId: client.clientId,
      audience,
      scopes: record.scopes,
      lifetimeSeconds: lifetime,
      grantId: record.grantId,
    });
    const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: lifetime, scope: record.scopes.join(' ') };
    if (withOpenId) {
      response.id_token = await this.ctx.signer.idToken({
        client,
        subject: record.userId,
        nonce: record.nonce,
        authTime: record.authTime,
        accessToken,
        claims: record.claims,
      });
    }
    return response;
  }
}
