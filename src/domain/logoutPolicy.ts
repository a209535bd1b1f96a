/**
 * When logout may end the session at once, and when it must ask first (OpenID Connect RP-Initiated
 * Logout 1.0 §2: without a valid id_token_hint the OP should confirm, since anyone can make a browser
 * visit a logout URL).
 */

export interface LogoutRequestFacts {
  /** The Sec-Fetch-Site request header, if the browser sent one. */
  fetchSite: string | undefined;
  /** An ID token this server issued, for the client the request names. */
  validIdTokenHint: boolean;
  /** Auth0's /v2/logout: client_id given and returnTo in its allowed logout URLs. */
  returnToAllowedForClient: boolean;
}

/**
 * Ends at once: a request from our own pages or typed by the user (same-origin, none), one with a valid
 * hint, or (Auth0's /v2/logout) one tied to a client by its listed returnTo that is not cross-site.
 */
export function logoutNeedsConfirmation(facts: LogoutRequestFacts): boolean {
  const site = facts.fetchSite?.toLowerCase();
  if (site === 'same-origin' || site === 'none') return false;
  if (facts.validIdTokenHint) return false;
  if (facts.returnToAllowedForClient && site !== 'cross-site') return false;
  return true;
}
