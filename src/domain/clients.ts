/** Application (client) model and Auth0's rules for app types, parties and defaults. */
import { TIMESTAMP_FIELDS, type FieldSpecs } from './fieldMapping.js';

export const APP_TYPES = ['native', 'spa', 'regular_web', 'non_interactive'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const AUTH_METHODS = ['none', 'client_secret_post', 'client_secret_basic'] as const;
export type TokenEndpointAuthMethod = (typeof AUTH_METHODS)[number];

export const GRANT_TYPES = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
  'password',
  'http://auth0.com/oauth/grant-type/password-realm',
] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

export type IdTokenAlg = 'RS256' | 'HS256';

export interface Client {
  clientId: string;
  clientSecret: string | null;
  name: string;
  description: string;
  logoUri: string | null;
  appType: AppType;
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  isFirstParty: boolean;
  /** Registered through Dynamic Client Registration: third-party forever. */
  isDynamic: boolean;
  callbacks: string[];
  allowedLogoutUrls: string[];
  webOrigins: string[];
  allowedOrigins: string[];
  initiateLoginUri: string | null;
  grantTypes: GrantType[];
  jwtAlg: IdTokenAlg;
  jwtLifetimeInSeconds: number;
  clientMetadata: Record<string, string>;
  /** Third-party clients only (null for first-party): strict is OAuth 2.1 and explicit API grants. Fixed at creation. */
  thirdPartySecurityMode: ThirdPartySecurityMode | null;
  /** open_redirect_protection: a third-party client's errors and Decline end on our page, not at its callback. */
  redirectionPolicy: RedirectionPolicy;
  createdAt: number;
  updatedAt: number;
  /**
   * The stored secret could not be opened (the row was altered, or secretEncryptionKey changed): the
   * client cannot authenticate until its secret is rotated, and nothing else about it is affected.
   */
  secretUnreadable?: true;
}

/**
 * Every stored client field once: its column (and Auth0 name), how it is kept. The secret is not here:
 * it is sealed and opened by the repository (src/store/secretCipher.ts).
 */
export const CLIENT_FIELDS = {
  clientId: { column: 'client_id', codec: 'text', readOnly: true },
  name: { column: 'name', codec: 'text' },
  description: { column: 'description', codec: 'text' },
  logoUri: { column: 'logo_uri', codec: 'optionalText' },
  appType: { column: 'app_type', codec: 'text' },
  tokenEndpointAuthMethod: { column: 'token_endpoint_auth_method', codec: 'text' },
  isFirstParty: { column: 'is_first_party', codec: 'boolean' },
  isDynamic: { column: 'is_dynamic', codec: 'boolean', auth0: 'is_dynamically_registered', readOnly: true },
  callbacks: { column: 'callbacks', codec: 'jsonList' },
  allowedLogoutUrls: { column: 'allowed_logout_urls', codec: 'jsonList' },
  webOrigins: { column: 'web_origins', codec: 'jsonList' },
  allowedOrigins: { column: 'allowed_origins', codec: 'jsonList' },
  initiateLoginUri: { column: 'initiate_login_uri', codec: 'optionalText' },
  grantTypes: { column: 'grant_types', codec: 'jsonList' },
  // Auth0 nests these two in jwt_configuration.
  jwtAlg: { column: 'jwt_alg', codec: 'text', auth0: null },
  jwtLifetimeInSeconds: { column: 'jwt_lifetime_in_seconds', codec: 'integer', auth0: null },
  clientMetadata: { column: 'client_metadata', codec: 'jsonRecord' },
  thirdPartySecurityMode: { column: 'third_party_security_mode', codec: 'optionalText' },
  redirectionPolicy: { column: 'redirection_policy', codec: 'text' },
  ...TIMESTAMP_FIELDS,
} as const satisfies FieldSpecs<Omit<Client, 'clientSecret' | 'secretUnreadable'>>;

export const THIRD_PARTY_SECURITY_MODES = ['strict', 'permissive'] as const;
export type ThirdPartySecurityMode = (typeof THIRD_PARTY_SECURITY_MODES)[number];
export const REDIRECTION_POLICIES = ['allow_always', 'open_redirect_protection'] as const;
export type RedirectionPolicy = (typeof REDIRECTION_POLICIES)[number];

/** Auth0's enhanced security controls for third-party applications: these grants and no others. */
export const STRICT_GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];

export function isStrictThirdParty(client: Pick<Client, 'isFirstParty' | 'thirdPartySecurityMode'>): boolean {
  return !client.isFirstParty && client.thirdPartySecurityMode === 'strict';
}

/** Errors after the redirect URI is trusted, and Decline, go back to the client unless it asked for protection. */
export function redirectsErrors(client: Pick<Client, 'isFirstParty' | 'redirectionPolicy'>): boolean {
  return client.isFirstParty || client.redirectionPolicy === 'allow_always';
}

export function isPublicClient(client: Pick<Client, 'tokenEndpointAuthMethod'>): boolean {
  return client.tokenEndpointAuthMethod === 'none';
}

export function defaultAuthMethod(appType: AppType): TokenEndpointAuthMethod {
  return appType === 'spa' || appType === 'native' ? 'none' : 'client_secret_post';
}

export function defaultGrantTypes(authMethod: TokenEndpointAuthMethod): GrantType[] {
  const interactive: GrantType[] = ['authorization_code', 'implicit', 'refresh_token'];
  return authMethod === 'none' ? interactive : [...interactive, 'client_credentials'];
}

/** Rules every client must satisfy, whoever creates it. Returns a message per broken rule. */
export function clientRuleViolations(
  client: Pick<Client, 'tokenEndpointAuthMethod' | 'grantTypes' | 'jwtAlg' | 'name' | 'callbacks'> & { allowedLogoutUrls?: readonly string[]; thirdPartySecurityMode?: ThirdPartySecurityMode | null },
): string[] {
  const problems: string[] = [];
  const isPublic = isPublicClient(client);
  if (isPublic && client.jwtAlg === 'HS256') {
    problems.push('A public client cannot sign ID tokens with HS256: use RS256.');
  }
  if (isPublic && client.grantTypes.includes('client_credentials')) {
    problems.push('A public client cannot use the client_credentials grant.');
  }
  if (/[<>]/.test(client.name)) problems.push('The name must not contain "<" or ">".');
  if (client.thirdPartySecurityMode === 'strict') {
    const refused = client.grantTypes.filter((g) => !STRICT_GRANT_TYPES.includes(g));
    if (refused.length > 0) problems.push(`A strict third-party client cannot use ${refused.join(', ')} (only ${STRICT_GRANT_TYPES.join(', ')}).`);
  }
  for (const callback of client.callbacks) {
    const problem = callbackProblem(callback);
    if (problem) problems.push(problem);
  }
  for (const url of client.allowedLogoutUrls ?? []) {
    const problem = logoutUrlProblem(url);
    if (problem) problems.push(problem);
  }
  return problems;
}

/**
 * A logout URL is where a browser is sent with a Location header: the callback rules, and a scheme
 * that can only be a web page or an app (http, https, or a private-use scheme in reverse-domain form,
 * RFC 8252 §7.1), so that no stored value can become `javascript:` or `data:`.
 */
export function logoutUrlProblem(value: string): string | null {
  const problem = callbackProblem(value);
  if (problem) return problem.replace(/^Callback/, 'Logout URL');
  if (!isSafeRedirectScheme(new URL(value).protocol)) return `Logout URL "${value}" must use http, https or an app's own scheme (com.example.app:).`;
  return null;
}

function isSafeRedirectScheme(protocol: string): boolean {
  return protocol === 'https:' || protocol === 'http:' || /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/.test(protocol);
}

function callbackProblem(callback: string): string | null {
  let url: URL;
  try {
    url = new URL(callback);
  } catch {
    return `Callback "${callback}" is not an absolute URL.`;
  }
  if (url.hash || callback.includes('#')) return `Callback "${callback}" must not contain a fragment.`;
  if (['javascript:', 'data:', 'vbscript:', 'file:'].includes(url.protocol)) {
    return `Callback "${callback}" uses a forbidden scheme.`;
  }
  return null;
}
