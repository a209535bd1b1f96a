/** People who sign in, from a database connection. Their public id is `auth0|<id>`, as in Auth0. */
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
}

export const DEFAULT_CONNECTION_NAME = 'Username-Password-Authentication';

export function userSubject(user: Pick<User, 'id'>): string {
  return `auth0|${user.id}`;
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
