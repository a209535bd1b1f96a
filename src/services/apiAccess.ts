/** The API access policy (src/domain/apiAccessPolicy.ts) with the client grants it reads. */
import type { AuthContext } from '../context.js';
import { clientAccessToApi, userAccessToApi } from '../domain/apiAccessPolicy.js';
import type { Client } from '../domain/clients.js';
import { OAuthError } from '../domain/errors.js';
import type { ResourceServer } from '../domain/resourceServers.js';
import { OIDC_SCOPE_DESCRIPTIONS } from '../domain/scopeCatalog.js';

/**
 * The requested scopes a user flow may carry for this API: all of them, or those within the client's
 * grant (OIDC scopes are about the user's profile, not the API, and are never capped). Denied: the
 * OAuth error to answer.
 */
export async function scopesWithinUserAccess(ctx: AuthContext, client: Client, api: ResourceServer, scopes: readonly string[]): Promise<string[]> {
  const own = await ctx.repos.clientGrants.find(client.clientId, api.identifier, 'user');
  const byDefault = client.isFirstParty ? null : await ctx.repos.clientGrants.findDefault(api.identifier, 'user');
  const access = userAccessToApi(client, api, own, byDefault);
  if (access.kind === 'denied') throw new OAuthError('unauthorized_client', access.reason);
  if (access.scopeCeiling === null) return [...scopes];
  const ceiling = new Set(access.scopeCeiling);
  return scopes.filter((s) => OIDC_SCOPE_DESCRIPTIONS.has(s) || ceiling.has(s));
}

/** client_credentials: the client grant for this API, unless the API denies machine-to-machine access. */
export async function clientGrantScopes(ctx: AuthContext, client: Client, api: ResourceServer): Promise<readonly string[]> {
  const access = clientAccessToApi(api, await ctx.repos.clientGrants.find(client.clientId, api.identifier, 'client'));
  if (access.kind === 'denied') throw new OAuthError('access_denied', access.reason, 403);
  return access.scopeCeiling ?? [];
}
