import type { Knex } from 'knex';
import type { RegistryCache } from './registryCache.js';
import { num, type Row, pagedRows, type PageRequest } from './rows.js';

/** A client grant: this client may obtain tokens for this audience with these scopes (client_credentials). */
export interface ClientGrant {
  id: string;
  clientId: string;
  audience: string;
  scopes: string[];
  createdAt: number;
  updatedAt: number;
}

function toClientGrant(row: Row): ClientGrant {
  return {
    id: String(row.id),
    clientId: String(row.client_id),
    audience: String(row.audience),
    scopes: String(row.scope).split(' ').filter(Boolean),
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
  async find(clientId: string, audience: string): Promise<ClientGrant | null> {
    return this.cache.get(`client-grant:${clientId} ${audience}`, async () => {
      const row = (await this.db('client_grants').where({ client_id: clientId, audience }).first()) as Row | undefined;
      return row ? toClientGrant(row) : null;
    });
  }

  async findById(id: string): Promise<ClientGrant | null> {
    const row = (await this.db('client_grants').where({ id }).first()) as Row | undefined;
    return row ? toClientGrant(row) : null;
  }

  async list(filter: { clientId?: string; audience?: string }, page: PageRequest): Promise<{ items: ClientGrant[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'client_grants', { client_id: filter.clientId, audience: filter.audience }, page);
    return { items: rows.map(toClientGrant), total };
  }

  async insert(grant: ClientGrant, trx: Knex = this.db): Promise<void> {
    await trx('client_grants').insert({
      id: grant.id,
      client_id: grant.clientId,
      audience: grant.audience,
      scope: grant.scopes.join(' '),
      created_at: grant.createdAt,
      updated_at: grant.updatedAt,
    });
    this.cache.written(trx);
  }

  /** Inserts unless the client already has a grant for this audience: true when this call stored it. */
  async insertIfAbsent(grant: ClientGrant): Promise<boolean> {
    const inserted = (await this.db('client_grants')
      .insert({ id: grant.id, client_id: grant.clientId, audience: grant.audience, scope: grant.scopes.join(' '), created_at: grant.createdAt, updated_at: grant.updatedAt })
      .onConflict(['client_id', 'audience'])
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
