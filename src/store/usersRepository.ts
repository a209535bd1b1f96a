import type { Knex } from 'knex';
import type { Metadata, User } from '../domain/users.js';
import type { UserQuery } from '../domain/userQuery.js';
import { checkpointRows, type CheckpointRequest } from './checkpoint.js';
import { bool, num, numOrNull, strOrNull, type Row, type PageRequest } from './rows.js';
import { applyUserQuery } from './userSearch.js';

function jsonObject(value: unknown): Metadata {
  if (typeof value !== 'string') return {};
  const parsed: unknown = JSON.parse(value);
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Metadata) : {};
}

export interface UserFilter {
  email?: string;
  connectionId?: string;
  query?: UserQuery;
}

/** Auth0's `sort` for users: these fields, 1 ascending or -1 descending. */
export const USER_SORT_FIELDS = ['created_at', 'updated_at', 'last_login', 'email', 'name', 'nickname', 'logins_count'] as const;
export interface UserSort {
  field: (typeof USER_SORT_FIELDS)[number];
  descending: boolean;
}

function whereUsers(filter: UserFilter): (q: Knex.QueryBuilder) => Knex.QueryBuilder {
  return (q) => {
    if (filter.email !== undefined) q.where('email', filter.email);
    if (filter.connectionId !== undefined) q.where('connection_id', filter.connectionId);
    if (filter.query) q.where((inner) => applyUserQuery(inner, filter.query as UserQuery));
    return q;
  };
}

function toUser(row: Row): User {
  return {
    id: String(row.id),
    connectionId: String(row.connection_id),
    email: String(row.email),
    emailVerified: bool(row.email_verified),
    passwordHash: String(row.password_hash),
    name: strOrNull(row.name),
    nickname: strOrNull(row.nickname),
    picture: strOrNull(row.picture),
    blocked: bool(row.blocked),
    lastLogin: numOrNull(row.last_login),
    loginsCount: num(row.logins_count),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
    userMetadata: jsonObject(row.user_metadata),
    appMetadata: jsonObject(row.app_metadata),
  };
}

function toRow(user: User): Row {
  return {
    id: user.id,
    connection_id: user.connectionId,
    email: user.email,
    email_verified: user.emailVerified,
    password_hash: user.passwordHash,
    name: user.name,
    nickname: user.nickname,
    picture: user.picture,
    blocked: user.blocked,
    last_login: user.lastLogin,
    logins_count: user.loginsCount,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    user_metadata: JSON.stringify(user.userMetadata ?? {}),
    app_metadata: JSON.stringify(user.appMetadata ?? {}),
  };
}

export class UsersRepository {
  constructor(private readonly db: Knex) {}

  async findByEmail(connectionId: string, email: string): Promise<User | null> {
    const row = (await this.db('users').where({ connection_id: connectionId, email }).first()) as Row | undefined;
    return row ? toUser(row) : null;
  }

  async findById(id: string): Promise<User | null> {
    const row = (await this.db('users').where({ id }).first()) as Row | undefined;
    return row ? toUser(row) : null;
  }

  async insert(user: User): Promise<void> {
    await this.db('users').insert(toRow(user));
  }

  /** Inserts unless the connection already has this email: true when this call stored it. */
  async insertIfAbsent(user: User): Promise<boolean> {
    const inserted = (await this.db('users').insert(toRow(user)).onConflict(['connection_id', 'email']).ignore().returning('id')) as unknown[];
    return inserted.length > 0;
  }

  async search(filter: UserFilter, page: PageRequest, sort?: UserSort): Promise<{ items: User[]; total: number }> {
    const where = whereUsers(filter);
    const q = where(this.db('users'));
    // Rows without the sorted value (no last login yet) come last either way, as in Auth0.
    if (sort) q.orderByRaw(`(case when ?? is null then 1 else 0 end)`, [sort.field]).orderBy(sort.field, sort.descending ? 'desc' : 'asc');
    const rows = (await q.orderBy('created_at').orderBy('id').offset(page.offset).limit(page.limit)) as Row[];
    const count = (await where(this.db('users')).count({ n: '*' }).first()) as Row | undefined;
    return { items: rows.map(toUser), total: num(count?.n ?? 0) };
  }

  /** Checkpoint paging (from, take) in creation order. */
  async searchAfter(filter: UserFilter, page: CheckpointRequest): Promise<{ items: User[]; next: string | null }> {
    const { rows, next } = await checkpointRows(this.db, 'users', whereUsers(filter), page);
    return { items: rows.map(toUser), next };
  }

  /** Every user with this email, in any connection (GET /api/v2/users-by-email). */
  async findAllByEmail(email: string): Promise<User[]> {
    return ((await this.db('users').where({ email }).orderBy('created_at').orderBy('id').limit(100)) as Row[]).map(toUser);
  }

  /** Everything but the login counters, which recordLogin keeps. */
  async update(user: User, trx: Knex = this.db): Promise<void> {
    const { last_login: _lastLogin, logins_count: _loginsCount, ...changes } = toRow(user);
    await trx('users').where({ id: user.id }).update(changes);
  }

  async delete(id: string, trx: Knex = this.db): Promise<boolean> {
    return (await trx('users').where({ id }).delete()) > 0;
  }

  async recordLogin(id: string, at: number): Promise<void> {
    await this.db('users').where({ id }).update({ last_login: at, logins_count: this.db.raw('logins_count + 1') });
  }
}
