/** Changing applications after they exist: update, rotate the secret, delete. */
import type { AuthContext } from '../context.js';
import { clientRuleViolations, isPublicClient, type Client } from '../domain/clients.js';
import { newClientSecret } from './ids.js';
import { ValidationError } from './registryService.js';

export type ClientChanges = Partial<
  Pick<
    Client,
    | 'name'
    | 'description'
    | 'logoUri'
    | 'appType'
    | 'tokenEndpointAuthMethod'
    | 'isFirstParty'
    | 'callbacks'
    | 'allowedLogoutUrls'
    | 'webOrigins'
    | 'allowedOrigins'
    | 'initiateLoginUri'
    | 'grantTypes'
    | 'jwtAlg'
    | 'jwtLifetimeInSeconds'
    | 'clientMetadata'
    | 'thirdPartySecurityMode'
    | 'redirectionPolicy'
    | 'clientSecret'
  >
>;

export class ClientService {
  constructor(private readonly ctx: AuthContext) {}

  async update(clientId: string, changes: ClientChanges): Promise<Client | null> {
    const current = await this.ctx.repos.clients.findById(clientId);
    if (!current) return null;
    if (current.isDynamic && changes.isFirstParty === true) {
      throw new ValidationError(['A client registered dynamically is third-party and cannot become first-party.']);
    }
    const next: Client = { ...current, ...changes, updatedAt: Date.now() };
    // Auth0: the security mode is set at creation. A first-party client made third-party later keeps the old behaviour.
    if (changes.thirdPartySecurityMode !== undefined && changes.thirdPartySecurityMode !== current.thirdPartySecurityMode) {
      throw new ValidationError(['third_party_security_mode is set when the application is created and cannot be changed.']);
    }
    next.thirdPartySecurityMode = next.isFirstParty ? null : (current.thirdPartySecurityMode ?? 'permissive');
    if (isPublicClient(next)) {
      if (changes.clientSecret) throw new ValidationError(['A public client has no secret.']);
      next.clientSecret = null;
    } else if (!next.clientSecret) {
      next.clientSecret = newClientSecret();
    }
    if (next.clientSecret !== null && next.clientSecret.length < 32) {
      throw new ValidationError(['client_secret must have at least 32 characters.']);
    }
    const problems = clientRuleViolations(next);
    if (problems.length > 0) throw new ValidationError(problems);
    await this.ctx.repos.clients.update(next);
    return next;
  }

  /**
   * A new random secret. The old one stops working at once (Auth0), or after secretRotationGraceSeconds,
   * so the application's instances can be given the new secret without an outage.
   */
  async rotateSecret(clientId: string): Promise<Client | null> {
    const current = await this.ctx.repos.clients.findById(clientId);
    if (!current) return null;
    if (isPublicClient(current)) throw new ValidationError(['A public client has no secret to rotate.']);
    const now = Date.now();
    const grace = this.ctx.options.secretRotationGraceSeconds;
    const next = { ...current, clientSecret: newClientSecret(), updatedAt: now };
    await this.ctx.repos.clients.rotateSecret(current, next.clientSecret, grace > 0 ? now + grace * 1000 : null, now);
    return next;
  }

  /**
   * Deletes the client and, through ON DELETE CASCADE in the same statement, its user grants, client
   * grants, codes, transactions and connection links: all or nothing, and it cannot be undone.
   */
  async delete(clientId: string): Promise<boolean> {
    return this.ctx.db.transaction(async (trx) => this.ctx.repos.clients.delete(clientId, trx));
  }
}
