/**
 * Deleting expired rows in bounded batches: each statement deletes at most `limit` rows chosen by a
 * subquery on an indexed expiry, so no statement holds locks for long. Every delete is idempotent:
 * instances sweeping at once delete disjoint or already-deleted rows, never anything live.
 */
import type { Knex } from 'knex';

export type SweptTable = 'sessions' | 'authorization_transactions' | 'authorization_codes' | 'refresh_tokens' | 'revoked_access_tokens' | 'clients';

const PRIMARY_KEYS: ReadonlyMap<SweptTable, string> = new Map<SweptTable, string>([
  ['sessions', 'sid'],
  ['authorization_transactions', 'id'],
  ['authorization_codes', 'code_hash'],
  ['refresh_tokens', 'id'],
  ['revoked_access_tokens', 'jti'],
]);

export class ExpiredRowsRepository {
  constructor(private readonly db: Knex) {}

  /** Deletes up to `limit` rows of `table` whose expires_at is before `before`; returns how many. */
  async deleteExpired(table: SweptTable, before: number, limit: number, trx: Knex = this.db): Promise<number> {
    const key = PRIMARY_KEYS.get(table) as string;
    const batch = trx(table).select(key).where('expires_at', '<', before).limit(limit);
    return trx(table).whereIn(key, batch).delete();
  }

  /**
   * Deletes up to `limit` sessions that nobody signed in to and that no live authorization transaction
   * refers to (a transaction inserted after this reads as live: it expires in the future).
   */
  async deleteAnonymousSessions(at: number, limit: number, trx: Knex = this.db): Promise<number> {
    const live = trx('authorization_transactions').select('session_id').where('expires_at', '>=', at);
    // The user_id column is filled from the session's user on every save; the LIKE also spares rows
    // saved before that column existed.
    const batch = trx('sessions').select('sid').whereNull('user_id').whereNot('sess', 'like', '%"user":%').whereNotIn('sid', live).limit(limit);
    return trx('sessions').whereIn('sid', batch).delete();
  }

  /**
   * Clients that registered themselves (dynamic registration, metadata documents) before `before` and
   * that no user ever granted anything: AI clients that register on every connect leave these behind.
   */
  async deleteUnusedDynamicClients(before: number, limit: number, trx: Knex = this.db): Promise<number> {
    const granted = trx('user_grants').select('client_id');
    const batch = trx('clients').select('client_id').where({ is_dynamic: true }).where('created_at', '<', before).whereNotIn('client_id', granted).limit(limit);
    return trx('clients').whereIn('client_id', batch).delete();
  }

  async count(table: SweptTable): Promise<number> {
    const row = (await this.db(table).count({ n: '*' }).first()) as { n?: number | string } | undefined;
    return Number(row?.n ?? 0);
  }
}
