/** APIs (resource servers): what an access token's audience names, and the scopes it defines. */
import { TIMESTAMP_FIELDS, type FieldSpecs } from './fieldMapping.js';

export interface ApiScope {
  value: string;
  description: string;
  /** The description in other languages, by locale ("fr", "de"…); the pages fall back to `description`. */
  descriptions?: Readonly<Partial<Record<string, string>>>;
}

export interface ResourceServer {
  id: string;
  identifier: string;
  name: string;
  signingAlg: 'RS256';
  tokenLifetime: number;
  allowOfflineAccess: boolean;
  skipConsentForVerifiableFirstPartyClients: boolean;
  /** The Management API itself: not a target for user authorization. */
  isSystem: boolean;
  /** Auth0's subject_type_authorization: who may get tokens for this API, in user flows and client flows. */
  accessPolicy: { user: UserAccessPolicy; client: ClientAccessPolicy };
  scopes: ApiScope[];
  createdAt: number;
  updatedAt: number;
}

export const DEFAULT_TOKEN_LIFETIME = 86400;

export const USER_ACCESS_POLICIES = ['allow_all', 'require_client_grant', 'deny_all'] as const;
export type UserAccessPolicy = (typeof USER_ACCESS_POLICIES)[number];
export const CLIENT_ACCESS_POLICIES = ['require_client_grant', 'deny_all'] as const;
export type ClientAccessPolicy = (typeof CLIENT_ACCESS_POLICIES)[number];
export const DEFAULT_ACCESS_POLICY: ResourceServer['accessPolicy'] = { user: 'allow_all', client: 'require_client_grant' };

/**
 * The resource server's own columns (and Auth0 names). Its scopes live in a table of their own, and
 * its access policy in two columns that Auth0 nests as subject_type_authorization: the repository and
 * the Management API handle those two.
 */
export const RESOURCE_SERVER_FIELDS = {
  id: { column: 'id', codec: 'text', readOnly: true },
  identifier: { column: 'identifier', codec: 'text' },
  name: { column: 'name', codec: 'text' },
  signingAlg: { column: 'signing_alg', codec: 'text' },
  tokenLifetime: { column: 'token_lifetime', codec: 'integer' },
  allowOfflineAccess: { column: 'allow_offline_access', codec: 'boolean' },
  skipConsentForVerifiableFirstPartyClients: { column: 'skip_consent_for_verifiable_first_party_clients', codec: 'boolean' },
  isSystem: { column: 'is_system', codec: 'boolean', readOnly: true },
  ...TIMESTAMP_FIELDS,
} as const satisfies FieldSpecs<Omit<ResourceServer, 'scopes' | 'accessPolicy'>>;
