/**
 * Writing the audit log. An event that cannot be written is reported on stderr and does not fail the
 * user's request: the log records what happened, it does not decide it. Secrets never go in.
 */
import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { LOG_TYPES, type LogEvent, type LogType, type RequestInfo } from '../domain/logEvents.js';
import type { LogsRepository } from '../store/logsRepository.js';

export type LogFields = Partial<Omit<LogEvent, 'logId' | 'date' | 'type'>>;

/** Ids sort by time (for checkpoint paging): 15 digits of milliseconds, then randomness. */
export function newLogId(now = Date.now()): string {
  return `${String(now).padStart(15, '0')}${randomBytes(6).toString('hex')}`;
}

export function requestInfo(req: Request): RequestInfo {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null };
}

export class AuditLog {
  constructor(private readonly logs: LogsRepository) {}

  async record(type: LogType, fields: LogFields, request?: RequestInfo): Promise<void> {
    const now = Date.now();
    try {
      await this.logs.insert({
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
        connection: fields.connection ?? null,
        audience: fields.audience ?? null,
        scope: fields.scope ?? null,
        details: fields.details ?? {},
      });
    } catch (err) {
      console.error('[auth-server] could not write the audit log', err);
    }
  }
}
