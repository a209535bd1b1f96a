/** People who sign in, from a database connection. Their public id is `auth0|<id>`, as in Auth0. */
import type { SessionUser } from './claims.js';

export interface User {
  id: string;
  connectionId: string;
  email: string;
  emailVerified: boolean;
  passwordHash: string;
  name: string | null;
  nickname: string | null;
  picture: string | null;
  blocked: boolean;
  lastLogin: number | null;
  loginsCount: number;
  createdAt: number;
  updatedAt: number;
  /** Auth0's metadata: what the user may edit about themselves, and what only applications set. Default {}. */
  userMetadata?: Metadata;
  appMetadata?: Metadata;
  /** The public id of a user from an upstream provider (`oidc|<connection>|<sub>`); null or absent: `auth0|<id>`. */
  subject?: string | null;
}

/** A JSON object (user_metadata, app_metadata). */
export type Metadata = Record<string, unknown>;

/**
 * Auth0's PATCH semantics for metadata: the top-level keys given replace the stored ones (an object
 * value replaces the stored object whole: only the root level is merged), a key set to null is
 * removed, and an empty object removes all of it.
 */
export function mergeMetadata(stored: Metadata, patch: Metadata): Metadata {
  if (Object.keys(patch).length === 0) return {};
  const merged: Metadata = { ...stored };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export const DEFAULT_CONNECTION_NAME = 'Username-Password-Authentication';

export function userSubject(user: Pick<User, 'id' | 'subject'>): string {
  return user.subject ?? `auth0|${user.id}`;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The session of a user signed in at `now` (milliseconds): their public id and profile claims. */
export function sessionUserOf(user: User, now: number): SessionUser {
  return {
    sub: userSubject(user),
    authTime: Math.floor(now / 1000),
    claims: {
      email: user.email,
      email_verified: user.emailVerified,
      name: user.name,
      nickname: user.nickname,
      picture: user.picture,
      updated_at: Math.floor(user.updatedAt / 1000),
    },
  };
}
