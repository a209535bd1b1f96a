/** Access tokens (RFC 9068 JWTs) and ID tokens (OIDC Core §2), signed with jose. */
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Client } from '../domain/clients.js';
import type { KeyStore } from './keyStore.js';

export interface AccessTokenInput {
  subject: string;
  clientId: string;
  audience: string | string[];
  scopes: string[];
  lifetimeSeconds: number;
  grantId?: string | null;
  /** Auth0's grant type claim, e.g. client-credentials. */
  gty?: string;
}

export interface IdTokenInput {
  client: Client;
  subject: string;
  nonce: string | null;
  authTime: number;
  accessToken?: string;
  /** A code returned in the same authorization response (hybrid flows): c_hash. */
  code?: string;
  claims: Record<string, unknown>;
}

export class TokenSigner {
  constructor(
    private readonly issuer: string,
    private readonly keys: KeyStore,
  ) {}

  async accessToken(input: AccessTokenInput): Promise<{ token: string; jti: string }> {
    const key = this.keys.current();
    const jti = randomUUID();
    const token = await new SignJWT({
      scope: input.scopes.join(' '),
      azp: input.clientId,
      client_id: input.clientId,
      ...(input.gty ? { gty: input.gty } : {}),
      // The grant it was issued under, so that our endpoints and introspection see the grant revoked.
      ...(input.grantId ? { grant_id: input.grantId } : {}),
    })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })
      .setIssuer(this.issuer)
      .setSubject(input.subject)
      .setAudience(input.audience)
      .setIssuedAt()
      .setExpirationTime(`${input.lifetimeSeconds}s`)
      .setJti(jti)
      .sign(key.privateKey);
    return { token, jti };
  }

  /** RS256 with the server's key, or HS256 with the client's secret when the client chose it. */
  async idToken(input: IdTokenInput): Promise<string> {
    const { client } = input;
    const payload: Record<string, unknown> = { ...input.claims, auth_time: input.authTime };
    if (input.nonce !== null) payload.nonce = input.nonce;
    if (input.accessToken) payload.at_hash = leftHalfHash(input.accessToken);
    if (input.code) payload.c_hash = leftHalfHash(input.code);
    const jwt = new SignJWT(payload)
      .setIssuer(this.issuer)
      .setSubject(input.subject)
      .setAudience(client.clientId)
      .setIssuedAt()
      .setExpirationTime(`${client.jwtLifetimeInSeconds}s`);
    if (client.jwtAlg === 'HS256' && client.clientSecret) {
      return jwt.setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(new TextEncoder().encode(client.clientSecret));
    }
    const key = this.keys.current();
    return jwt.setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' }).sign(key.privateKey);
  }
}

/** at_hash / c_hash: the left half of SHA-256 of the ASCII value, base64url (OIDC Core §3.1.3.6). */
export function leftHalfHash(value: string): string {
  const digest = createHash('sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
