/** Verifying this server's own access tokens (RFC 9068): signature, issuer, audience, expiry. */
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { KeyStore } from './keyStore.js';

/** `audience` undefined: any audience (introspection answers for every API). */
export async function verifyAccessToken(keys: KeyStore, token: string, issuer: string, audience?: string): Promise<JWTPayload> {
  const { payload } = await jwtVerify(token, createLocalJWKSet(keys.jwks()), { issuer, ...(audience ? { audience } : {}), algorithms: ['RS256'], typ: 'at+jwt' });
  return payload;
}

/** The token of an `Authorization: Bearer …` header, or of a form body's access_token (RFC 6750 §2.2). */
export function bearerToken(header: string | undefined, bodyToken?: unknown): string | null {
  const match = header ? /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(header) : null;
  if (match?.[1]) return match[1];
  return typeof bodyToken === 'string' && bodyToken !== '' && !header ? bodyToken : null;
}
