import type { Knex } from 'knex';
import { PreparedStatements } from './database.js';
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

const COLUMNS = ['id', 'token_hash', 'family_id', 'client_id', 'user_id', 'grant_id', 'code_hash', 'audience', 'scope', 'auth_time', 'claims', 'created_at', 'expires_at', 'idle_expires_at', 'rotated_at', 'revoked_at'];
const INSERT = `insert into "refresh_tokens" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`;
// Named columns, never *: a prepared statement on PostgreSQL fails once a migration changes what * means.
const FIND_BY_HASH = `select ${COLUMNS.map((c) => `"${c}"`).join(', ')} from "refresh_tokens" where "token_hash" = ? limit 1`;

function toRow(token: RefreshToken): Record<string, unknown> {
  return {
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
  };
}

export class RefreshTokensRepository {
  /** Rotation's three statements (find, insert, use up) run prepared: they are every refresh's SQL. */
  private readonly hot: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.hot = new PreparedStatements(db);
  }

  async insert(token: RefreshToken, trx: Knex = this.db): Promise<void> {
    const row = toRow(token);
    if (trx === this.db) await this.hot.run(INSERT, COLUMNS.map((c) => row[c]));
    else await trx('refresh_tokens').insert(row);
  }

  async findByHash(tokenHash: string): Promise<RefreshToken | null> {
    const [row] = await this.hot.rows(FIND_BY_HASH, [tokenHash]);
    return row ? toRefreshToken(row) : null;
  }

  /** Marks the token as used. False when another request rotated it first (a reuse). */
  async markRotated(id: string, at: number, trx: Knex = this.db): Promise<boolean> {
    if (trx === this.db) return (await this.hot.run('update "refresh_tokens" set "rotated_at" = ? where "id" = ? and "rotated_at" is null and "revoked_at" is null', [at, id])) === 1;
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
