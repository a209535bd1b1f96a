/**
 * Logs: filters, detail, paging and export. Every filter (type, user, application, date range, free
 * text) goes to the Management API's `q`, which filters on the server. Paging keeps up with a busy
 * server through a cursor, the last event shown (its log id and date): the next screen asks for the
 * events up to that date and leaves out the ones shown already, so events arriving meanwhile neither
 * repeat nor hide older ones.
 */
import express, { type Request, type Response, type Router } from 'express';
import { LOG_TYPES } from '../domain/logEvents.js';
import { apiMessage, caller, ok, query } from './forms.js';
import type { Caller, InProcessServer, Json } from './managementClient.js';
import type { DashboardPage } from './pages.js';

const PAGE_SIZE = 50;
const API_PAGE = 100;
/** How many Management API requests one screen or one export makes at most, so none runs unbounded. */
const SCREEN_REQUESTS = 20;
const EXPORT_REQUESTS = 110;
const EXPORT_EVENTS = 10000;

export interface LogFilters {
  type: string;
  user: string;
  app: string;
  /** A day (the date inputs) or an ISO datetime, both ends included. */
  from: string;
  to: string;
  text: string;
}

/** The last event shown: where the next screen starts. */
export interface LogCursor {
  before: string;
  at: string;
}

export function readFilters(req: Request): LogFilters {
  return { type: query(req, 'type'), user: query(req, 'user'), app: query(req, 'app'), from: query(req, 'from'), to: query(req, 'to'), text: query(req, 'text').trim() };
}

/** A day or an ISO datetime with its zone; the API says what is wrong with the rest of such a value. */
const DATE_VALUE = /^\d{4}-\d{2}-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?$/;

function readCursor(req: Request): LogCursor | null {
  const before = query(req, 'before');
  const at = query(req, 'at');
  return /^[0-9a-f]{1,40}$/.test(before) && DATE_VALUE.test(at) && at.includes('T') ? { before, at } : null;
}

const cursorOf = (event: Json): LogCursor => ({ before: String(event.log_id), at: String(event.date) });

/** A value as a quoted phrase of the search syntax (quotes and backslashes escaped): always one term. */
const phrase = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/** The filters (and the cursor) as the Management API's `q`, or why a date cannot be one. */
export function logQuery(f: LogFilters, cursor: LogCursor | null): { q: string } | { error: string } {
  const terms: string[] = [];
  if (f.type) terms.push(`type:${phrase(f.type)}`);
  if (f.user) terms.push(`user_id:${phrase(f.user)}`);
  if (f.app) terms.push(`client_id:${phrase(f.app)}`);
  // Checked here because a range cannot quote its ends' brackets: anything else could change the query.
  for (const [label, value] of [['From', f.from], ['To', f.to]] as const) {
    if (value && !DATE_VALUE.test(value)) return { error: `${label}: "${value}" is not a date; use 2026-12-01 or 2026-12-01T09:30:00Z.` };
  }
  if (f.from || f.to) terms.push(`date:[${f.from || '*'} TO ${f.to || '*'}]`);
  if (cursor) terms.push(`date:[* TO ${cursor.at}]`);
  if (f.text) terms.push(phrase(f.text));
  return { q: terms.join(' AND ') };
}

interface Scan {
  events: Json[];
  /** Where the next screen starts, when there is more. */
  next: LogCursor | null;
  error: string | null;
}

/**
 * Up to `want` events matching the filters, newest first, from the cursor on. The API orders events by
 * date, then log id; those at the cursor's own millisecond come again and the ones shown are left out.
 */
export async function readLogs(server: InProcessServer, who: Caller, f: LogFilters, want: number, maxRequests: number, start: LogCursor | null): Promise<Scan> {
  const events: Json[] = [];
  let cursor = start;
  let page = 0;
  for (let read = 0; read < maxRequests; read++) {
    const built = logQuery(f, cursor);
    if ('error' in built) return { events, next: null, error: built.error };
    const params = new URLSearchParams({ page: String(page), per_page: String(API_PAGE), sort: 'date:-1' });
    if (built.q) params.set('q', built.q);
    const answer = await server.api<Json[]>(who, 'GET', `/logs?${params.toString()}`);
    if (!ok(answer)) return { events, next: null, error: apiMessage(answer) };
    const shownAt = cursor ? Date.parse(cursor.at) : null;
    const before = cursor?.before ?? '';
    const fresh = shownAt === null ? answer.body : answer.body.filter((e) => Date.parse(String(e.date)) < shownAt || String(e.log_id) < before);
    const full = answer.body.length === API_PAGE;
    for (const [i, e] of fresh.entries()) {
      events.push(e);
      if (events.length === want) return { events, next: i < fresh.length - 1 || full ? cursorOf(e) : null, error: null };
    }
    if (!full) return { events, next: null, error: null };
    const last = fresh.at(-1);
    // A whole page at the cursor's millisecond, all shown already (more than a page of events in one
    // millisecond): read on in it; otherwise start again from the last event read.
    if (last) {
      cursor = cursorOf(last);
      page = 0;
    } else page++;
  }
  const last = events.at(-1);
  return { events, next: last ? cursorOf(last) : null, error: null };
}

const CSV_COLUMNS = ['log_id', 'date', 'type', 'description', 'client_id', 'client_name', 'user_id', 'user_name', 'ip', 'connection', 'audience', 'scope'] as const;

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading =, +, - or @ would be a formula in a spreadsheet (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function logsPages(server: InProcessServer, page: DashboardPage): Router {
  const router = express.Router();

  /** The logs screen: the filters form, the events read and, when reading failed, the API's message (400). */
  async function renderLogs(req: Request, res: Response, filters: LogFilters, scan: Scan): Promise<void> {
    const clients = await server.api<Json[]>(caller(res), 'GET', '/clients?per_page=100&fields=client_id,name');
    const set = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ''));
    await page.render(req, res, 'logs', 'logs', 'Logs', {
      filters,
      types: Object.entries(LOG_TYPES),
      clients: ok(clients) ? clients.body : [],
      events: scan.events,
      next: scan.next,
      error: scan.error,
      exportQuery: new URLSearchParams(set).toString(),
      nextQuery: scan.next ? new URLSearchParams({ ...set, ...scan.next }).toString() : '',
    }, scan.error ? 400 : 200);
  }

  router.get('/logs', async (req, res) => {
    const filters = readFilters(req);
    await renderLogs(req, res, filters, await readLogs(server, caller(res), filters, PAGE_SIZE, SCREEN_REQUESTS, readCursor(req)));
  });

  async function exportLogs(req: Request, res: Response, format: 'ndjson' | 'csv'): Promise<void> {
    const filters = readFilters(req);
    const scan = await readLogs(server, caller(res), filters, EXPORT_EVENTS, EXPORT_REQUESTS, null);
    // A filter the API refuses: the screen with its message, not a file of nothing.
    if (scan.error) return renderLogs(req, res, filters, { events: [], next: null, error: scan.error });
    const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '');
    res.set('Content-Disposition', `attachment; filename="logs-${stamp}.${format}"`);
    if (format === 'ndjson') {
      res.type('application/x-ndjson').send(scan.events.map((e) => JSON.stringify(e)).join('\n') + (scan.events.length ? '\n' : ''));
      return;
    }
    const rows = [CSV_COLUMNS.join(','), ...scan.events.map((e) => CSV_COLUMNS.map((c) => csvCell(e[c])).join(','))];
    res.type('text/csv').send(`${rows.join('\r\n')}\r\n`);
  }
  router.get('/logs/export.ndjson', (req, res) => exportLogs(req, res, 'ndjson'));
  router.get('/logs/export.csv', (req, res) => exportLogs(req, res, 'csv'));

  router.get('/logs/:id', async (req, res) => {
    const answer = await server.api(caller(res), 'GET', `/logs/${encodeURIComponent(String(req.params.id))}`);
    if (!ok(answer)) return page.message(res, 404, 'notFound');
    await page.render(req, res, 'log', 'logs', String(answer.body.description ?? answer.body.type), { event: answer.body, json: JSON.stringify(answer.body, null, 2) });
  });
  return router;
}
