import type { Knex } from 'knex';
import type { FieldSpecs } from '../domain/fieldMapping.js';
import type { User } from '../domain/users.js';
import type { UserQuery } from '../domain/userQuery.js';
import { checkpointRows, type CheckpointRequest } from './checkpoint.js';
import { readFields, writeFields } from './columnMapping.js';
import { num, type Row, type PageRequest } from './rows.js';
import { applyUserQuery } from './userSearch.js';
import { PreparedStatements, selectByColumns } from './database.js';

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

/** The users table, column by column: every read and write below follows it. */
const USER_FIELDS = {
  id: { column: 'id', codec: 'text' },
  connectionId: { column: 'connection_id', codec: 'text' },
  email: { column: 'email', codec: 'text' },
  emailVerified: { column: 'email_verified', codec: 'boolean' },
  passwordHash: { column: 'password_hash', codec: 'text' },
  name: { column: 'name', codec: 'optionalText' },
  nickname: { column: 'nickname', codec: 'optionalText' },
  picture: { column: 'picture', codec: 'optionalText' },
  blocked: { column: 'blocked', codec: 'boolean' },
  lastLogin: { column: 'last_login', codec: 'optionalInteger' },
  loginsCount: { column: 'logins_count', codec: 'integer' },
  createdAt: { column: 'created_at', codec: 'integer' },
  updatedAt: { column: 'updated_at', codec: 'integer' },
  userMetadata: { column: 'user_metadata', codec: 'jsonObject' },
  appMetadata: { column: 'app_metadata', codec: 'jsonObject' },
  subject: { column: 'subject', codec: 'optionalText' },
} as const satisfies FieldSpecs<User>;

const toUser = (row: Row): User => readFields<User>(USER_FIELDS, row);
const FIND_BY_ID = selectByColumns('users', USER_FIELDS, ['id']);
const toRow = (user: User): Row => writeFields(USER_FIELDS, user);

export class UsersRepository {
  /** Every authorization and refresh checks that its user still exists and is not blocked: that read runs prepared. */
  private readonly hot: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.hot = new PreparedStatements(db);
  }

  async findByEmail(connectionId: string, email: string): Promise<User | null> {
    const row = (await this.db('users').where({ connection_id: connectionId, email }).first()) as Row | undefined;
    return row ? toUser(row) : null;
  }

  async findById(id: string): Promise<User | null> {
    const [row] = await this.hot.rows(FIND_BY_ID, [id]);
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
    const { lastLogin: _lastLogin, loginsCount: _loginsCount, ...changes } = user;
    await trx('users').where({ id: user.id }).update(writeFields(USER_FIELDS, changes));
  }

  async delete(id: string, trx: Knex = this.db): Promise<boolean> {
    return (await trx('users').where({ id }).delete()) > 0;
  }

  async recordLogin(id: string, at: number): Promise<void> {
    await this.db('users').where({ id }).update({ last_login: at, logins_count: this.db.raw('logins_count + 1') });
  }
}
