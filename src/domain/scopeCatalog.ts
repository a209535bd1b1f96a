/** Which requested scopes can be granted, and how the dialog describes them. */
import type { Client } from './clients.js';
import type { ResourceServer } from './resourceServers.js';

/** The page texts (src/http/texts.ts) this catalog names; the pages show them in the visitor's language. */
export type ScopeTextKey = 'scopes.yourAccount' | 'scope.openid' | 'scope.profile' | 'scope.email' | 'scope.offline_access';

/**
 * The OIDC scopes, each with the text key of its description. A Map, not an object: scopes come from
 * requests, and `constructor` must not be an OIDC scope.
 */
export const OIDC_SCOPE_DESCRIPTIONS: ReadonlyMap<string, ScopeTextKey> = new Map([
  ['openid', 'scope.openid'],
  ['profile', 'scope.profile'],
  ['email', 'scope.email'],
  ['offline_access', 'scope.offline_access'],
]);

/** A text for the dialog: one of ours by key, or an API's own words with their translations by locale. */
export type ScopeText = { key: ScopeTextKey } | { text: string; byLocale?: Readonly<Partial<Record<string, string>>> };

export const YOUR_ACCOUNT: ScopeText = { key: 'scopes.yourAccount' };

/** How a granted or requested scope is described: ours for the OIDC scopes, else the API's, else its value. */
export function describeScope(value: string, api: ResourceServer | null): ScopeText {
  const key = OIDC_SCOPE_DESCRIPTIONS.get(value);
  if (key) return { key };
  const own = api?.scopes.find((s) => s.value === value);
  return { text: own?.description || value, ...(own?.descriptions && { byLocale: own.descriptions }) };
}

/**
 * The scopes a request may be granted: the OIDC ones, and the API's own. Scopes the API does not
 * define are dropped, and offline_access needs the refresh_token grant and, for an API, the API's
 * permission. Without an API the refresh token is for the userinfo audience (OIDC Core §11), which is
 * what clients that cannot send `audience` ask for.
 */
export function grantableScopes(requested: readonly string[], api: ResourceServer | null, client: Client): string[] {
  const apiScopes = new Set(api?.scopes.map((s) => s.value) ?? []);
  return requested.filter((scope) => {
    if (scope === 'offline_access') return (api === null || api.allowOfflineAccess) && client.grantTypes.includes('refresh_token');
    return OIDC_SCOPE_DESCRIPTIONS.has(scope) || apiScopes.has(scope);
  });
}

export interface ScopeGroup {
  title: ScopeText;
  scopes: { value: string; description: ScopeText; alreadyGranted: boolean }[];
}

/** Scopes grouped for the dialog: the user's profile first, then each API. `openid` needs no line. */
export function groupScopesForDialog(
  scopes: readonly string[],
  previouslyGranted: readonly string[],
  api: ResourceServer | null,
): ScopeGroup[] {
  const granted = new Set(previouslyGranted);
  const profile = scopes.filter((s) => OIDC_SCOPE_DESCRIPTIONS.has(s) && s !== 'openid');
  const apiScopes = scopes.filter((s) => !OIDC_SCOPE_DESCRIPTIONS.has(s));
  const groups: ScopeGroup[] = [];
  const line = (value: string) => ({ value, description: describeScope(value, api), alreadyGranted: granted.has(value) });
  if (profile.length > 0 || scopes.includes('openid')) {
    groups.push({ title: YOUR_ACCOUNT, scopes: (profile.length > 0 ? profile : ['openid']).map(line) });
  }
  if (api && apiScopes.length > 0) groups.push({ title: { text: api.name }, scopes: apiScopes.map(line) });
  return groups;
}
