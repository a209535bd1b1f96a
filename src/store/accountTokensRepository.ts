/** The single-use links of the account emails, by the hash of their token (src/services/accountTokens.ts). */
import type { Knex } from 'knex';
import { num, strOrNull, type Row } from './rows.js';

export type AccountTokenPurpose = 'reset_password' | 'verify_email';

export interface AccountToken {
  tokenHash: string;
  purpose: AccountTokenPurpose;
  /** The stored user id (not the `auth0|` subject). */
  userId: string;
  txId: string | null;
  createdAt: number;
  expiresAt: number;
}

function toToken(row: Row): AccountToken {
  return {
    tokenHash: String(row.token_hash),
    purpose: String(row.purpose) as AccountTokenPurpose,
    userId: String(row.user_id),
    txId: strOrNull(row.tx_id),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
  };
}

export class AccountTokensRepository {
  constructor(private readonly db: Knex) {}

  async insert(token: AccountToken): Promise<void> {
    await this.db('account_tokens').insert({
      token_hash: token.tokenHash,
      purpose: token.purpose,
      user_id: token.userId,
      tx_id: token.txId,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      used_at: null,
    });
  }

  /** The unused, unexpired token with this hash and purpose, or null. */
  async findUsable(purpose: AccountTokenPurpose, tokenHash: string, now: number): Promise<AccountToken | null> {
    const row = (await this.db('account_tokens').where({ token_hash: tokenHash, purpose }).whereNull('used_at').where('expires_at', '>', now).first()) as Row | undefined;
    return row ? toToken(row) : null;
  }

  /** Marks the token used: true for the one call that did it, so two requests racing on a link cannot both pass. */
  async consume(purpose: AccountTokenPurpose, tokenHash: string, now: number, trx: Knex = this.db): Promise<boolean> {
    const changed = await trx('account_tokens').where({ token_hash: tokenHash, purpose }).whereNull('used_at').where('expires_at', '>', now).update({ used_at: now });
    return changed === 1;
  }

  /** Ends every unused link of this purpose for the user (a newer one replaces them, or the password changed). */
  async endForUser(userId: string, purpose: AccountTokenPurpose, now: number, trx: Knex = this.db): Promise<number> {
    return trx('account_tokens').where({ user_id: userId, purpose }).whereNull('used_at').update({ used_at: now });
  }

  /** Rows past their expiry, a bounded batch at a time; issuing a link sweeps (the table stays small). */
  async deleteExpired(now: number): Promise<number> {
    const hashes = (await this.db('account_tokens').where('expires_at', '<=', now).limit(500).pluck('token_hash')) as string[];
    return hashes.length ? this.db('account_tokens').whereIn('token_hash', hashes).delete() : 0;
  }
}
