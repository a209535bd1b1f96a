/** What the authorization steps hand back to the HTTP layer, and the limits they work within. */
import type { ResponseMode } from '../../domain/authorizationRequest.js';
import { UntrustedRequestError } from '../../domain/errors.js';

export const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface AuthorizationResponse {
  redirectUri: string;
  responseMode: ResponseMode;
  params: Record<string, string>;
}

export type AuthorizeOutcome =
  | { kind: 'error_page'; title: string; description: string }
  | { kind: 'respond'; response: AuthorizationResponse }
  | { kind: 'login'; transactionId: string; /** Auth0's `connection=`: sign in there rather than on our login page. */ connection?: string }
  | { kind: 'consent'; transactionId: string };

/** A transaction that is unknown, another session's, used, expired, or not at the step asked for. */
export function expiredRequest(why = 'The request is unknown, was already used, or is older than 10 minutes.'): UntrustedRequestError {
  return new UntrustedRequestError('This sign-in request has expired', `${why} Go back to the application and sign in again.`);
}
