/** Audit log events with chosen dates, written straight to the store, for tests of searching and paging. */
import { newLogId } from '../../src/services/auditLog.js';
import type { LogEvent } from '../../src/domain/logEvents.js';

/** A Success Login at `iso` (its id sorts by that time, as recorded ones do); `fields` override the rest. */
export function logEvent(iso: string, fields: Partial<LogEvent> = {}): LogEvent {
  const date = Date.parse(iso);
  return {
    logId: newLogId(date),
    date,
    type: 's',
    description: 'Success Login',
    clientId: null,
    clientName: null,
    ip: null,
    userAgent: null,
    userId: null,
    userName: null,
    connection: null,
    audience: null,
    scope: null,
    details: {},
    ...fields,
  };
}
