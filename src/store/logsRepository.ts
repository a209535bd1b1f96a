import type { Knex } from 'knex';
import { LOG_EVENT_FIELDS } from '../domain/logEventFields.js';
import type { LogEvent } from '../domain/logEvents.js';
import { readFields, writeFields } from './columnMapping.js';
import { num, type Row } from './rows.js';

export type LogFilter = Partial<Record<'type' | 'client_id' | 'user_id' | 'user_name' | 'ip' | 'connection' | 'audience', string>>;

const toEvent = (row: Row): LogEvent => readFields<LogEvent>(LOG_EVENT_FIELDS, row);
const toRow = (event: LogEvent): Row => writeFields(LOG_EVENT_FIELDS, event);

export class LogsRepository {
  constructor(private readonly db: Knex) {}

  async insert(events: LogEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.db('logs').insert(events.map(toRow));
  }

  async findById(logId: string): Promise<LogEvent | null> {
    const row = (await this.db('logs').where({ log_id: logId }).first()) as Row | undefined;
    return row ? toEvent(row) : null;
  }

  async search(filter: LogFilter, page: { offset: number; limit: number; ascending: boolean }): Promise<{ events: LogEvent[]; total: number }> {
    const where = (q: Knex.QueryBuilder) => q.where(filter);
    const order = page.ascending ? 'asc' : 'desc';
    const rows = (await where(this.db('logs')).orderBy('date', order).orderBy('log_id', order).offset(page.offset).limit(page.limit)) as Row[];
    const count = (await where(this.db('logs')).count({ n: '*' }).first()) as Row | undefined;
    return { events: rows.map(toEvent), total: num(count?.n ?? 0) };
  }

  /** Checkpoint paging: the `take` events logged after `from` (by id order, which follows time). */
  async after(filter: LogFilter, from: string | null, take: number): Promise<LogEvent[]> {
    const q = this.db('logs').where(filter);
    if (from) q.where('log_id', '>', from);
    return ((await q.orderBy('log_id', 'asc').limit(take)) as Row[]).map(toEvent);
  }
}
