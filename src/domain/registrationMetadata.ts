/**
 * Client metadata of Dynamic Client Registration (RFC 7591 §2) turned into an application, with the
 * rules a self-registered (so untrusted, so third-party) client must follow.
 */
import type { AppType, GrantType, TokenEndpointAuthMethod } from './clients.js';
import { isLocalhostOrLoopback } from './redirectUris.js';

export class RegistrationError extends Error {
  constructor(
    readonly code: 'invalid_redirect_uri' | 'invalid_client_metadata',
    description: string,
  ) {
    super(description);
    this.name = 'RegistrationError';
  }
}

export interface RegisteredMetadata {
  name: string;
  appType: AppType;
  redirectUris: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  grantTypes: GrantType[];
  responseTypes: string[];
  logoUri: string | null;
}

const DCR_GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token', 'implicit'];
const DCR_AUTH_METHODS: readonly TokenEndpointAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
const RESPONSE_TYPES = ['code'];

const metadataError = (description: string) => new RegistrationError('invalid_client_metadata', description);

function stringList(body: Record<string, unknown>, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string') || value.length > 50) {
    throw metadataError(`${name} must be an array of strings.`);
  }
  return value;
}

function optionalString(body: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length > max) throw metadataError(`${name} must be a string of at most ${max} characters.`);
  return value;
}

/**
 * https anywhere; http only on a loopback host (a native app's local server); a private-use scheme
 * in reverse-domain form (RFC 8252 §7.1). Never a fragment, never javascript:, data: or file:.
 */
export function redirectUriProblem(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URI.`;
  }
  if (uri.includes('#')) return `"${uri}" must not contain a fragment.`;
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return isLocalhostOrLoopback(uri) ? null : `"${uri}" uses http on a host that is not loopback: use https.`;
  if (['javascript:', 'data:', 'vbscript:', 'file:', 'blob:', 'about:'].includes(url.protocol)) return `"${uri}" uses a forbidden scheme.`;
  if (!url.protocol.slice(0, -1).includes('.')) return `"${uri}": a custom scheme must be in reverse-domain form (com.example.app:/cb).`;
  return null;
}

function defaultClientName(redirectUri: string): string {
  const url = new URL(redirectUri);
  return (url.host || url.protocol.slice(0, -1)).slice(0, 255);
}

export function readRegistrationMetadata(input: unknown): RegisteredMetadata {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw metadataError('The request body must be a JSON object.');
  const body = input as Record<string, unknown>;

  const redirectUris = stringList(body, 'redirect_uris');
  if (!redirectUris || redirectUris.length === 0) throw new RegistrationError('invalid_redirect_uri', 'redirect_uris must list at least one URI.');
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new RegistrationError('invalid_redirect_uri', problem);
  }

  // client_name is optional (RFC 7591 §2); the consent dialog then names the app by where it redirects.
  const name = optionalString(body, 'client_name', 255)?.trim() || defaultClientName(redirectUris[0] as string);
  if (/[<>]/.test(name)) throw metadataError('client_name must not contain "<" or ">".');

  const method = optionalString(body, 'token_endpoint_auth_method', 64) ?? 'client_secret_basic';
  if (!(DCR_AUTH_METHODS as readonly string[]).includes(method)) {
    throw metadataError(`token_endpoint_auth_method must be one of ${DCR_AUTH_METHODS.join(', ')}.`);
  }
  const grantTypes = stringList(body, 'grant_types') ?? ['authorization_code'];
  const badGrant = grantTypes.find((g) => !(DCR_GRANT_TYPES as readonly string[]).includes(g));
  if (badGrant) throw metadataError(`grant_types: "${badGrant}" cannot be registered dynamically.`);
  const responseTypes = stringList(body, 'response_types') ?? ['code'];
  const badResponse = responseTypes.find((r) => !RESPONSE_TYPES.includes(r));
  if (badResponse) throw metadataError(`response_types: "${badResponse}" is not supported.`);
  if (responseTypes.includes('code') && !grantTypes.includes('authorization_code')) {
    throw metadataError('response_types "code" needs the authorization_code grant type (RFC 7591 §2.1).');
  }
  // The authorization endpoint hands out tokens whenever the client holds the implicit grant, and only
  // "code" can be registered: implicit is accepted from older clients but not kept (RFC 7591 §3.2.1
  // lets the server replace what was asked, and the response says what was registered).
  const allowedGrants = grantTypes.filter((g) => g !== 'implicit');

  const logoUri = optionalString(body, 'logo_uri', 2000);
  if (logoUri !== undefined && !logoUri.startsWith('https://')) throw metadataError('logo_uri must be an https URL.');

  const applicationType = optionalString(body, 'application_type', 16) ?? 'web';
  if (!['web', 'native'].includes(applicationType)) throw metadataError('application_type must be web or native.');
  const isPublic = method === 'none';
  const appType: AppType = applicationType === 'native' ? 'native' : isPublic ? 'spa' : 'regular_web';

  return {
    name,
    appType,
    redirectUris,
    tokenEndpointAuthMethod: method as TokenEndpointAuthMethod,
    grantTypes: allowedGrants as GrantType[],
    responseTypes,
    logoUri: logoUri ?? null,
  };
}
