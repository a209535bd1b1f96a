/**
 * Client grants: which APIs and scopes a client may obtain — with client_credentials (subject type
 * `client`), or on behalf of a signed-in user (`user`, the ceiling of what the consent dialog may
 * offer) — and the default permissions of every third-party client (`default_for`), which Auth0 keeps
 * under the same /client-grants and we keep in a table of their own.
 */
import type { AuthContext } from '../context.js';
import type { ClientGrant, ClientGrantSubjectType, DefaultClientGrant } from '../domain/clientGrants.js';
import { isPublicClient } from '../domain/clients.js';
import type { ResourceServer } from '../domain/resourceServers.js';
import type { CheckpointRequest } from '../store/checkpoint.js';
import type { ClientGrantFilter } from '../store/clientGrantsRepository.js';
import type { PageRequest } from '../store/rows.js';
import { ConflictError, MissingReferenceError } from './errors.js';
import { newId } from './ids.js';
import { ValidationError } from './registryService.js';

export type AnyClientGrant = ClientGrant | DefaultClientGrant;

export const isDefaultGrant = (grant: AnyClientGrant): grant is DefaultClientGrant => 'defaultFor' in grant;

export interface NewGrantRequest {
  clientId?: string;
  defaultFor?: DefaultClientGrant['defaultFor'];
  audience: string;
  scopes: string[];
  subjectType?: ClientGrantSubjectType;
}

/** What identifies a grant cannot change: given again, only its current value passes (Auth0 sends it back). */
export type GrantChanges = { scopes?: string[] } & Partial<Pick<NewGrantRequest, 'clientId' | 'defaultFor' | 'audience' | 'subjectType'>>;

export type GrantListFilter = ClientGrantFilter & { defaultFor?: DefaultClientGrant['defaultFor'] };

export class ClientGrantService {
  constructor(private readonly ctx: AuthContext) {}

  /** A client's grant, or (with `defaultFor`, Auth0's "Mutually exclusive with client_id") the default permissions. */
  async createAny(input: NewGrantRequest): Promise<AnyClientGrant> {
    if ((input.clientId === undefined) === (input.defaultFor === undefined)) {
      throw new ValidationError(['Payload validation error: exactly one of client_id and default_for is required.']);
    }
    if (input.defaultFor !== undefined) {
      // Default permissions stand in for a client's own grant in user flows; client_credentials needs a grant per client.
      if (input.subjectType === 'client') throw new ValidationError(['Default permissions for third-party clients apply to user flows only (subject_type: user).']);
      return this.createDefault({ audience: input.audience, scopes: input.scopes });
    }
    return this.create({ ...input, clientId: input.clientId ?? '' });
  }

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

  async find(id: string): Promise<AnyClientGrant | null> {
    return (await this.ctx.repos.clientGrants.findById(id)) ?? (await this.ctx.repos.clientGrants.findDefaultById(id));
  }

  /** Per-client grants; the default permissions when the filter asks for them (`default_for`). */
  async list(filter: GrantListFilter, page: PageRequest): Promise<{ items: AnyClientGrant[]; total: number }> {
    const { defaultFor, clientId, ...rest } = filter;
    if (defaultFor === undefined) return this.ctx.repos.clientGrants.list(filter, page);
    if (clientId !== undefined) return { items: [], total: 0 };
    return this.ctx.repos.clientGrants.listDefaultsPage(rest, page);
  }

  async listAfter(filter: GrantListFilter, page: CheckpointRequest): Promise<{ items: AnyClientGrant[]; next: string | null }> {
    const { defaultFor, clientId, ...rest } = filter;
    if (defaultFor === undefined) return this.ctx.repos.clientGrants.listAfter(filter, page);
    if (clientId !== undefined) return { items: [], next: null };
    return this.ctx.repos.clientGrants.listDefaultsAfter(rest, page);
  }

  async update(id: string, changes: GrantChanges): Promise<AnyClientGrant | null> {
    const grant = await this.find(id);
    if (!grant) return null;
    const fixed = { clientId: isDefaultGrant(grant) ? undefined : grant.clientId, defaultFor: isDefaultGrant(grant) ? grant.defaultFor : undefined, audience: grant.audience, subjectType: grant.subjectType };
    const names = { clientId: 'client_id', defaultFor: 'default_for', audience: 'audience', subjectType: 'subject_type' } as const;
    for (const key of Object.keys(names) as (keyof typeof names)[]) {
      if (changes[key] !== undefined && changes[key] !== fixed[key]) throw new ValidationError([`Payload validation error: ${names[key]} of a client grant cannot be changed.`]);
    }
    if (changes.scopes === undefined) return grant;
    const scopes = [...new Set(changes.scopes)];
    const api = await this.ctx.repos.resourceServers.findByIdentifier(grant.audience);
    if (api) this.checkScopes(api, scopes);
    const now = Date.now();
    if (isDefaultGrant(grant)) await this.ctx.repos.clientGrants.updateDefaultScopes(id, scopes, now);
    else await this.ctx.repos.clientGrants.updateScopes(id, scopes, now);
    return { ...grant, scopes, updatedAt: now };
  }

  async delete(id: string): Promise<boolean> {
    return (await this.ctx.repos.clientGrants.delete(id)) || (await this.ctx.repos.clientGrants.deleteDefault(id));
  }
}
