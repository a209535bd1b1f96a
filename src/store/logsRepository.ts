import type { Knex } from 'knex';
import type { LogEvent, LogType } from '../domain/logEvents.js';
import { num, strOrNull, type Row } from './rows.js';

export type LogFilter = Partial<Record<'type' | 'client_id' | 'user_id' | 'user_name' | 'ip' | 'connection' | 'audience', string>>;

function toEvent(row: Row): LogEvent {
  return {
    logId: String(row.log_id),
    date: num(row.date),
    type: row.type as LogType,
    description: String(row.description ?? ''),
    clientId: strOrNull(row.client_id),
    clientName: strOrNull(row.client_name),
    ip: strOrNull(row.ip),
    userAgent: strOrNull(row.user_agent),
    userId: strOrNull(row.user_id),
    userName: strOrNull(row.user_name),
    connection: strOrNull(row.connection),
    audience: strOrNull(row.audience),
    scope: strOrNull(row.scope),
    details: JSON.parse(String(row.details ?? '{}')) as Record<string, unknown>,
  };
}

function toRow(event: LogEvent): Row {
  return {
    log_id: event.logId,
    date: event.date,
    type: event.type,
    description: event.description,
    client_id: event.clientId,
    client_name: event.clientName,
    ip: event.ip,
    user_agent: event.userAgent,
    user_id: event.userId,
    user_name: event.userName,
    connection: event.connection,
    audience: event.audience,
    scope: event.scope,
    details: JSON.stringify(event.details),
  };
}

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
