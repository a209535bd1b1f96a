/**
 * Validation of an authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1), in two stages:
 * first what decides whether the redirect URI can be trusted (errors become a page), then everything
 * else (errors are sent to the client's redirect URI).
 */
import { isPublicClient, isStrictThirdParty, type Client } from './clients.js';
import { OAuthError, UntrustedRequestError } from './errors.js';
import { isValidCodeChallenge } from './pkce.js';
import { matchRedirectUri } from './redirectUris.js';
import { parseScope } from './scopes.js';
import { requestedTarget } from './resourceIndicators.js';

export type RawParams = Record<string, unknown>;
export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'web_message';
export const RESPONSE_TYPES_SUPPORTED = ['code', 'token', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'] as const;
export type ResponseType = (typeof RESPONSE_TYPES_SUPPORTED)[number];

/** response_type is a set (OAuth 2.0 Multiple Response Types §5): any order, one canonical spelling. */
export function parseResponseType(raw: string): ResponseType | null {
  const parts = raw.split(' ');
  if (parts.some((p) => !['code', 'id_token', 'token'].includes(p)) || new Set(parts).size !== parts.length) return null;
  const canonical = ['code', 'id_token', 'token'].filter((p) => parts.includes(p)).join(' ');
  return (RESPONSE_TYPES_SUPPORTED as readonly string[]).includes(canonical) ? (canonical as ResponseType) : null;
}

/** Tokens in the response travel in the fragment by default, and never in a query string. */
export function defaultResponseMode(responseType: ResponseType | null): ResponseMode {
  return responseType === null || responseType === 'code' ? 'query' : 'fragment';
}
export const RESPONSE_MODES_SUPPORTED: readonly ResponseMode[] = ['query', 'fragment', 'form_post', 'web_message'];
export const PROMPT_VALUES = ['none', 'login', 'consent', 'select_account'] as const;

/** Everything after validation: the one record that login and consent read from. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  responseType: ResponseType;
  responseMode: ResponseMode;
  scopes: string[];
  audience: string | null;
  /** The API was named with RFC 8707's `resource`: an unknown one is invalid_target. */
  audienceFromResource?: boolean;
  state: string | null;
  nonce: string | null;
  prompt: string[];
  maxAge: number | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'S256' | null;
  loginHint: string | null;
  /** OIDC Core's `ui_locales`: the languages the pages should use, in order of preference. */
  uiLocales?: string[];
}

/** Where and how an error may be reported once the redirect URI is trusted. */
export interface ErrorDestination {
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | null;
}

const MAX_PARAM_LENGTH = 4096;

/** A parameter that must appear at most once; duplicates are an error (RFC 6749 §3.1). */
function single(params: RawParams, name: string): string | undefined | 'duplicate' | 'invalid' {
  const value = params[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return 'duplicate';
  if (typeof value !== 'string' || value.length > MAX_PARAM_LENGTH) return 'invalid';
  return value;
}

/** Stage 1: the client and the redirect URI. Failures never redirect. */
export function readClientId(params: RawParams): string {
  const clientId = single(params, 'client_id');
  if (clientId === undefined || clientId === '') {
    throw new UntrustedRequestError('Missing client', 'The request has no client_id parameter.');
  }
  if (clientId === 'duplicate' || clientId === 'invalid') {
    throw new UntrustedRequestError('Invalid client', 'The client_id parameter is malformed or repeated.');
  }
  return clientId;
}

export function checkRedirectUri(params: RawParams, client: Client): ErrorDestination {
  const redirectUri = single(params, 'redirect_uri');
  if (redirectUri === undefined || redirectUri === '') {
    throw new UntrustedRequestError('Missing redirect URI', 'The request has no redirect_uri parameter.');
  }
  if (redirectUri === 'duplicate' || redirectUri === 'invalid') {
    throw new UntrustedRequestError('Invalid redirect URI', 'The redirect_uri parameter is malformed or repeated.');
  }
  if (!matchRedirectUri(redirectUri, client.callbacks, client.appType === 'native')) {
    throw new UntrustedRequestError(
      'Callback URL mismatch',
      // As Auth0 does, the page names the URL that was tried (whoever owns the app can then add it),
      // not the registered list, which is the app's configuration and not the visitor's business.
      `The redirect URI ${JSON.stringify(redirectUri.length > 500 ? `${redirectUri.slice(0, 500)}…` : redirectUri)} is not in the list of allowed callback URLs of the application "${client.name}".`,
    );
  }
  const state = single(params, 'state');
  const mode = single(params, 'response_mode');
  const type = single(params, 'response_type');
  const fallback = defaultResponseMode(typeof type === 'string' ? parseResponseType(type) : null);
  const asked = RESPONSE_MODES_SUPPORTED.includes(mode as ResponseMode) ? (mode as ResponseMode) : fallback;
  // Auth0's silent authentication posts the response to the page that framed us: that page's origin
  // must be one the client registered, or the response (and its errors) would go to whoever framed it.
  if (asked === 'web_message' && !client.webOrigins.includes(new URL(redirectUri).origin)) {
    throw new UntrustedRequestError(
      'Origin not allowed',
      `response_mode=web_message needs the origin of the redirect URI in the Allowed Web Origins of the application "${client.name}".`,
    );
  }
  return {
    redirectUri,
    state: typeof state === 'string' && state !== 'duplicate' && state !== 'invalid' ? state : null,
    // Even an error must not go to the query when the request wanted tokens in the fragment.
    responseMode: asked === 'query' && fallback === 'fragment' ? 'fragment' : asked,
  };
}

/** Stage 2: everything else. Throws OAuthError, which is reported at the trusted redirect URI. */
export function validateAuthorizationRequest(params: RawParams, client: Client, dest: ErrorDestination): AuthorizationRequest {
  const get = (name: string): string | undefined => {
    const value = single(params, name);
    if (value === 'duplicate') throw new OAuthError('invalid_request', `The ${name} parameter must not be repeated.`);
    if (value === 'invalid') throw new OAuthError('invalid_request', `The ${name} parameter is malformed.`);
    return value === '' ? undefined : value;
  };

  // OIDC Core §6: request objects are not supported, and ignoring one would lose the state, nonce and
  // response_mode it may carry.
  if (get('request') !== undefined) throw new OAuthError('request_not_supported', 'Request objects (the request parameter) are not supported.');
  if (get('request_uri') !== undefined) throw new OAuthError('request_uri_not_supported', 'The request_uri parameter is not supported.');

  const rawResponseType = get('response_type');
  if (!rawResponseType) throw new OAuthError('invalid_request', 'Missing required parameter: response_type.');
  const responseType = parseResponseType(rawResponseType);
  if (!responseType) throw new OAuthError('unsupported_response_type', `Unsupported response_type: ${rawResponseType}.`);
  const withCode = responseType.includes('code');
  const withTokens = responseType !== 'code';
  const responseMode = get('response_mode');
  if (responseMode !== undefined && !RESPONSE_MODES_SUPPORTED.includes(responseMode as ResponseMode)) {
    throw new OAuthError('invalid_request', `Unsupported response_mode: ${responseMode}.`);
  }
  if (responseMode === 'query' && withTokens) {
    throw new OAuthError('invalid_request', 'response_mode=query cannot carry tokens: use fragment or form_post.');
  }
  if (withCode && !client.grantTypes.includes('authorization_code')) {
    throw new OAuthError('unauthorized_client', 'The client is not allowed to use the authorization_code grant.');
  }
  if (withTokens && !client.grantTypes.includes('implicit')) {
    throw new OAuthError('unauthorized_client', 'The client is not allowed to receive tokens from the authorization endpoint (implicit grant).');
  }

  const scopes = parseScope(get('scope'));
  if (scopes === null) throw new OAuthError('invalid_scope', 'The scope parameter is malformed.');
  const nonce = get('nonce') ?? null;
  if (responseType.includes('id_token')) {
    if (!scopes.includes('openid')) throw new OAuthError('invalid_request', 'response_type id_token needs the openid scope.');
    if (nonce === null) throw new OAuthError('invalid_request', 'nonce is required when an ID token comes from the authorization endpoint.');
  }

  const prompt = parseScope(get('prompt'));
  if (prompt === null) throw new OAuthError('invalid_request', 'The prompt parameter is malformed.');
  const unknownPrompt = prompt.find((p) => !(PROMPT_VALUES as readonly string[]).includes(p));
  if (unknownPrompt) throw new OAuthError('invalid_request', `Unsupported prompt value: ${unknownPrompt}.`);
  if (prompt.includes('none') && prompt.length > 1) {
    throw new OAuthError('invalid_request', 'prompt=none cannot be combined with other values.');
  }
  // A framed, invisible page can show no login or consent: web_message is for silent requests only.
  if (responseMode === 'web_message' && !prompt.includes('none')) {
    throw new OAuthError('invalid_request', 'response_mode=web_message is only supported with prompt=none.');
  }

  const maxAgeRaw = get('max_age');
  let maxAge: number | null = null;
  if (maxAgeRaw !== undefined) {
    if (!/^\d{1,9}$/.test(maxAgeRaw)) throw new OAuthError('invalid_request', 'max_age must be a non-negative integer.');
    maxAge = Number(maxAgeRaw);
  }

  const codeChallenge = get('code_challenge') ?? null;
  const method = get('code_challenge_method');
  if (codeChallenge === null && method !== undefined) {
    throw new OAuthError('invalid_request', 'code_challenge_method was sent without code_challenge.');
  }
  if (codeChallenge !== null) {
    if ((method ?? 'plain') !== 'S256') {
      throw new OAuthError('invalid_request', 'Only code_challenge_method=S256 is supported.');
    }
    if (!isValidCodeChallenge(codeChallenge)) {
      throw new OAuthError('invalid_request', 'code_challenge must be a base64url-encoded SHA-256 hash (43 characters).');
    }
  } else if (withCode && (isPublicClient(client) || isStrictThirdParty(client))) {
    throw new OAuthError('invalid_request', 'This client must use PKCE: code_challenge is required.');
  }

  return {
    clientId: client.clientId,
    redirectUri: dest.redirectUri,
    responseType,
    responseMode: (responseMode as ResponseMode | undefined) ?? defaultResponseMode(responseType),
    scopes,
    ...targetOf(get('audience'), params.resource),
    state: get('state') ?? null,
    nonce,
    prompt,
    maxAge,
    codeChallenge,
    codeChallengeMethod: codeChallenge ? 'S256' : null,
    loginHint: get('login_hint') ?? null,
    ...(get('ui_locales') ? { uiLocales: parseUiLocales(get('ui_locales')) } : {}),
  };
}

/** `ui_locales`: space-separated language tags; the pages use the first one they have. Bounded, as it is kept with the transaction. */
export function parseUiLocales(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter((tag) => tag !== '' && tag.length <= 35).slice(0, 10) : [];
}

function targetOf(audience: string | undefined, resource: unknown): Pick<AuthorizationRequest, 'audience' | 'audienceFromResource'> {
  const target = requestedTarget(audience, resource);
  return { audience: target.audience, ...(target.fromResource ? { audienceFromResource: true } : {}) };
}
