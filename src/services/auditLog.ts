/**
 * Writing the audit log. Events are buffered and written in batches (one insert for many events,
 * off the request's path); anything that reads the log flushes first, so a reader in this process
 * always sees every event recorded before it. An event that cannot be written is reported on stderr
 * and does not fail the user's request: the log records what happened, it does not decide it (the
 * abuse limits keep their own counters). Every field is bounded to its column, so no input can make
 * a write fail, and a batch the database refuses is written again event by event, so one bad event
 * never takes others with it. Secrets never go in.
 */
import type { Request } from 'express';
import { connectionOfSubject } from '../domain/connections.js';
import { LOG_TYPES, type LogEvent, type LogType, type RequestInfo } from '../domain/logEvents.js';
import { boundLogEvent } from '../domain/logEventBounds.js';
import { randomString } from './ids.js';
import type { LogFilter, LogPage, LogsRepository } from '../store/logsRepository.js';

export type { LogFilter } from '../store/logsRepository.js';

export type LogFields = Partial<Omit<LogEvent, 'logId' | 'date' | 'type'>>;

const FLUSH_DELAY_MS = 50;
const MAX_BUFFERED = 200;

/** Ids sort by time (for checkpoint paging): 15 digits of milliseconds, then randomness. */
export function newLogId(now = Date.now()): string {
  return `${String(now).padStart(15, '0')}${randomString(6, 'hex')}`;
}

export function requestInfo(req: Request): RequestInfo {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null };
}

export class AuditLog {
  private buffer: LogEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Observers of every event (the terminal log, metrics, log streams); they must not block or throw. */
  private readonly listeners: ((event: LogEvent) => void)[] = [];

  constructor(private readonly logs: LogsRepository) {}

  /** Calls `listener` with every event recorded from now on, as it is recorded. */
  subscribe(listener: (event: LogEvent) => void): void {
    this.listeners.push(listener);
  }

  async record(type: LogType, fields: LogFields, request?: RequestInfo): Promise<void> {
    const now = Date.now();
    const event = boundLogEvent({
      logId: newLogId(now),
      date: now,
      type,
      description: fields.description ?? LOG_TYPES[type],
      clientId: fields.clientId ?? null,
      clientName: fields.clientName ?? null,
      ip: request?.ip ?? fields.ip ?? null,
      userAgent: request?.userAgent ?? fields.userAgent ?? null,
      userId: fields.userId ?? null,
      userName: fields.userName ?? null,
      // An upstream user's events name their connection, wherever they are recorded.
      connection: fields.connection ?? connectionOfSubject(fields.userId),
      audience: fields.audience ?? null,
      scope: fields.scope ?? null,
      details: fields.details ?? {},
    });
    this.buffer.push(event);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        // An observer's failure must not lose the event or fail the request.
        console.error('[auth-server] an audit log listener failed', err);
      }
    }
    if (this.buffer.length >= MAX_BUFFERED) await this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_DELAY_MS).unref();
  }

  /** One page of the events matching `filter`, newest first unless `ascending`; the total if `withTotal`. */
  async search(filter: LogFilter, page: LogPage): Promise<{ events: LogEvent[]; total: number | null }> {
    await this.flush();
    return this.logs.search(filter, page);
  }

  /** Checkpoint paging: the `take` events logged after the event `from` (or from the first). */
  async after(filter: LogFilter, from: string | null, take: number): Promise<LogEvent[]> {
    await this.flush();
    return this.logs.after(filter, from, take);
  }

  async find(logId: string): Promise<LogEvent | null> {
    await this.flush();
    return this.logs.findById(logId);
  }

  /** Writes what is buffered; resolves when every event recorded so far is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(async () => {
      try {
        await this.logs.insert(batch);
      } catch {
        await this.insertOneByOne(batch);
      }
    });
    return this.writing;
  }

  private async insertOneByOne(batch: LogEvent[]): Promise<void> {
    for (const event of batch) {
      try {
        await this.logs.insert([event]);
      } catch (err) {
        console.error(`[auth-server] could not write audit log event ${event.logId} (${event.type})`, err);
      }
    }
  }
}
