import type { Knex } from 'knex';
import { LOG_EVENT_FIELDS } from '../domain/logEventFields.js';
import type { LogEvent } from '../domain/logEvents.js';
import { LOG_TEXT_FIELDS, type LogFilter } from '../domain/logQuery.js';
import { containsPattern, LOWER_LIKE } from './likePatterns.js';
import { readFields, writeFields } from './columnMapping.js';
import { num, type Row } from './rows.js';
import { insertOfColumns, PreparedStatements } from './database.js';

export type { LogFilter } from '../domain/logQuery.js';

export interface LogPage {
  offset: number;
  limit: number;
  ascending: boolean;
  /** Count the matching events too (a second query); off unless asked. */
  withTotal?: boolean;
}

const toEvent = (row: Row): LogEvent => readFields<LogEvent>(LOG_EVENT_FIELDS, row);
const toRow = (event: LogEvent): Row => writeFields(LOG_EVENT_FIELDS, event);
const INSERT = insertOfColumns('logs', LOG_EVENT_FIELDS);
const COLUMNS = Object.values(LOG_EVENT_FIELDS).map((field) => field.column);

/**
 * The filter as where-clauses: fields by equality, the date range on `date` (indexed alone and after
 * type, user_id and client_id), and each free-text term as an escaped LIKE on any of the text columns.
 */
function applyFilter(q: Knex.QueryBuilder, filter: LogFilter): Knex.QueryBuilder {
  const { dateFrom, dateTo, text, ...columns } = filter;
  q.where(columns);
  if (dateFrom !== undefined) q.where('date', '>=', dateFrom);
  if (dateTo !== undefined) q.where('date', '<=', dateTo);
  for (const term of text ?? []) {
    q.where((anyColumn) => {
      for (const column of LOG_TEXT_FIELDS) anyColumn.orWhereRaw(LOWER_LIKE, [column, containsPattern(term)]);
    });
  }
  return q;
}

export class LogsRepository {
  /** Every flow logs events: on SQLite a batch is one prepared insert per event in one transaction. */
  private readonly hot: PreparedStatements;

  constructor(private readonly db: Knex) {
    this.hot = new PreparedStatements(db);
  }

  /** All the events or none. */
  async insert(events: LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(toRow);
    // PostgreSQL: one multi-row statement (one round trip); Knex builds it.
    if (this.hot.onPostgres) await this.db('logs').insert(rows);
    else await this.hot.runEach(INSERT, rows.map((row) => COLUMNS.map((column) => row[column] ?? null)));
  }

  async findById(logId: string): Promise<LogEvent | null> {
    const row = (await this.db('logs').where({ log_id: logId }).first()) as Row | undefined;
    return row ? toEvent(row) : null;
  }

  /**
   * One page, and the total only when asked for (`withTotal`): a free-text filter is a scan of the
   * table, and counting is a second one, which readers that page through the logs never use.
   */
  async search(filter: LogFilter, page: LogPage): Promise<{ events: LogEvent[]; total: number | null }> {
    const where = (q: Knex.QueryBuilder) => applyFilter(q, filter);
    const order = page.ascending ? 'asc' : 'desc';
    const rows = (await where(this.db('logs')).orderBy('date', order).orderBy('log_id', order).offset(page.offset).limit(page.limit)) as Row[];
    if (!page.withTotal) return { events: rows.map(toEvent), total: null };
    const count = (await where(this.db('logs')).count({ n: '*' }).first()) as Row | undefined;
    return { events: rows.map(toEvent), total: num(count?.n ?? 0) };
  }

  /** Checkpoint paging: the `take` events logged after `from` (by id order, which follows time). */
  async after(filter: LogFilter, from: string | null, take: number): Promise<LogEvent[]> {
    const q = applyFilter(this.db('logs'), filter);
    if (from) q.where('log_id', '>', from);
    return ((await q.orderBy('log_id', 'asc').limit(take)) as Row[]).map(toEvent);
  }
}
