/** Which profile claims a token may carry, and the audience of requests that name no API. */

/** The signed-in user, as kept in the session (or handed over by the host's authenticate hook). */
export interface SessionUser {
  sub: string;
  /** Seconds since the epoch. */
  authTime: number;
  claims: Record<string, unknown>;
}

/** What an API-less request (only OIDC scopes) is granted against: the userinfo audience. */
export function userinfoAudience(issuer: string): string {
  return `${issuer}userinfo`;
}

/** The profile claims the granted scopes release (OIDC Core §5.4). */
export function releasedClaims(claims: Record<string, unknown>, scopes: readonly string[]): Record<string, unknown> {
  const pick = (names: string[]) => Object.fromEntries(names.filter((n) => claims[n] !== undefined && claims[n] !== null).map((n) => [n, claims[n]]));
  return {
    ...(scopes.includes('profile') ? pick(['name', 'nickname', 'picture', 'updated_at']) : {}),
    ...(scopes.includes('email') ? pick(['email', 'email_verified']) : {}),
  };
}
