/**
 * The profile an upstream OpenID provider shares (ID token claims, completed by userinfo), mapped onto
 * our user as Auth0 does for its OIDC connections: the root attributes follow the provider at each login.
 */
export interface UpstreamProfile {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  nickname: string | null;
  picture: string | null;
  givenName: string | null;
  familyName: string | null;
}

export type UpstreamProfileProblem = 'no_subject' | 'no_email';

const MAX_TEXT = 255;

const text = (value: unknown, max = MAX_TEXT): string | null => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : null);

/** OIDC Core's `email_verified` is a boolean; some providers send "true". */
const verified = (value: unknown): boolean => value === true || value === 'true';

export function mapUpstreamClaims(claims: Record<string, unknown>): UpstreamProfile | UpstreamProfileProblem {
  const sub = typeof claims.sub === 'string' && claims.sub !== '' && claims.sub.length <= 255 ? claims.sub : null;
  if (sub === null) return 'no_subject';
  const email = text(claims.email, 320)?.toLowerCase() ?? null;
  // The users of a connection are unique by email here: a provider that shares none cannot sign anyone in.
  if (email === null || !/^[^\s@]+@[^\s@]+$/.test(email)) return 'no_email';
  const givenName = text(claims.given_name);
  const familyName = text(claims.family_name);
  const name = text(claims.name) ?? ([givenName, familyName].filter(Boolean).join(' ') || null);
  const picture = text(claims.picture, 2000);
  return {
    sub,
    email,
    emailVerified: verified(claims.email_verified),
    name: name ?? email,
    nickname: text(claims.nickname) ?? text(claims.preferred_username) ?? email.split('@')[0] ?? null,
    picture: picture && /^https?:\/\//i.test(picture) ? picture : null,
    givenName,
    familyName,
  };
}
