/**
 * Audit events bounded to their columns (the logs migration) before they are written: a value too
 * long for its column, or a NUL byte (refused by PostgreSQL), would otherwise make the write fail.
 */
import type { LogEvent } from './logEvents.js';

type StringField = 'logId' | 'type' | 'description' | 'clientId' | 'clientName' | 'ip' | 'userAgent' | 'userId' | 'userName' | 'connection' | 'audience' | 'scope';

/** Column sizes; description and scope are text columns, bounded all the same. */
export const LOG_FIELD_LIMITS: Record<StringField, number> = {
  logId: 64,
  type: 16,
  description: 1000,
  clientId: 64,
  clientName: 255,
  ip: 64,
  userAgent: 512,
  userId: 255,
  userName: 320,
  connection: 128,
  audience: 600,
  scope: 2000,
};

/** The details column holds JSON; past this many characters only a marker and a prefix are kept. */
export const LOG_DETAILS_LIMIT = 8000;

// JavaScript lengths count UTF-16 units, never fewer than the characters a column counts.
function bound(value: string, max: number): string {
  return value.replace(/\0/g, '\uFFFD').slice(0, max);
}

function boundOrNull(value: string | null, max: number): string | null {
  return value === null ? null : bound(value, max);
}

export function boundLogEvent(event: LogEvent): LogEvent {
  const json = JSON.stringify(event.details);
  return {
    ...event,
    logId: bound(event.logId, LOG_FIELD_LIMITS.logId),
    description: bound(event.description, LOG_FIELD_LIMITS.description),
    clientId: boundOrNull(event.clientId, LOG_FIELD_LIMITS.clientId),
    clientName: boundOrNull(event.clientName, LOG_FIELD_LIMITS.clientName),
    ip: boundOrNull(event.ip, LOG_FIELD_LIMITS.ip),
    userAgent: boundOrNull(event.userAgent, LOG_FIELD_LIMITS.userAgent),
    userId: boundOrNull(event.userId, LOG_FIELD_LIMITS.userId),
    userName: boundOrNull(event.userName, LOG_FIELD_LIMITS.userName),
    connection: boundOrNull(event.connection, LOG_FIELD_LIMITS.connection),
    audience: boundOrNull(event.audience, LOG_FIELD_LIMITS.audience),
    scope: boundOrNull(event.scope, LOG_FIELD_LIMITS.scope),
    details: json.length <= LOG_DETAILS_LIMIT ? event.details : { truncated: true, prefix: json.slice(0, 1000) },
  };
}
