import type { Knex } from 'knex';
import { PreparedStatements } from './database.js';
import { num, numOrNull, strOrNull, type Row } from './rows.js';

/** An authorization code, stored by the SHA-256 of its value: a database leak yields no usable code. */
export interface AuthorizationCode {
  codeHash: string;
  clientId: string;
  userId: string;
  grantId: string | null;
  redirectUri: string;
  scopes: string[];
  audience: string;
  nonce: string | null;
  codeChallenge: string | null;
  authTime: number;
  claims: Record<string, unknown>;
  sessionId: string | null;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  /** The access token the exchange issued, so that a replay of the code can revoke it. */
  issuedAccessToken?: { jti: string; expiresAt: number } | null;
}

function toCode(row: Row): AuthorizationCode {
  return {
    codeHash: String(row.code_hash),
    clientId: String(row.client_id),
    userId: String(row.user_id),
    grantId: strOrNull(row.grant_id),
    redirectUri: String(row.redirect_uri),
    scopes: String(row.scope).split(' ').filter(Boolean),
    audience: String(row.audience),
    nonce: strOrNull(row.nonce),
    codeChallenge: strOrNull(row.code_challenge),
    authTime: num(row.auth_time),
    claims: JSON.parse(String(row.claims ?? '{}')) as Record<string, unknown>,
    sessionId: strOrNull(row.session_id),
    createdAt: num(row.created_at),
    expiresAt: num(row.expires_at),
    consumedAt: numOrNull(row.consumed_at),
    issuedAccessToken: row.issued_jti ? { jti: String(row.issued_jti), expiresAt: num(row.issued_jti_expires_at) } : null,
  };
}

const COLUMNS = ['code_hash', 'client_id', 'user_id', 'grant_id', 'redirect_uri', 'scope', 'audience', 'nonce', 'code_challenge', 'auth_time', 'claims', 'session_id', 'created_at', 'expires_at', 'consumed_at'];
const INSERT = `insert into "authorization_codes" (${COLUMNS.map((c) => `"${c}"`).join(', ')}) values (${COLUMNS.map(() => '?').join(', ')})`;
// Named columns, never *: a prepared statement on PostgreSQL fails once a migration changes what * means.
const CONSUME = `update "authorization_codes" set "consumed_at" = ?, "issued_jti" = ?, "issued_jti_expires_at" = ?
  where "code_hash" = ? and "client_id" = ? and "consumed_at" is null and "expires_at" > ?
  returning ${[...COLUMNS, 'issued_jti', 'issued_jti_expires_at'].map((c) => `"${c}"`).join(', ')}`;

export class CodesRepository {
  /** A code's insert and its exchange run prepared: they are every code flow's SQL. */
  private readonly hot: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.hot = new PreparedStatements(db);
  }

  async insert(code: AuthorizationCode, trx: Knex = this.db): Promise<void> {
    const row: Record<string, unknown> = {
      code_hash: code.codeHash,
      client_id: code.clientId,
      user_id: code.userId,
      grant_id: code.grantId,
      redirect_uri: code.redirectUri,
      scope: code.scopes.join(' '),
      audience: code.audience,
      nonce: code.nonce,
      code_challenge: code.codeChallenge,
      auth_time: code.authTime,
      claims: JSON.stringify(code.claims),
      session_id: code.sessionId,
      created_at: code.createdAt,
      expires_at: code.expiresAt,
      consumed_at: code.consumedAt,
    };
    if (trx === this.db) await this.hot.run(INSERT, COLUMNS.map((c) => row[c]));
    else await trx('authorization_codes').insert(row);
  }

  async findByHash(codeHash: string): Promise<AuthorizationCode | null> {
    const row = (await this.db('authorization_codes').where({ code_hash: codeHash }).first()) as Row | undefined;
    return row ? toCode(row) : null;
  }

  /**
   * Marks an unexpired, unused code of this client used and returns it, in one statement: only one
   * concurrent exchange can win. Null when there is no such code (see findByHash for why). The access
   * token the exchange will issue is named in the same statement, so a replay that finds the code used
   * always finds the token to revoke.
   */
  async consume(codeHash: string, clientId: string, at: number, issued: { jti: string; expiresAt: number }): Promise<AuthorizationCode | null> {
    const [row] = await this.hot.rows(CONSUME, [at, issued.jti, issued.expiresAt, codeHash, clientId, at]);
    return row ? { ...toCode(row), consumedAt: null } : null;
  }

  /**
   * A second exchange of a used code marks it. The exchange that won checks the mark after storing its
   * refresh token, so whichever of the two writes comes last, the winner's tokens are revoked.
   */
  async markReplayed(codeHash: string, at: number): Promise<void> {
    await this.db('authorization_codes').where({ code_hash: codeHash }).whereNull('replayed_at').update({ replayed_at: at });
  }

  async wasReplayed(codeHash: string): Promise<boolean> {
    const [row] = await this.hot.rows('select "replayed_at" from "authorization_codes" where "code_hash" = ?', [codeHash]);
    return row?.replayed_at !== null && row?.replayed_at !== undefined;
  }

  async deleteExpired(before: number): Promise<number> {
    return this.db('authorization_codes').where('expires_at', '<', before).delete();
  }
}
