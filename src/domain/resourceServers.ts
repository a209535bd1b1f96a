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
  scopes: ApiScope[];
  createdAt: number;
  updatedAt: number;
}

export const DEFAULT_TOKEN_LIFETIME = 86400;
