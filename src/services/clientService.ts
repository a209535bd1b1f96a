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

  /** A new random secret; the old one stops working at once. */
  async rotateSecret(clientId: string): Promise<Client | null> {
    const current = await this.ctx.repos.clients.findById(clientId);
    if (!current) return null;
    if (isPublicClient(current)) throw new ValidationError(['A public client has no secret to rotate.']);
    const next = { ...current, clientSecret: newClientSecret(), updatedAt: Date.now() };
    await this.ctx.repos.clients.update(next);
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
