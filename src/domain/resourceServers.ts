/** APIs (resource servers): what an access token's audience names, and the scopes it defines. */
export interface ApiScope {
  value: string;
  description: string;
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
