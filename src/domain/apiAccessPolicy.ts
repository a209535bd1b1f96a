/**
 * Who may get a token for an API (Auth0's API access policies, with its 2026 rules for third-party
 * applications). In user flows (a person signs in) the API's user policy decides; a strict third-party
 * client, and any client that registered itself (dynamic registration, a metadata document), always
 * needs a client grant or the default permissions for third-party clients, whatever the policy — nobody
 * vetted it; and a client grant caps the scopes that
 * can be asked for, so the consent dialog never offers more. In client flows (client_credentials) a
 * client grant is always needed, unless the API denies client access altogether.
 */
import { isStrictThirdParty, type Client } from './clients.js';
import type { ResourceServer } from './resourceServers.js';

export interface GrantCeiling {
  scopes: readonly string[];
}

export type ApiAccess = { kind: 'allowed'; scopeCeiling: readonly string[] | null } | { kind: 'denied'; reason: string };

/**
 * `ownGrant`: this client's grant for the API with subject_type user; `defaultGrant`: the default
 * permissions for third-party clients, which apply when the client has no grant of its own.
 */
export function userAccessToApi(
  client: Pick<Client, 'isFirstParty' | 'thirdPartySecurityMode' | 'isDynamic'>,
  api: Pick<ResourceServer, 'accessPolicy' | 'identifier'>,
  ownGrant: GrantCeiling | null,
  defaultGrant: GrantCeiling | null,
): ApiAccess {
  if (api.accessPolicy.user === 'deny_all') return { kind: 'denied', reason: `The API ${api.identifier} does not allow access on behalf of users.` };
  const grant = ownGrant ?? (client.isFirstParty ? null : defaultGrant);
  const needsGrant = api.accessPolicy.user === 'require_client_grant' || isStrictThirdParty(client) || client.isDynamic;
  if (grant) return { kind: 'allowed', scopeCeiling: grant.scopes };
  if (needsGrant) return { kind: 'denied', reason: `The application is not authorized to access ${api.identifier}: it needs a client grant for this API.` };
  return { kind: 'allowed', scopeCeiling: null };
}

export function clientAccessToApi(api: Pick<ResourceServer, 'accessPolicy' | 'identifier'>, grant: GrantCeiling | null): ApiAccess {
  if (api.accessPolicy.client === 'deny_all') return { kind: 'denied', reason: `The API ${api.identifier} does not allow machine-to-machine access.` };
  if (!grant) return { kind: 'denied', reason: `Client is not authorized to access "${api.identifier}". You need to create a "client-grant" associated to this API.` };
  return { kind: 'allowed', scopeCeiling: grant.scopes };
}
