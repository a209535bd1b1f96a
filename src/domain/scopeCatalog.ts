/** Which requested scopes can be granted, and how the dialog describes them. */
import type { Client } from './clients.js';
import type { ResourceServer } from './resourceServers.js';

/** A Map, not an object: scopes come from requests, and `constructor` must not be an OIDC scope. */
export const OIDC_SCOPE_DESCRIPTIONS: ReadonlyMap<string, string> = new Map([
  ['openid', 'Know who you are (your user ID)'],
  ['profile', 'Your name, nickname and picture'],
  ['email', 'Your email address'],
  ['offline_access', 'Keep access when you are not using the application'],
]);

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
  title: string;
  scopes: { value: string; description: string; alreadyGranted: boolean }[];
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
  const line = (value: string, description: string) => ({ value, description, alreadyGranted: granted.has(value) });
  if (profile.length > 0 || scopes.includes('openid')) {
    groups.push({
      title: 'Your account',
      scopes: (profile.length > 0 ? profile : ['openid']).map((s) => line(s, OIDC_SCOPE_DESCRIPTIONS.get(s) ?? s)),
    });
  }
  if (api && apiScopes.length > 0) {
    const descriptions = new Map(api.scopes.map((s) => [s.value, s.description]));
    groups.push({ title: api.name, scopes: apiScopes.map((s) => line(s, descriptions.get(s) || s)) });
  }
  return groups;
}
