import type { Knex } from 'knex';
import { num, type Row, pagedRows, type PageRequest } from './rows.js';

/** A user grant: this user consented to this client using these scopes at this API (audience). */
export interface UserGrant {
  id: string;
  userId: string;
  clientId: string;
  audience: string;
  scopes: string[];
  createdAt: number;
  updatedAt: number;
}

function toGrant(row: Row): UserGrant {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    clientId: String(row.client_id),
    audience: String(row.audience),
    scopes: String(row.scope).split(' ').filter(Boolean),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export class GrantsRepository {
  constructor(private readonly db: Knex) {}

  async find(userId: string, clientId: string, audience: string, trx: Knex = this.db): Promise<UserGrant | null> {
    const row = (await trx('user_grants').where({ user_id: userId, client_id: clientId, audience }).first()) as Row | undefined;
    return row ? toGrant(row) : null;
  }

  async findById(id: string): Promise<UserGrant | null> {
    const row = (await this.db('user_grants').where({ id }).first()) as Row | undefined;
    return row ? toGrant(row) : null;
  }

  async list(filter: { userId?: string; clientId?: string; audience?: string }, page: PageRequest): Promise<{ items: UserGrant[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'user_grants', { user_id: filter.userId, client_id: filter.clientId, audience: filter.audience }, page);
    return { items: rows.map(toGrant), total };
  }

  async listForUser(userId: string): Promise<UserGrant[]> {
    const rows = (await this.db('user_grants').where({ user_id: userId }).orderBy('created_at')) as Row[];
    return rows.map(toGrant);
  }

  async insert(grant: UserGrant, trx: Knex = this.db): Promise<void> {
    await trx('user_grants').insert({
      id: grant.id,
      user_id: grant.userId,
      client_id: grant.clientId,
      audience: grant.audience,
      scope: grant.scopes.join(' '),
      created_at: grant.createdAt,
      updated_at: grant.updatedAt,
    });
  }

  async updateScopes(id: string, scopes: string[], at: number, trx: Knex = this.db): Promise<void> {
    await trx('user_grants').where({ id }).update({ scope: scopes.join(' '), updated_at: at });
  }

  async delete(id: string, trx: Knex = this.db): Promise<boolean> {
    return (await trx('user_grants').where({ id }).delete()) > 0;
  }

  async deleteForUser(userId: string, trx: Knex = this.db): Promise<number> {
    return trx('user_grants').where({ user_id: userId }).delete();
  }
}
