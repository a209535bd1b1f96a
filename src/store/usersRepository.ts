import type { Knex } from 'knex';
import type { User } from '../domain/users.js';
import { bool, num, numOrNull, strOrNull, type Row, pagedRows, type PageRequest } from './rows.js';

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

  async search(filter: { email?: string; connectionId?: string }, page: PageRequest): Promise<{ items: User[]; total: number }> {
    const { rows, total } = await pagedRows(this.db, 'users', { email: filter.email, connection_id: filter.connectionId }, page);
    return { items: rows.map(toUser), total };
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
