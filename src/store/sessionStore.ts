/**
 * An express-session store in the same database (table `sessions`), so that several instances on
 * PostgreSQL share sessions and the embedded default needs nothing else running.
 */
import session from 'express-session';
import type { Knex } from 'knex';
import { PreparedStatements } from './database.js';
import { num, type Row } from './rows.js';

const DEFAULT_TTL_MS = 24 * 60 * 60 * 1000;

type Callback<T = void> = (err?: unknown, value?: T) => void;

/** The subject a session holds, kept beside it so that a user's sessions can be found. */
function sessionUser(sess: session.SessionData): string | null {
  const user = (sess as { user?: { sub?: unknown } }).user;
  return typeof user?.sub === 'string' ? user.sub : null;
}

/**
 * No touch(): the cookie is not rolling, so a session ends a fixed time after it was saved, and
 * reading it never costs a write.
 */
export class KnexSessionStore extends session.Store {
  /** Every page request reads its session: that read runs prepared. */
  private readonly hot: PreparedStatements;

  constructor(private readonly db: Knex) {
    super();
    this.hot = new PreparedStatements(db);
  }

  private expiry(sess: session.SessionData): number {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires).getTime() : Date.now() + DEFAULT_TTL_MS;
  }

  override get(sid: string, callback: Callback<session.SessionData | null>): void {
    this.hot
      .rows('select "sess", "expires_at" from "sessions" where "sid" = ?', [sid])
      .then(([row]: Row[]) => {
        if (!row || num(row.expires_at) <= Date.now()) return callback(undefined, null);
        callback(undefined, JSON.parse(String(row.sess)) as session.SessionData);
      })
      .catch((err: unknown) => callback(err));
  }

  override set(sid: string, sess: session.SessionData, callback?: Callback): void {
    this.db('sessions')
      .insert({ sid, sess: JSON.stringify(sess), expires_at: this.expiry(sess), user_id: sessionUser(sess) })
      .onConflict('sid')
      .merge()
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(err));
  }

  override destroy(sid: string, callback?: Callback): void {
    this.db('sessions')
      .where({ sid })
      .delete()
      .then(() => callback?.())
      .catch((err: unknown) => callback?.(err));
  }

  /** Blocking or deleting a user signs them out everywhere: every session that holds them ends. */
  async destroyForUser(userId: string, trx: Knex = this.db): Promise<number> {
    return trx('sessions').where({ user_id: userId }).delete();
  }

  async deleteExpired(now = Date.now()): Promise<number> {
    return this.db('sessions').where('expires_at', '<=', now).delete();
  }
}
