import type { Knex } from 'knex';
import { num, numOrNull, strOrNull, type Row } from './rows.js';

export interface RefreshToken {
  id: string;
  tokenHash: string;
  familyId: string;
  clientId: string;
  userId: string;
  grantId: string | null;
  codeHash: string | null;
  audience: string;
  scopes: string[];
  authTime: number;
  claims: Record<string, unknown>;
  createdAt: number;
  expiresAt: number;
  idleExpiresAt: number;
  rotatedAt: number | null;
  revokedAt: number | null;
}

function toRefreshToken(row: Row): RefreshToken {
  return {
    id: String(row.id),
    tokenHash: String(row.token_hash),
    familyId: String(row.family_id),
    clientId: String(row.client_id),
    userId: String(row.user_id),
    grantId: strOrNull(row.grant_id),
    codeHash: strOrNull(row.code_hash),
    audience: String(row.audience),
    scopes: String(row.scope).split(' ').filter(Boolean),
    authTime: num(row.auth_time),
    claims: JSON.parse(String(row.claims ?? '{}')) as Record<string, unknown>,
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    idleExpiresAt: num(row.idle_expires_at),
    rotatedAt: numOrNull(row.rotated_at),
    revokedAt: numOrNull(row.revoked_at),
  };
}

export class RefreshTokensRepository {
  constructor(private readonly db: Knex) {}

  async insert(token: RefreshToken, trx: Knex = this.db): Promise<void> {
    await trx('refresh_tokens').insert({
      id: token.id,
      token_hash: token.tokenHash,
      family_id: token.familyId,
      client_id: token.clientId,
      user_id: token.userId,
      grant_id: token.grantId,
      code_hash: token.codeHash,
      audience: token.audience,
      scope: token.scopes.join(' '),
      auth_time: token.authTime,
      claims: JSON.stringify(token.claims),
      created_at: token.createdAt,
      expires_at: token.expiresAt,
      idle_expires_at: token.idleExpiresAt,
      rotated_at: token.rotatedAt,
      revoked_at: token.revokedAt,
    });
  }

  async findByHash(tokenHash: string): Promise<RefreshToken | null> {
    const row = (await this.db('refresh_tokens').where({ token_hash: tokenHash }).first()) as Row | undefined;
    return row ? toRefreshToken(row) : null;
  }

  /** Marks the token as used. False when another request rotated it first (a reuse). */
  async markRotated(id: string, at: number, trx: Knex = this.db): Promise<boolean> {
    return (await trx('refresh_tokens').where({ id }).whereNull('rotated_at').whereNull('revoked_at').update({ rotated_at: at })) === 1;
  }

  async revokeFamily(familyId: string, at: number): Promise<number> {
    return this.db('refresh_tokens').where({ family_id: familyId }).whereNull('revoked_at').update({ revoked_at: at });
  }

  async revokeIssuedFromCode(codeHash: string, at: number): Promise<number> {
    const families = this.db('refresh_tokens').where({ code_hash: codeHash }).select('family_id');
    return this.db('refresh_tokens').whereIn('family_id', families).whereNull('revoked_at').update({ revoked_at: at });
  }

  async revokeForUser(userId: string, at: number, trx: Knex = this.db): Promise<number> {
    return trx('refresh_tokens').where({ user_id: userId }).whereNull('revoked_at').update({ revoked_at: at });
  }

  /** The user narrowed a grant: tokens carrying a scope it no longer holds stop working. */
  async revokeBeyondGrant(grantId: string, granted: readonly string[], at: number, trx: Knex = this.db): Promise<number> {
    const rows = (await trx('refresh_tokens').where({ grant_id: grantId }).whereNull('revoked_at').select('family_id', 'scope')) as Row[];
    const keep = new Set(granted);
    const families = [...new Set(rows.filter((row) => String(row.scope).split(' ').some((s) => s && !keep.has(s))).map((row) => String(row.family_id)))];
    if (families.length === 0) return 0;
    return trx('refresh_tokens').whereIn('family_id', families).whereNull('revoked_at').update({ revoked_at: at });
  }

  async deleteForUser(userId: string, trx: Knex = this.db): Promise<number> {
    return trx('refresh_tokens').where({ user_id: userId }).delete();
  }
}
