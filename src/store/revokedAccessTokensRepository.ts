import type { Knex } from 'knex';

/**
 * Access tokens revoked before their expiry (RFC 7009 for access tokens), by jti, kept until they
 * would have expired anyway. Our own endpoints and introspection consult it; self-contained tokens
 * checked elsewhere run until they expire.
 */
export class RevokedAccessTokensRepository {
  constructor(private readonly db: Knex) {}

  async revoke(jti: string, expiresAt: number): Promise<void> {
    await this.db('revoked_access_tokens').insert({ jti, expires_at: expiresAt }).onConflict('jti').ignore();
  }

  async isRevoked(jti: string): Promise<boolean> {
    return (await this.db('revoked_access_tokens').where({ jti }).first('jti')) !== undefined;
  }

  async deleteExpired(before: number): Promise<number> {
    return this.db('revoked_access_tokens').where('expires_at', '<', before).delete();
  }
}
