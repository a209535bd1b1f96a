/**
 * One declaration per stored entity of how each field is spelled: its column, which is also its Auth0
 * Management API name unless said otherwise, and how the column holds it. The repositories map rows
 * with it (src/store/columnMapping.ts) and the Management API presents and accepts fields with it, so a
 * new field is added in one place and every layer follows.
 */

/** How a column holds a value (SQLite has no booleans and keeps JSON as text). */
export type ColumnCodec = 'text' | 'optionalText' | 'boolean' | 'integer' | 'optionalInteger' | 'jsonList' | 'jsonRecord' | 'jsonObject' | 'spaceList';

export interface FieldSpec {
  readonly column: string;
  readonly codec: ColumnCodec;
  /** Auth0's name when it is not the column's; null when Auth0 has no top-level field for it. */
  readonly auth0?: string | null;
  /** Set by the server only: returned by GET, accepted back in a body and ignored. */
  readonly readOnly?: true;
}

/** When a row was made and last changed: kept by every table, not shown by Auth0. */
export const TIMESTAMP_FIELDS = {
  createdAt: { column: 'created_at', codec: 'integer', auth0: null, readOnly: true },
  updatedAt: { column: 'updated_at', codec: 'integer', auth0: null, readOnly: true },
} as const;

export type FieldSpecs<T> = { readonly [K in keyof T]-?: FieldSpec };

type Auth0NameOf<S> = S extends { auth0: infer A } ? (A extends string ? A : never) : S extends { column: infer C } ? C : never;

/** The Auth0 names a body may set: every field not read-only and with a top-level Auth0 name. */
export type WritableAuth0Name<M> = { [K in keyof M]: M[K] extends { readOnly: true } ? never : Auth0NameOf<M[K]> }[keyof M];

export function auth0Name(spec: FieldSpec): string | null {
  return spec.auth0 === undefined ? spec.column : spec.auth0;
}

/** The Auth0 names of the read-only fields (for the lists of fields a body may carry and we ignore). */
export function readOnlyAuth0Names(fields: Record<string, FieldSpec>): string[] {
  return Object.values(fields).flatMap((spec) => {
    const name = auth0Name(spec);
    return spec.readOnly && name !== null ? [name] : [];
  });
}
