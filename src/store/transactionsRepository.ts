import type { Knex } from 'knex';
import type { AuthorizationRequest } from '../domain/authorizationRequest.js';
import { bool, num, numOrNull, strOrNull, type Row } from './rows.js';

/** A validated authorization request travelling through login and consent, bound to one session. */
export interface AuthorizationTransaction {
  id: string;
  sessionId: string;
  request: AuthorizationRequest;
  userId: string | null;
  authTime: number | null;
  /** prompt=login or max_age: the user must sign in afresh within this transaction. */
  loginRequired: boolean;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

function toTransaction(row: Row): AuthorizationTransaction {
  return {
    id: String(row.id),
    sessionId: String(row.session_id),
    request: JSON.parse(String(row.request)) as AuthorizationRequest,
    userId: strOrNull(row.user_id),
    authTime: numOrNull(row.auth_time),
    loginRequired: bool(row.login_required),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    consumedAt: numOrNull(row.consumed_at),
  };
}

export class TransactionsRepository {
  constructor(private readonly db: Knex) {}

  async insert(tx: AuthorizationTransaction): Promise<void> {
    await this.db('authorization_transactions').insert({
      id: tx.id,
      session_id: tx.sessionId,
      client_id: tx.request.clientId,
      request: JSON.stringify(tx.request),
      user_id: tx.userId,
      auth_time: tx.authTime,
      login_required: tx.loginRequired,
      created_at: tx.createdAt,
      expires_at: tx.expiresAt,
      consumed_at: tx.consumedAt,
    });
  }

  async findById(id: string): Promise<AuthorizationTransaction | null> {
    const row = (await this.db('authorization_transactions').where({ id }).first()) as Row | undefined;
    return row ? toTransaction(row) : null;
  }

  async recordLogin(id: string, userId: string, authTime: number): Promise<void> {
    await this.db('authorization_transactions').where({ id }).update({ user_id: userId, auth_time: authTime, login_required: false });
  }

  /** Login regenerates the session id; the session's open transactions follow it. */
  async moveSession(fromSessionId: string, toSessionId: string): Promise<void> {
    await this.db('authorization_transactions').where({ session_id: fromSessionId }).update({ session_id: toSessionId });
  }

  /** Marks the transaction used. True only for the single caller that won; a replay gets false. */
  async consume(id: string, at: number, trx: Knex = this.db): Promise<boolean> {
    const updated = await trx('authorization_transactions')
      .where({ id })
      .whereNull('consumed_at')
      .where('expires_at', '>', at)
      .update({ consumed_at: at });
    return updated === 1;
  }

  async deleteExpired(before: number): Promise<number> {
    return this.db('authorization_transactions').where('expires_at', '<', before).delete();
  }
}
