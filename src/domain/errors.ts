/** OAuth 2.0 / OIDC error codes this server emits (RFC 6749 §4.1.2.1, §5.2; OIDC Core §3.1.2.6). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'access_denied'
  | 'server_error'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  // Auth0's code for a credential check refused by a rate limit (429).
  | 'too_many_attempts'
  | 'invalid_target';

/**
 * The one family of errors the flow raises. Each says whether it may travel to the client's redirect
 * URI; each surface (pages, token endpoint, Management API) has one handler that maps it.
 */
export abstract class ProtocolError extends Error {
  abstract readonly redirectable: boolean;
}

/** An error that is part of the protocol: it is shown to the client, never a 500 with a stack. */
export class OAuthError extends ProtocolError {
  /** Sent to the redirect URI once that URI is trusted; from the token endpoint, as JSON. */
  readonly redirectable = true;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly status = code === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
    this.name = 'OAuthError';
  }
}

/**
 * An error of the authorization endpoint that must NOT be sent to the redirect URI because the
 * redirect URI itself could not be trusted (RFC 6749 §4.1.2.1): it is rendered as a page.
 */
export class UntrustedRequestError extends ProtocolError {
  readonly redirectable = false;

  constructor(
    readonly title: string,
    readonly description: string,
  ) {
    super(description);
    this.name = 'UntrustedRequestError';
  }
}

/** A credential check refused by an abuse limit before it was tried: 429 with Retry-After. */
export class TooManyAttemptsError extends OAuthError {
  constructor(
    description: string,
    readonly retryAfterSeconds: number,
  ) {
    super('too_many_attempts', description, 429);
    this.name = 'TooManyAttemptsError';
  }
}
