import { checkpointRows, equalities, type CheckpointRequest } from './checkpoint.js';
import type { Knex } from 'knex';
import { GRANT_FIELDS, type GrantFilter, type UserGrant } from '../domain/userGrants.js';
import { readFields, writeFields } from './columnMapping.js';
import { type Row, pagedRows, type PageRequest } from './rows.js';
import { PreparedStatements, selectByColumns } from './database.js';

export type { UserGrant } from '../domain/userGrants.js';

const toGrant = (row: Row): UserGrant => readFields<UserGrant>(GRANT_FIELDS, row);
const toRow = (grant: UserGrant): Row => writeFields(GRANT_FIELDS, grant);
/** Column equalities for the fields a filter sets (all text). */
const columnsOf = (filter: GrantFilter): Record<string, string> => writeFields(GRANT_FIELDS, filter) as Record<string, string>;

const FIND = selectByColumns('user_grants', GRANT_FIELDS, [GRANT_FIELDS.userId.column, GRANT_FIELDS.clientId.column, GRANT_FIELDS.audience.column]);

export class GrantsRepository {
  /** A returning user's /authorize reads their grant: outside a transaction, that read runs prepared. */
  private readonly hot: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.hot = new PreparedStatements(db);
  }

  async find(userId: string, clientId: string, audience: string, trx: Knex = this.db): Promise<UserGrant | null> {
    const row = trx === this.db ? (await this.hot.rows(FIND, [userId, clientId, audience]))[0] : ((await trx('user_grants').where(columnsOf({ userId, clientId, audience })).first()) as Row | undefined);
    return row ? toGrant(row) : null;
  }

  async findById(id: string): Promise<UserGrant | null> {
    const row = (await this.db('user_grants').where({ id }).first()) as Row | undefined;
    return row ? toGrant(row) : null;
  }

  /** Checkpoint paging (from, take) in creation order (issue 13). */
  async listAfter(filter: GrantFilter, page: CheckpointRequest): Promise<{ items: UserGrant[]; next: string | null }> {
    const { rows, next } = await checkpointRows(this.db, 'user_grants', equalities(columnsOf(filter)), page);
    return { items: rows.map(toGrant), next };
  }

  async list(filter: GrantFilter, page: PageRequest): Promise<{ items: UserGrant[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'user_grants', columnsOf(filter), page);
    return { items: rows.map(toGrant), total };
  }

  async listForUser(userId: string): Promise<UserGrant[]> {
    const rows = (await this.db('user_grants').where(columnsOf({ userId })).orderBy('created_at')) as Row[];
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
    await trx('user_grants').where({ id }).update(writeFields(GRANT_FIELDS, { scopes: scopes.granted, rejectedScopes: scopes.rejected, updatedAt: at }));
  }

  async delete(id: string, trx: Knex = this.db): Promise<boolean> {
    return (await trx('user_grants').where({ id }).delete()) > 0;
  }

  async deleteForUser(userId: string, trx: Knex = this.db): Promise<number> {
    return trx('user_grants').where(columnsOf({ userId })).delete();
  }
}
