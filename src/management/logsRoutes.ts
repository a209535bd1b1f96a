/** /api/v2/logs and /api/v2/users/{id}/logs: searching the audit log, Auth0-style. */
import express, { type Request, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { LOG_EVENT_FIELDS } from '../domain/logEventFields.js';
import type { LogEvent } from '../domain/logEvents.js';
import { QuerySyntaxError } from '../domain/luceneQuery.js';
import { parseLogQuery as parseDomainLogQuery } from '../domain/logQuery.js';
import type { LogFilter } from '../services/auditLog.js';
import { requireScope } from './authentication.js';
import { invalidQuery, notFound } from './errors.js';
import { pageResponse, readFieldSelection, readPaging, readString } from './requests.js';

/** Auth0's log event: every field under its column's name, absent values as null. */
export function presentLog(event: LogEvent): Record<string, unknown> {
  const fields = Object.keys(LOG_EVENT_FIELDS) as (keyof LogEvent)[];
  return { ...Object.fromEntries(fields.map((key) => [LOG_EVENT_FIELDS[key].column, event[key]])), date: new Date(event.date).toISOString() };
}

/** `q` (or `search`) as a filter: Auth0's log search syntax, src/domain/logQuery.ts; a query it cannot answer is a 400. */
export function parseLogQuery(q: string | undefined): LogFilter {
  if (!q || q.trim() === '') return {};
  try {
    return parseDomainLogQuery(q);
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw invalidQuery(`Query validation error: ${err.message}.`);
    throw err;
  }
}

export function logsRoutes(ctx: AuthContext): Router {
  const router = express.Router();

  async function search(req: Request, filter: LogFilter) {
    const select = readFieldSelection(req);
    const show = (event: LogEvent) => select(presentLog(event));
    const from = readString(req, 'from');
    const take = readString(req, 'take');
    if (from !== undefined || take !== undefined) {
      const count = take === undefined ? 50 : Number(take);
      if (!Number.isInteger(count) || count < 1 || count > 100) throw invalidQuery("Query validation error: 'take' must be between 1 and 100.");
      return (await ctx.audit.after(filter, from ?? null, count)).map(show);
    }
    const paging = readPaging(req);
    const sort = readString(req, 'sort') ?? 'date:-1';
    if (sort !== 'date:-1' && sort !== 'date:1') throw invalidQuery("Query validation error: 'sort' must be date:1 or date:-1.");
    const { events, total } = await ctx.audit.search(filter, { offset: paging.offset, limit: paging.perPage, ascending: sort === 'date:1', withTotal: paging.includeTotals });
    return pageResponse('logs', events.map(show), total ?? 0, paging);
  }

  router.get('/logs', requireScope('read:logs'), async (req, res) => {
    // Auth0 documents `q`; its SDKs and older scripts send `search`. Both mean the same; not both at once.
    const q = readString(req, 'q');
    const searchParam = readString(req, 'search');
    if (q !== undefined && searchParam !== undefined && q !== searchParam) throw invalidQuery("Query validation error: give 'q' or 'search', not both.");
    res.json(await search(req, parseLogQuery(q ?? searchParam)));
  });

  router.get('/logs/:id', requireScope('read:logs'), async (req, res) => {
    const select = readFieldSelection(req);
    const event = await ctx.audit.find(String(req.params.id));
    if (!event) throw notFound('inexistent_log', 'The log event does not exist');
    res.json(select(presentLog(event)));
  });

  router.get('/users/:id/logs', requireScope('read:logs', 'read:logs_users'), async (req, res) => {
    res.json(await search(req, { user_id: String(req.params.id) }));
  });
  return router;
}
