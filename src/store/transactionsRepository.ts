import type { Knex } from 'knex';
import type { AuthorizationRequest } from '../domain/authorizationRequest.js';
import { TRANSACTION_STEPS, type TransactionState, type TransactionStepName } from '../domain/transactionStates.js';
import { num, numOrNull, strOrNull, type Row } from './rows.js';

/** A validated authorization request travelling through login and consent, bound to one session. */
export interface AuthorizationTransaction {
  id: string;
  sessionId: string;
  request: AuthorizationRequest;
  /** Who signed in for this request, once it is authenticated. */
  userId: string | null;
  authTime: number | null;
  state: TransactionState;
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
    state: String(row.state) as TransactionState,
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
      state: tx.state,
      created_at: tx.createdAt,
      expires_at: tx.expiresAt,
      consumed_at: tx.consumedAt,
    });
  }

  async findById(id: string): Promise<AuthorizationTransaction | null> {
    const row = (await this.db('authorization_transactions').where({ id }).first()) as Row | undefined;
    return row ? toTransaction(row) : null;
  }

  /** Login regenerates the session id; the session's open transactions follow it. */
  async moveSession(fromSessionId: string, toSessionId: string): Promise<void> {
    await this.db('authorization_transactions').where({ session_id: fromSessionId }).update({ session_id: toSessionId });
  }

  /**
   * Applies a step of the flow (src/domain/transactionStates.ts) as one conditional UPDATE: true only
   * when the transaction was in a state the step may start from, unexpired, for the single caller that
   * won; a replay or a skipped step gets false and changes nothing.
   */
  async step(id: string, name: TransactionStepName, at: number, trx: Knex = this.db, user?: { userId: string | null; authTime: number | null }): Promise<boolean> {
    const step = TRANSACTION_STEPS[name];
    const updated = await trx('authorization_transactions')
      .where({ id })
      .whereIn('state', step.from)
      .where('expires_at', '>', at)
      .update({
        state: step.to,
        ...(step.to === 'issued' ? { consumed_at: at } : {}),
        ...(user ? { user_id: user.userId, auth_time: user.authTime } : {}),
      });
    return updated === 1;
  }

  /** A blocked or deleted user's requests in flight end here: none of them can be issued any more. */
  async endForUser(userId: string, at: number, trx: Knex = this.db): Promise<number> {
    return trx('authorization_transactions').where({ user_id: userId }).whereNot('state', 'issued').update({ state: 'issued', consumed_at: at });
  }

  async deleteExpired(before: number): Promise<number> {
    return this.db('authorization_transactions').where('expires_at', '<', before).delete();
  }
}
