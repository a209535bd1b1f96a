/**
 * The abuse-limit counters. Every change is one atomic statement (an upsert that returns the new
 * count), so concurrent requests on any number of instances sharing the database count exactly.
 * The SQL is the same on SQLite (3.35+, for RETURNING) and PostgreSQL.
 */
import type { Knex } from 'knex';
import type { CounterKey, CounterRule } from '../domain/abuseLimits.js';
import type { FieldSpecs } from '../domain/fieldMapping.js';
import { readFields } from './columnMapping.js';
import { num, type Row } from './rows.js';
import { PreparedStatements } from './database.js';

export interface CounterState {
  count: number;
  /** Epoch ms: when the window or the block ends. */
  expiresAt: number;
}

export interface StoredCounter extends CounterKey, CounterState {}

export const counterId = (key: CounterKey): string => [key.rule, key.identifier, key.ip, key.connection].join('\u0000');

/** The rate_limits table, column by column. */
const COUNTER_FIELDS = {
  rule: { column: 'rule', codec: 'text' },
  identifier: { column: 'identifier', codec: 'text' },
  ip: { column: 'ip', codec: 'text' },
  connection: { column: 'connection', codec: 'text' },
  count: { column: 'count', codec: 'integer' },
  expiresAt: { column: 'expires_at', codec: 'integer' },
} as const satisfies FieldSpecs<StoredCounter>;

const toCounter = (row: Row): StoredCounter => readFields<StoredCounter>(COUNTER_FIELDS, row);

/** The primary key, for the raw statements below. */
const KEY_COLUMNS = 'rule, identifier, ip, connection';

function rowsOf(result: unknown): Row[] {
  // PostgreSQL answers knex.raw with a result object, SQLite with the rows.
  return Array.isArray(result) ? (result as Row[]) : ((result as { rows: Row[] }).rows ?? []);
}

const KEY_FIELDS = [COUNTER_FIELDS.rule, COUNTER_FIELDS.identifier, COUNTER_FIELDS.ip, COUNTER_FIELDS.connection].map((field) => field.column);
const READ_COLUMNS = Object.values(COUNTER_FIELDS).map((field) => `"${field.column}"`).join(', ');
const keyValues = (key: CounterKey): string[] => [key.rule, key.identifier, key.ip, key.connection];

/** The counters of `count` keys: one statement text per count, so each is prepared once. */
function readStatement(count: number): string {
  const one = `(${KEY_FIELDS.map((column) => `"${column}" = ?`).join(' and ')})`;
  return `select ${READ_COLUMNS} from "rate_limits" where ${Array.from({ length: count }, () => one).join(' or ')}`;
}

export class RateLimitsRepository {
  /** Every credential check reads its counters first (every confidential token request): that read runs prepared. */
  private readonly hot: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.hot = new PreparedStatements(db);
  }

  /**
   * Counts one more event. A window that has ended starts again at 1; the event that reaches `limit`
   * starts a block of `windowMs` from now, and the ones after it do not prolong it.
   */
  async hit(key: CounterKey, limit: number, windowMs: number, now: number): Promise<CounterState> {
    const fresh = now + windowMs;
    const result = await this.db.raw(
      `insert into rate_limits (${KEY_COLUMNS}, count, expires_at) values (?, ?, ?, ?, 1, ?)
       on conflict (${KEY_COLUMNS}) do update set
         count = case when rate_limits.expires_at <= ? then 1 else rate_limits.count + 1 end,
         expires_at = case
           when rate_limits.expires_at <= ? then ?
           when rate_limits.count + 1 = ? then ?
           else rate_limits.expires_at end
       returning count, expires_at`,
      [key.rule, key.identifier, key.ip, key.connection, fresh, now, now, fresh, limit, fresh],
    );
    const row = rowsOf(result)[0];
    return { count: num(row?.count ?? 1), expiresAt: num(row?.expires_at ?? fresh) };
  }

  /** The current state of some counters (in one query); counters never hit are absent. */
  async read(keys: CounterKey[]): Promise<Map<string, CounterState>> {
    const out = new Map<string, CounterState>();
    if (keys.length === 0) return out;
    const rows = await this.hot.rows(readStatement(keys.length), keys.flatMap(keyValues));
    for (const { count, expiresAt, ...key } of rows.map(toCounter)) out.set(counterId(key), { count, expiresAt });
    return out;
  }

  /** Gives back one event (an attempt that succeeded, or was refused before it was tried). */
  async refund(key: CounterKey): Promise<void> {
    await this.db('rate_limits').where(key).where('count', '>', 0).decrement('count', 1);
  }

  async reset(key: CounterKey): Promise<void> {
    await this.db('rate_limits').where(key).delete();
  }

  /** Counters of one rule for one identifier that are at `limit` or above and not expired. */
  async atLimit(rule: CounterRule, identifier: string, limit: number, now: number, connection?: string): Promise<StoredCounter[]> {
    const q = this.db('rate_limits').where({ rule, identifier }).where('count', '>=', limit).where('expires_at', '>', now);
    if (connection !== undefined) q.where({ connection });
    return ((await q.orderBy('ip')) as Row[]).map(toCounter);
  }

  async deleteFor(rule: CounterRule, identifier: string, connection?: string): Promise<number> {
    const q = this.db('rate_limits').where({ rule, identifier });
    if (connection !== undefined) q.where({ connection });
    return q.delete();
  }

  /** Removes up to `batch` ended counters; several instances may sweep at once without harm. */
  async deleteExpired(now: number, batch = 1000): Promise<number> {
    const result = await this.db.raw(
      `delete from rate_limits where (${KEY_COLUMNS}) in
         (select ${KEY_COLUMNS} from rate_limits where expires_at <= ? limit ?)`,
      [now, batch],
    );
    return Array.isArray(result) ? 0 : num((result as { rowCount?: number }).rowCount ?? 0);
  }
}
