/**
 * What logout needs beyond HTTP: the client a request names, and whether an id_token_hint is an ID
 * token this server issued to that client.
 */
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { AuthContext } from '../context.js';
import type { Client } from '../domain/clients.js';
import { UntrustedRequestError } from '../domain/errors.js';
import { findClient } from './clientLookup.js';

export class LogoutService {
  constructor(private readonly ctx: AuthContext) {}

  /** The client, or null when it no longer exists (a confirmation form outlived it). */
  findClient(clientId: string): Promise<Client | null> {
    return findClient(this.ctx, clientId);
  }

  /** The client a logout request names; an unknown one is refused. */
  async client(clientId: string): Promise<Client> {
    const client = await findClient(this.ctx, clientId);
    if (!client) throw new UntrustedRequestError('Unknown application', 'No application is registered with this client_id.');
    return client;
  }

  /**
   * An ID token this server issued to the client it names (expired ones are fine: logging out after the
   * token expired is the common case). Returns the client_id.
   */
  async verifyIdTokenHint(hint: string): Promise<string> {
    const bad = () => new UntrustedRequestError('Invalid logout request', 'The id_token_hint is not an ID token issued by this server.');
    let aud: unknown;
    try {
      aud = decodeJwt(hint).aud;
    } catch {
      throw bad();
    }
    const clientId = Array.isArray(aud) ? aud[0] : aud;
    if (typeof clientId !== 'string') throw bad();
    const client = await findClient(this.ctx, clientId);
    if (!client) throw bad();
    const options = { issuer: this.ctx.options.issuer, audience: clientId, clockTolerance: Number.MAX_SAFE_INTEGER };
    try {
      if (client.jwtAlg === 'HS256' && client.clientSecret) {
        await jwtVerify(hint, new TextEncoder().encode(client.clientSecret), { ...options, algorithms: ['HS256'] });
      } else {
        await jwtVerify(hint, createLocalJWKSet(this.ctx.keys.jwks()), { ...options, algorithms: ['RS256'] });
      }
    } catch {
      throw bad();
    }
    return clientId;
  }
}
