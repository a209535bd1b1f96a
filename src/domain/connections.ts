/**
 * Connections, the sources of users (Auth0's vocabulary): the database connection (strategy `auth0`)
 * and OpenID Connect providers upstream (strategy `oidc`), each with Auth0's `options` object.
 */
import { createHash } from 'node:crypto';

export const CONNECTION_STRATEGIES = ['auth0', 'oidc'] as const;
export type ConnectionStrategy = (typeof CONNECTION_STRATEGIES)[number];

/** The database connection's options this server acts on. */
export interface DatabaseConnectionOptions {
  /** Auth0's `disable_signup`: no one may create an account themselves (the Management API still may). */
  disable_signup?: boolean;
}

/** Auth0's `type`: back_channel exchanges the code at the token endpoint with the client secret. */
export type OidcChannel = 'front_channel' | 'back_channel';

export interface OidcConnectionOptions {
  type: OidcChannel;
  /** The provider's issuer identifier; discovery is read from `discovery_url`, or from the issuer's well-known document. */
  issuer: string | null;
  discovery_url: string | null;
  client_id: string;
  /** The plain secret in memory; sealed at rest (src/store/secretCipher.ts) and never returned by the API. */
  client_secret: string | null;
  scope: string;
}

export type ConnectionOptions = DatabaseConnectionOptions | OidcConnectionOptions;

interface ConnectionBase {
  id: string;
  name: string;
  /** Auth0's `display_name`: what the login page's button says; the name when null. */
  displayName: string | null;
  createdAt: number;
}

export type Connection =
  | (ConnectionBase & { strategy: 'auth0'; options: DatabaseConnectionOptions })
  | (ConnectionBase & { strategy: 'oidc'; options: OidcConnectionOptions });

export type OidcConnection = Extract<Connection, { strategy: 'oidc' }>;

export function isOidcConnection(connection: Connection): connection is OidcConnection {
  return connection.strategy === 'oidc';
}

/** `openid` is what makes it OpenID Connect; Auth0's default scope is `openid profile email`. */
export const DEFAULT_OIDC_SCOPE = 'openid profile email';

export function withOpenidScope(scope: string): string {
  const scopes = scope.split(' ').filter(Boolean);
  return (scopes.includes('openid') ? scopes : ['openid', ...scopes]).join(' ');
}

/**
 * The stored id of an upstream user, derived from their public id: the same person always lands on the
 * same row, and the public id (up to 700 characters) need not fit the id column.
 */
export function upstreamUserId(subject: string): string {
  return `oidc_${createHash('sha256').update(subject, 'utf8').digest('base64url')}`;
}

/** Auth0's user_id for a user of an OIDC connection. */
export function upstreamSubject(connectionName: string, sub: string): string {
  return `oidc|${connectionName}|${sub}`;
}

/** What the login page's button says. */
export function connectionLabel(connection: Pick<Connection, 'name' | 'displayName'>): string {
  return connection.displayName ?? connection.name;
}

/**
 * The Auth0 database options we accept and do not act on (password policy, custom scripts, …): sent
 * back as they came from Auth0 they pass; we do not store them.
 */
export const IGNORED_DATABASE_OPTIONS = [
  'validation', 'passwordPolicy', 'password_complexity_options', 'password_history', 'password_no_personal_info',
  'password_dictionary', 'enabledDatabaseCustomization', 'import_mode', 'customScripts', 'configuration',
  'brute_force_protection', 'requires_username', 'non_persistent_attrs', 'set_user_root_attributes', 'precedence',
  'attributes', 'authentication_methods', 'passkey_options', 'disable_self_service_change_password', 'mfa',
  'gateway_authentication', 'upstream_params', 'realm_fallback', 'strategy_version', 'password_options',
] as const;

/** The Auth0 OIDC options we accept and do not act on. */
export const IGNORED_OIDC_OPTIONS = [
  'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'oidc_metadata', 'domain_aliases',
  'tenant_domain', 'icon_url', 'set_user_root_attributes', 'non_persistent_attrs', 'upstream_params', 'connection_settings',
  'attribute_map', 'federated_connections_access_tokens', 'send_back_channel_nonce', 'token_endpoint_auth_method',
  'token_endpoint_auth_signing_alg', 'id_token_signed_response_algs', 'dpop_signing_alg', 'schema_version',
  'id_token_session_expiry_supported', 'enable_pushed_authorization_requests', 'pushed_authorization_request_endpoint',
  'useOauthSpecScope', 'strategy_version',
] as const;

/** The connection named in an upstream user's public id (`oidc|<connection>|<sub>`), else null. */
export function connectionOfSubject(subject: string | null | undefined): string | null {
  const match = subject ? /^oidc\|([^|]+)\|/.exec(subject) : null;
  return match?.[1] ?? null;
}

/** Auth0's identity of a user: the provider and the id there (`<sub>` for an OIDC connection's user). */
export function upstreamIdentity(user: { id: string; subject?: string | null }): { provider: string; user_id: string } {
  const upstream = user.subject ? /^oidc\|[^|]+\|(.+)$/.exec(user.subject) : null;
  return upstream?.[1] ? { provider: 'oidc', user_id: upstream[1] } : { provider: 'auth0', user_id: user.id };
}
