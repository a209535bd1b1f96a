/** The audit log's fields, declared once: each column is also the field's name in Auth0's log event. */
import type { FieldSpecs } from './fieldMapping.js';
import type { LogEvent } from './logEvents.js';

export const LOG_EVENT_FIELDS = {
  logId: { column: 'log_id', codec: 'text' },
  date: { column: 'date', codec: 'integer' },
  type: { column: 'type', codec: 'text' },
  description: { column: 'description', codec: 'text' },
  clientId: { column: 'client_id', codec: 'optionalText' },
  clientName: { column: 'client_name', codec: 'optionalText' },
  ip: { column: 'ip', codec: 'optionalText' },
  userAgent: { column: 'user_agent', codec: 'optionalText' },
  userId: { column: 'user_id', codec: 'optionalText' },
  userName: { column: 'user_name', codec: 'optionalText' },
  connection: { column: 'connection', codec: 'optionalText' },
  audience: { column: 'audience', codec: 'optionalText' },
  scope: { column: 'scope', codec: 'optionalText' },
  details: { column: 'details', codec: 'jsonObject' },
} as const satisfies FieldSpecs<LogEvent>;
