/**
 * Access tokens (RFC 9068 JWTs) and ID tokens (OIDC Core §2): compact JWS (RFC 7515) signed with
 * node:crypto. The key was imported once (KeyStore) and each header is encoded once per key, so a token
 * costs one JSON encoding and one RSA signature, on this thread: no WebCrypto job handed to libuv's
 * pool and back, which on a busy machine cost more than the signature's own arithmetic.
 */
import { createHash, createHmac, randomUUID, sign, type KeyObject } from 'node:crypto';
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
  /** The token's id when the caller must record it before the token exists (a code's exchange). */
  jti?: string;
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
  /** Encoded protected headers by kid and typ: a key's headers never change. */
  private readonly headers = new Map<string, string>();

  constructor(
    private readonly issuer: string,
    private readonly keys: KeyStore,
  ) {}

  async accessToken(input: AccessTokenInput): Promise<{ token: string; jti: string }> {
    const key = this.keys.current();
    const jti = input.jti ?? randomUUID();
    const iat = nowSeconds();
    const payload = {
      scope: input.scopes.join(' '),
      azp: input.clientId,
      client_id: input.clientId,
      ...(input.gty ? { gty: input.gty } : {}),
      // The grant it was issued under, so that our endpoints and introspection see the grant revoked.
      ...(input.grantId ? { grant_id: input.grantId } : {}),
      iss: this.issuer,
      sub: input.subject,
      aud: input.audience,
      iat,
      exp: iat + input.lifetimeSeconds,
      jti,
    };
    return { token: this.rs256(key.kid, 'at+jwt', key.privateKey, payload), jti };
  }

  /** RS256 with the server's key, or HS256 with the client's secret when the client chose it. */
  async idToken(input: IdTokenInput): Promise<string> {
    const { client } = input;
    const iat = nowSeconds();
    const payload: Record<string, unknown> = { ...input.claims, auth_time: input.authTime };
    if (input.nonce !== null) payload.nonce = input.nonce;
    if (input.accessToken) payload.at_hash = leftHalfHash(input.accessToken);
    if (input.code) payload.c_hash = leftHalfHash(input.code);
    Object.assign(payload, { iss: this.issuer, sub: input.subject, aud: client.clientId, iat, exp: iat + client.jwtLifetimeInSeconds });
    if (client.jwtAlg === 'HS256' && client.clientSecret) {
      const signingInput = `${encodeJson({ alg: 'HS256', typ: 'JWT' })}.${encodeJson(payload)}`;
      return `${signingInput}.${createHmac('sha256', client.clientSecret).update(signingInput).digest('base64url')}`;
    }
    const key = this.keys.current();
    return this.rs256(key.kid, 'JWT', key.privateKey, payload);
  }

  private rs256(kid: string, typ: string, privateKey: KeyObject, payload: object): string {
    const cacheKey = `${kid} ${typ}`;
    let header = this.headers.get(cacheKey);
    if (header === undefined) {
      header = encodeJson({ alg: 'RS256', kid, typ });
      this.headers.set(cacheKey, header);
    }
    const signingInput = `${header}.${encodeJson(payload)}`;
    return `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
  }
}

function encodeJson(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** at_hash / c_hash: the left half of SHA-256 of the ASCII value, base64url (OIDC Core §3.1.3.6). */
export function leftHalfHash(value: string): string {
  const digest = createHash('sha256').update(value, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
