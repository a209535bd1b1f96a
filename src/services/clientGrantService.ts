/** Client grants: which APIs and scopes a machine-to-machine client may obtain with client_credentials. */
import type { AuthContext } from '../context.js';
import { isPublicClient } from '../domain/clients.js';
import type { ResourceServer } from '../domain/resourceServers.js';
import type { ClientGrant } from '../store/clientGrantsRepository.js';
import { ConflictError, MissingReferenceError } from './errors.js';
import { newId } from './ids.js';
import { ValidationError } from './registryService.js';

export class ClientGrantService {
  constructor(private readonly ctx: AuthContext) {}

  private checkScopes(api: ResourceServer, scopes: string[]): void {
    const defined = new Set(api.scopes.map((s) => s.value));
    const unknown = scopes.filter((s) => !defined.has(s));
    if (unknown.length > 0) throw new ValidationError([`The API "${api.identifier}" does not define: ${unknown.join(', ')}.`]);
  }

  async create(input: { clientId: string; audience: string; scopes: string[] }): Promise<ClientGrant> {
    const client = await this.ctx.repos.clients.findById(input.clientId);
    if (!client) throw new MissingReferenceError('client', 'The client does not exist');
    if (isPublicClient(client)) throw new ValidationError(['A public client cannot use client_credentials, so it cannot have a client grant.']);
    const api = await this.ctx.repos.resourceServers.findByIdentifier(input.audience);
    if (!api) throw new MissingReferenceError('resource_server', `No resource server has the identifier "${input.audience}".`);
    this.checkScopes(api, input.scopes);
    if (await this.ctx.repos.clientGrants.find(client.clientId, api.identifier)) {
      throw new ConflictError('A client grant for this client and audience already exists.');
    }
    const now = Date.now();
    const grant: ClientGrant = { id: newId('cgr'), clientId: client.clientId, audience: api.identifier, scopes: [...new Set(input.scopes)], createdAt: now, updatedAt: now };
    await this.ctx.repos.clientGrants.insert(grant);
    return grant;
  }

  async updateScopes(id: string, scopes: string[]): Promise<ClientGrant | null> {
    const grant = await this.ctx.repos.clientGrants.findById(id);
    if (!grant) return null;
    const api = await this.ctx.repos.resourceServers.findByIdentifier(grant.audience);
    if (api) this.checkScopes(api, scopes);
    const now = Date.now();
    await this.ctx.repos.clientGrants.updateScopes(id, [...new Set(scopes)], now);
    return { ...grant, scopes: [...new Set(scopes)], updatedAt: now };
  }
}
