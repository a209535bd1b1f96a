/** User grants: what a person consented to, declared once for the store and the Management API. */
import type { FieldSpecs } from './fieldMapping.js';

/** A user grant: this user consented to this client using these scopes at this API (audience). */
export interface UserGrant {
  id: string;
  userId: string;
  clientId: string;
  audience: string;
  scopes: string[];
  /** Scopes the user refused in the dialog: never asked again without prompt=consent, never in a token. */
  rejectedScopes: string[];
  createdAt: number;
  updatedAt: number;
}

/** Column and Auth0 name of each field (Auth0's grant has a camelCase clientID, and no dates). */
export const GRANT_FIELDS = {
  id: { column: 'id', codec: 'text' },
  clientId: { column: 'client_id', codec: 'text', auth0: 'clientID' },
  userId: { column: 'user_id', codec: 'text' },
  audience: { column: 'audience', codec: 'text' },
  scopes: { column: 'scope', codec: 'spaceList' },
  rejectedScopes: { column: 'rejected_scope', codec: 'spaceList', auth0: null },
  createdAt: { column: 'created_at', codec: 'integer', auth0: null },
  updatedAt: { column: 'updated_at', codec: 'integer', auth0: null },
} as const satisfies FieldSpecs<UserGrant>;

export interface GrantFilter {
  userId?: string;
  clientId?: string;
  audience?: string;
}
