/**
 * Client grants (Auth0's /client-grants): which APIs and scopes a client may obtain — by itself with
 * client_credentials (subject type `client`), or on behalf of a signed-in user (`user`: the ceiling of
 * what the consent dialog may offer) — and the default permissions of every third-party client
 * (`default_for: third_party_clients`, which a client's own grant for the same API overrides).
 */
import { TIMESTAMP_FIELDS, type FieldSpecs } from './fieldMapping.js';

export const CLIENT_GRANT_SUBJECT_TYPES = ['client', 'user'] as const;
export type ClientGrantSubjectType = (typeof CLIENT_GRANT_SUBJECT_TYPES)[number];
export const DEFAULT_FOR = ['third_party_clients'] as const;

export interface ClientGrant {
  id: string;
  clientId: string;
  audience: string;
  scopes: string[];
  /** `client`: client_credentials; `user`: flows where a person signs in (and the scope ceiling there). */
  subjectType: ClientGrantSubjectType;
  createdAt: number;
  updatedAt: number;
}

/** A grant to store: machine-to-machine (`client`) unless said otherwise. */
export type NewClientGrant = Omit<ClientGrant, 'subjectType'> & { subjectType?: ClientGrantSubjectType };

/** Default permissions for every third-party client (Auth0's `default_for: third_party_clients`). */
export interface DefaultClientGrant {
  id: string;
  defaultFor: (typeof DEFAULT_FOR)[number];
  audience: string;
  scopes: string[];
  subjectType: ClientGrantSubjectType;
  createdAt: number;
  updatedAt: number;
}

const shared = {
  id: { column: 'id', codec: 'text', readOnly: true },
  audience: { column: 'audience', codec: 'text' },
  scopes: { column: 'scope', codec: 'spaceList', auth0: 'scope' },
  subjectType: { column: 'subject_type', codec: 'text' },
  ...TIMESTAMP_FIELDS,
} as const;

export const CLIENT_GRANT_FIELDS = { ...shared, clientId: { column: 'client_id', codec: 'text' } } as const satisfies FieldSpecs<ClientGrant>;
export const DEFAULT_CLIENT_GRANT_FIELDS = { ...shared, defaultFor: { column: 'default_for', codec: 'text' } } as const satisfies FieldSpecs<DefaultClientGrant>;
