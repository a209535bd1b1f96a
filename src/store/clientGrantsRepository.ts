import { checkpointRows, equalities, type CheckpointRequest } from './checkpoint.js';
import type { Knex } from 'knex';
import type { RegistryCache } from './registryCache.js';
import { num, type Row, pagedRows, type PageRequest } from './rows.js';

/** A client grant: this client may obtain tokens for this audience with these scopes (client_credentials). */
export interface ClientGrant {
  id: string;
  clientId: string;
  audience: string;
  scopes: string[];
  /** `client`: client_credentials; `user`: flows where a person signs in (and the scope ceiling there). */
  subjectType: ClientGrantSubjectType;
  createdAt: number;
  updatedAt: number;
}

export type ClientGrantSubjectType = 'client' | 'user';

/** A grant to store: machine-to-machine (`client`) unless said otherwise. */
export type NewClientGrant = Omit<ClientGrant, 'subjectType'> & { subjectType?: ClientGrantSubjectType };

/** Default permissions for every third-party client (Auth0's `default_for: third_party_clients`). */
export interface DefaultClientGrant {
  id: string;
  defaultFor: 'third_party_clients';
  audience: string;
  scopes: string[];
  subjectType: ClientGrantSubjectType;
  createdAt: number;
  updatedAt: number;
}

function toClientGrant(row: Row): ClientGrant {
  return {
    id: String(row.id),
    clientId: String(row.client_id),
    audience: String(row.audience),
    scopes: String(row.scope).split(' ').filter(Boolean),
    subjectType: (row.subject_type ?? 'client') as ClientGrantSubjectType,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

function toDefaultGrant(row: Row): DefaultClientGrant {
  return {
    id: String(row.id),
    defaultFor: 'third_party_clients',
    audience: String(row.audience),
    scopes: String(row.scope).split(' ').filter(Boolean),
    subjectType: (row.subject_type ?? 'user') as ClientGrantSubjectType,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export class ClientGrantsRepository {
  constructor(
    private readonly db: Knex,
    private readonly cache: RegistryCache,
  ) {}

  /** From the registry cache (frozen): client_credentials reads it on every request. */
  async find(clientId: string, audience: string, subjectType: ClientGrantSubjectType = 'client'): Promise<ClientGrant | null> {
    return this.cache.get(`client-grant:${subjectType} ${clientId} ${audience}`, async () => {
      const row = (await this.db('client_grants').where({ client_id: clientId, audience, subject_type: subjectType }).first()) as Row | undefined;
      return row ? toClientGrant(row) : null;
    });
  }

  /** The default permissions third-party clients get for this API, from the registry cache. */
  async findDefault(audience: string, subjectType: ClientGrantSubjectType = 'user'): Promise<DefaultClientGrant | null> {
    return this.cache.get(`default-client-grant:${subjectType} ${audience}`, async () => {
      const row = (await this.db('default_client_grants').where({ default_for: 'third_party_clients', audience, subject_type: subjectType }).first()) as Row | undefined;
      return row ? toDefaultGrant(row) : null;
    });
  }

  async listDefaults(): Promise<DefaultClientGrant[]> {
    return ((await this.db('default_client_grants').orderBy('created_at')) as Row[]).map(toDefaultGrant);
  }

  async insertDefault(grant: DefaultClientGrant): Promise<void> {
    await this.db('default_client_grants').insert({
      id: grant.id,
      default_for: grant.defaultFor,
      audience: grant.audience,
      scope: grant.scopes.join(' '),
      subject_type: grant.subjectType,
      created_at: grant.createdAt,
      updated_at: grant.updatedAt,
    });
    this.cache.written();
  }

  async deleteDefault(id: string): Promise<boolean> {
    const deleted = (await this.db('default_client_grants').where({ id }).delete()) > 0;
    this.cache.written();
    return deleted;
  }

  async findById(id: string): Promise<ClientGrant | null> {
    const row = (await this.db('client_grants').where({ id }).first()) as Row | undefined;
    return row ? toClientGrant(row) : null;
  }

  /** Checkpoint paging (from, take) in creation order (issue 13). */
  async listAfter(filter: { clientId?: string; audience?: string }, page: CheckpointRequest): Promise<{ items: ClientGrant[]; next: string | null }> {
    const { rows, next } = await checkpointRows(this.db, 'client_grants', equalities({ client_id: filter.clientId, audience: filter.audience }), page);
    return { items: rows.map(toClientGrant), next };
  }

  async list(filter: { clientId?: string; audience?: string }, page: PageRequest): Promise<{ items: ClientGrant[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'client_grants', { client_id: filter.clientId, audience: filter.audience }, page);
    return { items: rows.map(toClientGrant), total };
  }

  async insert(grant: NewClientGrant, trx: Knex = this.db): Promise<void> {
    await trx('client_grants').insert({
      id: grant.id,
      client_id: grant.clientId,
      audience: grant.audience,
      scope: grant.scopes.join(' '),
      subject_type: grant.subjectType ?? 'client',
      created_at: grant.createdAt,
      updated_at: grant.updatedAt,
    });
    this.cache.written(trx);
  }

  /** Inserts unless the client already has a grant for this audience: true when this call stored it. */
  async insertIfAbsent(grant: NewClientGrant): Promise<boolean> {
    const inserted = (await this.db('client_grants')
      .insert({ id: grant.id, client_id: grant.clientId, audience: grant.audience, scope: grant.scopes.join(' '), subject_type: grant.subjectType ?? 'client', created_at: grant.createdAt, updated_at: grant.updatedAt })
      .onConflict(['client_id', 'audience', 'subject_type'])
      .ignore()
      .returning('id')) as unknown[];
    this.cache.written();
    return inserted.length > 0;
  }

  async updateScopes(id: string, scopes: string[], at: number): Promise<void> {
    await this.db('client_grants').where({ id }).update({ scope: scopes.join(' '), updated_at: at });
    this.cache.written();
  }

  async delete(id: string): Promise<boolean> {
    const deleted = (await this.db('client_grants').where({ id }).delete()) > 0;
    this.cache.written();
    return deleted;
  }
}
