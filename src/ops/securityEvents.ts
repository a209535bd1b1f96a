/**
 * The audit log's events in the terminal too: sign-ins, their failures, blocks, logouts, token
 * exchanges and Management API changes, each as one log line. Only the event's own fields go in
 * (they never hold secrets: see AuditLog); `details` is left out, as it may carry URLs with state.
 */
import type { Logger } from 'pino';
import type { LogEvent, LogType } from '../domain/logEvents.js';

const WARNINGS: ReadonlySet<LogType> = new Set(['f', 'fp', 'fu', 'limit_wc', 'feacft', 'feccft', 'fepft', 'fertft', 'fcpr']);

export function logSecurityEvent(logger: Logger, event: LogEvent): void {
  const line = {
    event: 'audit',
    type: event.type,
    log_id: event.logId,
    client_id: event.clientId,
    user_id: event.userId,
    user_name: event.userName,
    connection: event.connection,
    audience: event.audience,
    scope: event.scope,
    ip: event.ip,
  };
  if (WARNINGS.has(event.type)) logger.warn(line, event.description);
  else logger.info(line, event.description);
}
