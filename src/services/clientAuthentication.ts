/** Client authentication at the token endpoint (RFC 6749 §2.3, OIDC Core §9). */
import type { AuthContext } from '../context.js';
import { isPublicClient, type Client } from '../domain/clients.js';
import { timingSafeEqualStrings } from '../domain/constantTime.js';
import { OAuthError, TooManyAttemptsError } from '../domain/errors.js';
import type { RequestInfo } from '../domain/logEvents.js';
import type { LimitCheck } from './rateLimiter.js';

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

const TOO_MANY = 'Too many failed client authentications from this address; try again later.';

/**
 * `request` names the address the abuse limits count failures for: wrong secrets per client and
 * address and per address, unknown client_ids per address. A refused attempt is answered (429)
 * before the secret is compared.
 */
export async function authenticateClient(ctx: AuthContext, creds: PresentedCredentials, request?: RequestInfo): Promise<Client> {
  const usedBasic = creds.method === 'client_secret_basic';
  if (!creds.clientId) throw new InvalidClientError('Client authentication failed: no client_id.', usedBasic);
  const ip = request?.ip ?? '';
  const limits = ctx.options.abuseLimits;
  const perAddress: LimitCheck = { key: { rule: 'client_auth_ip', identifier: '', ip, connection: '' }, rule: limits.failedClientAuthenticationsPerAddress };
  const client = await ctx.repos.clients.findById(creds.clientId);
  if (!client) {
    // Probing for client_ids is a failure of the address too.
    await refuseIfLimited(ctx, [perAddress]);
    await ctx.limiter.fail([perAddress]);
    throw new InvalidClientError('Client authentication failed.', usedBasic);
  }
  if (isPublicClient(client)) {
    if (creds.clientSecret !== undefined) throw new InvalidClientError('A public client has no secret to send.', usedBasic);
    return client;
  }
  const checks: LimitCheck[] = [
    { key: { rule: 'client_auth_client_ip', identifier: client.clientId, ip, connection: '' }, rule: limits.failedClientAuthenticationsPerClientAndAddress },
    perAddress,
  ];
  await refuseIfLimited(ctx, checks);
  const matches = (secret: string) =>
    (client.clientSecret !== null && timingSafeEqualStrings(secret, client.clientSecret)) ||
    // Within a rotation's overlap window the previous secret still works (secretRotationGraceSeconds).
    ctx.repos.clients.previousSecretMatches(client.clientId, secret, Date.now());
  if (creds.clientSecret === undefined || !(await matches(creds.clientSecret))) {
    await ctx.limiter.fail(checks);
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

async function refuseIfLimited(ctx: AuthContext, checks: LimitCheck[]): Promise<void> {
  const refusal = await ctx.limiter.check(checks);
  if (refusal) throw new TooManyAttemptsError(TOO_MANY, refusal.retryAfterSeconds);
}
