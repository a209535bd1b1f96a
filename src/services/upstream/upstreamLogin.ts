/**
 * Signing in through an upstream OpenID provider (an OIDC connection): the authorization code flow
 * with PKCE, state and nonce through openid-client; the person becomes (or stays) the user
 * `oidc|<connection>|<sub>`, their profile following the provider's at each sign-in, as in Auth0.
 */
import * as oidc from 'openid-client';
import type { AuthContext } from '../../context.js';
import type { SessionUser } from '../../domain/claims.js';
import { connectionLabel, isOidcConnection, upstreamSubject, upstreamUserId, withOpenidScope, type Connection, type OidcConnection } from '../../domain/connections.js';
import type { OAuthErrorCode } from '../../domain/errors.js';
import type { RequestInfo } from '../../domain/logEvents.js';
import { mapUpstreamClaims, type UpstreamProfile } from '../../domain/upstreamProfile.js';
import { sessionUserOf, type User } from '../../domain/users.js';
import { ProviderConfigurations, ProviderUnavailableError } from './providerConfigurations.js';

/** What must come back unchanged from the provider: kept in our session, never sent to the browser except `state`. */
export interface PendingUpstreamLogin {
  transactionId: string;
  connectionId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** The OAuth error the client hears when the sign-in cannot be completed. */
export interface UpstreamFailure {
  ok: false;
  error: Extract<OAuthErrorCode, 'access_denied' | 'invalid_request' | 'server_error'>;
  description: string;
}

export type UpstreamStart = { ok: true; url: string; pending: PendingUpstreamLogin } | UpstreamFailure;
export type UpstreamResult = { ok: true; user: SessionUser } | UpstreamFailure;

export interface UpstreamButton {
  connection: string;
  label: string;
}

const failure = (error: UpstreamFailure['error'], description: string): UpstreamFailure => ({ ok: false, error, description });
const MAX_CONNECTION_NAME = 128;

export class UpstreamLoginService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly configs = new ProviderConfigurations(),
  ) {}

  /** The login page's "Continue with …" buttons: the client's enabled OIDC connections. */
  async buttons(clientId: string): Promise<UpstreamButton[]> {
    const connections = await this.ctx.repos.connections.enabledForClient(clientId, 'oidc');
    return connections.map((c) => ({ connection: c.name, label: connectionLabel(c) }));
  }

  /** The strategy of the connection `connection=` names, or null: a database connection's login page is ours. */
  async strategyOf(name: unknown): Promise<Connection['strategy'] | null> {
    if (typeof name !== 'string' || name === '' || name.length > MAX_CONNECTION_NAME) return null;
    return (await this.ctx.repos.connections.findByName(name))?.strategy ?? null;
  }

  private async enabledConnection(clientId: string, name: unknown): Promise<OidcConnection | null> {
    if (typeof name !== 'string' || name === '' || name.length > MAX_CONNECTION_NAME) return null;
    const connection = await this.ctx.repos.connections.findByName(name);
    if (!connection || !isOidcConnection(connection)) return null;
    return (await this.ctx.repos.connections.isClientEnabled(connection.id, clientId)) ? connection : null;
  }

  /** The provider's authorization URL for this transaction, and what its answer must match. */
  async begin(transactionId: string, clientId: string, connectionName: unknown, callbackUrl: string, loginHint: string | null): Promise<UpstreamStart> {
    const connection = await this.enabledConnection(clientId, connectionName);
    if (!connection) return failure('invalid_request', 'The connection is not enabled for this application.');
    let config: oidc.Configuration;
    try {
      config = await this.configs.get(connection);
    } catch (err) {
      if (!(err instanceof ProviderUnavailableError)) throw err;
      await this.ctx.audit.record('f', { clientId, connection: connection.name, description: err.message });
      return failure('server_error', `The identity provider ${connectionLabel(connection)} cannot be reached.`);
    }
    const pending: PendingUpstreamLogin = {
      transactionId,
      connectionId: connection.id,
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    const params: Record<string, string> = {
      redirect_uri: callbackUrl,
      response_type: 'code',
      scope: withOpenidScope(connection.options.scope),
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
    };
    if (loginHint) params.login_hint = loginHint;
    return { ok: true, url: oidc.buildAuthorizationUrl(config, params).href, pending };
  }

  /** The provider's answer at our callback (`currentUrl`, query included): the signed-in user, or why not. */
  async complete(pending: PendingUpstreamLogin, clientId: string, currentUrl: URL, request: RequestInfo): Promise<UpstreamResult> {
    const connection = await this.ctx.repos.connections.findById(pending.connectionId);
    if (!connection || !isOidcConnection(connection) || !(await this.ctx.repos.connections.isClientEnabled(connection.id, clientId))) {
      return failure('invalid_request', 'The connection is not enabled for this application.');
    }
    const fail = async (error: UpstreamFailure['error'], description: string, logged: string, user?: UpstreamProfile): Promise<UpstreamFailure> => {
      const userId = user ? upstreamSubject(connection.name, user.sub) : null;
      await this.ctx.audit.record('f', { clientId, connection: connection.name, userId, userName: user?.email ?? null, description: logged }, request);
      return failure(error, description);
    };
    const upstreamError = currentUrl.searchParams.get('error');
    if (upstreamError !== null) {
      const said = currentUrl.searchParams.get('error_description')?.slice(0, 300) ?? upstreamError.slice(0, 100);
      const error = upstreamError === 'access_denied' ? 'access_denied' : 'server_error';
      return fail(error, `The identity provider refused the sign-in: ${said}`, `${connection.name}: ${upstreamError.slice(0, 100)} (${said})`);
    }
    let claims: Record<string, unknown>;
    try {
      const config = await this.configs.get(connection);
      const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const idClaims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
      claims = { ...idClaims, ...(await this.userinfo(config, tokens.access_token, String(idClaims.sub))), sub: idClaims.sub };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return fail('server_error', `The sign-in with ${connectionLabel(connection)} could not be completed.`, `${connection.name}: ${why.slice(0, 300)}`);
    }
    const profile = mapUpstreamClaims(claims);
    if (profile === 'no_subject') return fail('access_denied', 'The identity provider did not identify the user.', 'the ID token has no usable sub');
    if (profile === 'no_email') return fail('access_denied', 'The identity provider did not share an email address.', 'the provider shared no email address');
    const user = await this.storeUser(connection, profile);
    if (user === 'email_taken') return fail('access_denied', 'Another user of this connection has this email address.', 'the email address belongs to another user of the connection', profile);
    if (user.blocked) return fail('access_denied', 'user is blocked', 'user is blocked', profile);
    const now = Date.now();
    await this.ctx.repos.users.recordLogin(user.id, now);
    const signedIn = sessionUserOf(user, now);
    // given_name and family_name have no column: the tokens of this session carry them.
    if (profile.givenName) signedIn.claims.given_name = profile.givenName;
    if (profile.familyName) signedIn.claims.family_name = profile.familyName;
    return { ok: true, user: signedIn };
  }

  /** Userinfo completes the ID token's claims (many providers put the profile only there); it is optional. */
  private async userinfo(config: oidc.Configuration, accessToken: string, sub: string): Promise<Record<string, unknown>> {
    if (!config.serverMetadata().userinfo_endpoint || !accessToken) return {};
    try {
      return { ...(await oidc.fetchUserInfo(config, accessToken, sub)) };
    } catch {
      return {};
    }
  }

  /** Creates the user at the first sign-in; afterwards the provider's profile replaces ours (Auth0's on_each_login). */
  private async storeUser(connection: OidcConnection, profile: UpstreamProfile): Promise<User | 'email_taken'> {
    const subject = upstreamSubject(connection.name, profile.sub);
    const id = upstreamUserId(subject);
    const fields = { email: profile.email, emailVerified: profile.emailVerified, name: profile.name, nickname: profile.nickname, picture: profile.picture };
    const existing = await this.ctx.repos.users.findById(id);
    const now = Date.now();
    if (existing) {
      const changed = (Object.keys(fields) as (keyof typeof fields)[]).some((key) => existing[key] !== fields[key]);
      if (!changed) return existing;
      const updated = { ...existing, ...fields, updatedAt: now };
      const holder = await this.ctx.repos.users.findByEmail(connection.id, profile.email);
      if (holder && holder.id !== id) return 'email_taken';
      await this.ctx.repos.users.update(updated);
      return updated;
    }
    const user: User = { id, connectionId: connection.id, subject, passwordHash: '', blocked: false, lastLogin: null, loginsCount: 0, createdAt: now, updatedAt: now, ...fields };
    // Another sign-in of the same person may store them first (on PostgreSQL a conflict on the id is an
    // error, not an ignored row); else an unstored user means the email is another user's.
    const stored = await this.ctx.repos.users.insertIfAbsent(user).catch(() => false);
    if (stored) return user;
    return (await this.ctx.repos.users.findById(id)) ?? 'email_taken';
  }
}
