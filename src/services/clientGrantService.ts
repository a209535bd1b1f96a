/**
 * Client grants: which APIs and scopes a client may obtain — with client_credentials (subject type
 * `client`), or on behalf of a signed-in user (`user`, the ceiling of what the consent dialog may
 * offer); and the default permissions of every third-party client (`default_for`).
 */
import type { AuthContext } from '../context.js';
import { isPublicClient } from '../domain/clients.js';
import type { ResourceServer } from '../domain/resourceServers.js';
import type { ClientGrant, ClientGrantSubjectType, DefaultClientGrant } from '../store/clientGrantsRepository.js';
import { ConflictError, MissingReferenceError } from './errors.js';
import { newId } from './ids.js';
import { ValidationError } from './registryService.js';

export class ClientGrantService {
  constructor(private readonly ctx: AuthContext) {}

  /** Default permissions for every third-party client: Auth0's `default_for: third_party_clients`. */
  async createDefault(input: { audience: string; scopes: string[]; subjectType?: ClientGrantSubjectType }): Promise<DefaultClientGrant> {
    const subjectType = input.subjectType ?? 'user';
    const api = await this.findApi(input.audience, input.scopes);
    if (await this.ctx.repos.clientGrants.findDefault(api.identifier, subjectType)) throw new ConflictError('Default permissions for this audience already exist.');
    const now = Date.now();
    const grant: DefaultClientGrant = { id: newId('cgr'), defaultFor: 'third_party_clients', audience: api.identifier, scopes: [...new Set(input.scopes)], subjectType, createdAt: now, updatedAt: now };
    await this.ctx.repos.clientGrants.insertDefault(grant);
    return grant;
  }

  private async findApi(audience: string, scopes: string[]): Promise<ResourceServer> {
    const api = await this.ctx.repos.resourceServers.findByIdentifier(audience);
    if (!api) throw new MissingReferenceError('resource_server', `No resource server has the identifier "${audience}".`);
    this.checkScopes(api, scopes);
    return api;
  }

  private checkScopes(api: ResourceServer, scopes: string[]): void {
    const defined = new Set(api.scopes.map((s) => s.value));
    const unknown = scopes.filter((s) => !defined.has(s));
    if (unknown.length > 0) throw new ValidationError([`The API "${api.identifier}" does not define: ${unknown.join(', ')}.`]);
  }

  async create(input: { clientId: string; audience: string; scopes: string[]; subjectType?: ClientGrantSubjectType }): Promise<ClientGrant> {
    const subjectType = input.subjectType ?? 'client';
    const client = await this.ctx.repos.clients.findById(input.clientId);
    if (!client) throw new MissingReferenceError('client', 'The client does not exist');
    if (subjectType === 'client' && isPublicClient(client)) throw new ValidationError(['A public client cannot use client_credentials, so it cannot have a client grant.']);
    const api = await this.findApi(input.audience, input.scopes);
    if (await this.ctx.repos.clientGrants.find(client.clientId, api.identifier, subjectType)) {
      throw new ConflictError('A client grant for this client and audience already exists.');
    }
    const now = Date.now();
    const grant: ClientGrant = { id: newId('cgr'), clientId: client.clientId, audience: api.identifier, scopes: [...new Set(input.scopes)], subjectType, createdAt: now, updatedAt: now };
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
