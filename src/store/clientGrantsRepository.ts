import type { Knex } from 'knex';
import { num, type Row } from './rows.js';

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
  constructor(private readonly db: Knex) {}

  async find(clientId: string, audience: string): Promise<ClientGrant | null> {
    const row = (await this.db('client_grants').where({ client_id: clientId, audience }).first()) as Row | undefined;
    return row ? toClientGrant(row) : null;
  }

  async findById(id: string): Promise<ClientGrant | null> {
    const row = (await this.db('client_grants').where({ id }).first()) as Row | undefined;
    return row ? toClientGrant(row) : null;
  }

  async list(filter: { clientId?: string; audience?: string }, page: { offset: number; limit: number }): Promise<{ items: ClientGrant[]; total: number }> {
    const where = (q: Knex.QueryBuilder): Knex.QueryBuilder => {
      if (filter.clientId) q.where('client_id', filter.clientId);
      if (filter.audience) q.where('audience', filter.audience);
      return q;
    };
    const rows = (await where(this.db('client_grants')).orderBy('created_at').orderBy('id').offset(page.offset).limit(page.limit)) as Row[];
    const count = (await where(this.db('client_grants')).count({ n: '*' }).first()) as Row | undefined;
    return { items: rows.map(toClientGrant), total: num(count?.n ?? 0) };
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
  }

  async updateScopes(id: string, scopes: string[], at: number): Promise<void> {
    await this.db('client_grants').where({ id }).update({ scope: scopes.join(' '), updated_at: at });
  }

  async delete(id: string): Promise<boolean> {
    return (await this.db('client_grants').where({ id }).delete()) > 0;
  }
}
