/** Scope strings: parsing and set arithmetic over space-delimited lists (RFC 6749 §3.3). */

/** Scopes defined by OpenID Connect; they are about the user's profile, not an API. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Splits a scope parameter into unique tokens, in order. Returns null when a token is malformed. */
export function parseScope(value: string | undefined): string[] | null {
  if (value === undefined || value.trim() === '') return [];
  const tokens = value.split(' ').filter((t) => t !== '');
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) return null;
  return [...new Set(tokens)];
}

export function formatScope(scopes: readonly string[]): string {
  return scopes.join(' ');
}

export function missingScopes(requested: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted);
  return requested.filter((s) => !have.has(s));
}

export function unionScopes(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

export function intersectScopes(a: readonly string[], b: readonly string[]): string[] {
  const keep = new Set(b);
  return a.filter((s) => keep.has(s));
}
