import { checkpointRows, equalities, type CheckpointRequest } from './checkpoint.js';
import type { Knex } from 'knex';
import { num, type Row, pagedRows, type PageRequest } from './rows.js';

/** A user grant: this user consented to this client using these scopes at this API (audience). */
export interface UserGrant {
  id: string;
  userId: string;
  clientId: string;
  audience: string;
  scopes: string[];
  /** Scopes the user refused in the dialog: never asked again without prompt=consent, never in a token. */
  rejectedScopes: string[];
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
    rejectedScopes: String(row.rejected_scope ?? '').split(' ').filter(Boolean),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

function toRow(grant: UserGrant): Row {
  return {
    id: grant.id,
    user_id: grant.userId,
    client_id: grant.clientId,
    audience: grant.audience,
    scope: grant.scopes.join(' '),
    rejected_scope: grant.rejectedScopes.join(' '),
    created_at: grant.createdAt,
    updated_at: grant.updatedAt,
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

  /** Checkpoint paging (from, take) in creation order (issue 13). */
  async listAfter(filter: { userId?: string; clientId?: string; audience?: string }, page: CheckpointRequest): Promise<{ items: UserGrant[]; next: string | null }> {
    const { rows, next } = await checkpointRows(this.db, 'user_grants', equalities({ user_id: filter.userId, client_id: filter.clientId, audience: filter.audience }), page);
    return { items: rows.map(toGrant), next };
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
    await trx('user_grants').insert(toRow(grant));
  }

  /** False when a grant for the same user, client and audience exists already (written concurrently). */
  async insertIfAbsent(grant: UserGrant, trx: Knex = this.db): Promise<boolean> {
    const inserted = (await trx('user_grants').insert(toRow(grant)).onConflict(['user_id', 'client_id', 'audience']).ignore().returning('id')) as unknown[];
    return inserted.length === 1;
  }

  async updateScopes(id: string, scopes: { granted: string[]; rejected: string[] }, at: number, trx: Knex = this.db): Promise<void> {
    await trx('user_grants').where({ id }).update({ scope: scopes.granted.join(' '), rejected_scope: scopes.rejected.join(' '), updated_at: at });
  }

  async delete(id: string, trx: Knex = this.db): Promise<boolean> {
    return (await trx('user_grants').where({ id }).delete()) > 0;
  }

  async deleteForUser(userId: string, trx: Knex = this.db): Promise<number> {
    return trx('user_grants').where({ user_id: userId }).delete();
  }
}
