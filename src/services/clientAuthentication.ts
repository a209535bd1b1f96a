/** Client authentication at the token endpoint (RFC 6749 §2.3, OIDC Core §9). */
import type { AuthContext } from '../context.js';
import { isPublicClient, type Client } from '../domain/clients.js';
import { timingSafeEqualStrings } from '../domain/constantTime.js';
import { OAuthError } from '../domain/errors.js';

export interface PresentedCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

export class InvalidClientError extends OAuthError {
  constructor(
    description: string,
    readonly usedBasic: boolean,
  ) {
    super('invalid_client', description, 401);
  }
}

export async function authenticateClient(ctx: AuthContext, creds: PresentedCredentials): Promise<Client> {
  const usedBasic = creds.method === 'client_secret_basic';
  if (!creds.clientId) throw new InvalidClientError('Client authentication failed: no client_id.', usedBasic);
  const client = await ctx.repos.clients.findById(creds.clientId);
  if (!client) throw new InvalidClientError('Client authentication failed.', usedBasic);
  if (isPublicClient(client)) {
    if (creds.clientSecret !== undefined) throw new InvalidClientError('A public client has no secret to send.', usedBasic);
    return client;
  }
  if (creds.clientSecret === undefined || !client.clientSecret || !timingSafeEqualStrings(creds.clientSecret, client.clientSecret)) {
    throw new InvalidClientError('Client authentication failed.', usedBasic);
  }
  // A registered client chose its method (RFC 7591 §2) and gets exactly that one. Clients made through
  // the Management API may send their secret either way, as with Auth0, whose SDKs post it in the body
  // while express-openid-connect sends Basic by default.
  if (client.isDynamic && creds.method !== client.tokenEndpointAuthMethod) {
    throw new InvalidClientError(`This client is registered for ${client.tokenEndpointAuthMethod}, not ${creds.method}.`, usedBasic);
  }
  return client;
}
