/** Applications through the Management API: create, read, update, rotate the secret, delete. */
import type { AuthContext } from '../context.js';
import { CLIENT_FIELDS, clientRuleViolations, isPublicClient, type Client } from '../domain/clients.js';
import type { CheckpointRequest } from '../store/checkpoint.js';
import type { ClientFilter } from '../store/clientsRepository.js';
import type { PageRequest } from '../store/rows.js';
import { newClientSecret } from './ids.js';
import { RegistryService, ValidationError, type NewClient } from './registryService.js';

/** What an update may change: every declared field the server does not set itself, and the secret. */
export type ClientChanges = Partial<Omit<Pick<Client, keyof typeof CLIENT_FIELDS>, 'clientId' | 'isDynamic' | 'createdAt' | 'updatedAt'> & Pick<Client, 'clientSecret'>>;

export class ClientService {
  private readonly registry: RegistryService;

  constructor(private readonly ctx: AuthContext) {
    this.registry = new RegistryService(ctx);
  }

  /** Auth0: the security mode belongs to third-party applications and is chosen when one is created. */
  async create(input: NewClient): Promise<Client> {
    if (input.thirdPartySecurityMode !== undefined && input.isFirstParty !== false) {
      throw new ValidationError(['third_party_security_mode applies to third-party applications only (is_first_party: false).']);
    }
    return this.registry.createClient(input);
  }

  async find(clientId: string): Promise<Client | null> {
    return this.ctx.repos.clients.findById(clientId);
  }

  async list(filter: ClientFilter, page: PageRequest): Promise<{ clients: Client[]; total: number }> {
    return this.ctx.repos.clients.list(filter, page);
  }

  async listAfter(filter: ClientFilter, page: CheckpointRequest): Promise<{ clients: Client[]; next: string | null }> {
    return this.ctx.repos.clients.listAfter(filter, page);
  }

  async update(clientId: string, changes: ClientChanges): Promise<Client | null> {
    const current = await this.ctx.repos.clients.findById(clientId);
    if (!current) return null;
    if (current.isDynamic && changes.isFirstParty === true) {
      throw new ValidationError(['A client registered dynamically is third-party and cannot become first-party.']);
    }
    // Auth0: the security mode is set at creation. A first-party client made third-party later keeps the old behaviour.
    if (changes.thirdPartySecurityMode !== undefined && changes.thirdPartySecurityMode !== current.thirdPartySecurityMode) {
      throw new ValidationError(['third_party_security_mode is set when the application is created and cannot be changed.']);
    }
    const { secretUnreadable, ...rest } = { ...current, ...changes, updatedAt: Date.now() };
    const next: Client = rest;
    next.thirdPartySecurityMode = next.isFirstParty ? null : (current.thirdPartySecurityMode ?? 'permissive');
    if (isPublicClient(next)) {
      if (changes.clientSecret) throw new ValidationError(['A public client has no secret.']);
      next.clientSecret = null;
    } else if (secretUnreadable && !changes.clientSecret) {
      // The stored secret stays as it is (the repository does not overwrite it); a rotation replaces it.
      next.secretUnreadable = true;
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
   * so the application's instances can be given the new secret without an outage. An unreadable secret
   * (see Client.secretUnreadable) is replaced, and has no overlap: it authenticates nobody.
   */
  async rotateSecret(clientId: string): Promise<Client | null> {
    const current = await this.ctx.repos.clients.findById(clientId);
    if (!current) return null;
    if (isPublicClient(current)) throw new ValidationError(['A public client has no secret to rotate.']);
    const now = Date.now();
    const grace = this.ctx.options.secretRotationGraceSeconds;
    const { secretUnreadable, ...rest } = current;
    const secret = newClientSecret();
    await this.ctx.repos.clients.rotateSecret(current, secret, grace > 0 && !secretUnreadable ? now + grace * 1000 : null, now);
    return { ...rest, clientSecret: secret, updatedAt: now };
  }

  /**
   * Deletes the client and, through ON DELETE CASCADE in the same statement, its user grants, client
   * grants, codes, transactions and connection links: all or nothing, and it cannot be undone.
   */
  async delete(clientId: string): Promise<boolean> {
    return this.ctx.db.transaction(async (trx) => this.ctx.repos.clients.delete(clientId, trx));
  }
}
