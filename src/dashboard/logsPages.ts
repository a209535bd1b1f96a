/**
 * Logs: filters, detail, paging and export. Type, user and application go to the Management API's `q`;
 * the date range and free text are applied here to the pages it returns. Paging keeps up with a busy
 * server through a cursor: "older than this log id" (ids sort by time), with the API page to resume
 * from — new events only push older ones further down, so resuming there never skips any.
 */
import express, { type Request, type Response, type Router } from 'express';
import { LOG_TYPES } from '../domain/logEvents.js';
import { apiMessage, caller, ok, query } from './forms.js';
import type { Caller, InProcessServer, Json } from './managementClient.js';
import type { DashboardPage } from './pages.js';

const PAGE_SIZE = 50;
const API_PAGE = 100;
/** How far one screen or one export reads, so no request runs unbounded. */
const SCREEN_SCAN_PAGES = 20;
const EXPORT_SCAN_PAGES = 100;

export interface LogFilters {
  type: string;
  user: string;
  app: string;
  from: string;
  to: string;
  text: string;
}

export function readFilters(req: Request): LogFilters {
  return { type: query(req, 'type'), user: query(req, 'user'), app: query(req, 'app'), from: query(req, 'from'), to: query(req, 'to'), text: query(req, 'text') };
}

function apiQuery(f: LogFilters): string {
  const terms: string[] = [];
  const quoted = (v: string) => `"${v.replace(/"/g, '')}"`;
  if (f.type) terms.push(`type:${quoted(f.type)}`);
  if (f.user) terms.push(`user_id:${quoted(f.user)}`);
  if (f.app) terms.push(`client_id:${quoted(f.app)}`);
  return terms.join(' AND ');
}

/** A day (YYYY-MM-DD) as a bound: its first millisecond for `from`, the next day's for `to`. */
function dayBound(day: string, end: boolean): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const t = Date.parse(`${day}T00:00:00Z`);
  return Number.isNaN(t) ? null : end ? t + 86400000 : t;
}

function matcher(f: LogFilters): (e: Json) => boolean {
  const from = dayBound(f.from, false);
  const to = dayBound(f.to, true);
  const text = f.text.toLowerCase();
  return (e) => {
    const at = Date.parse(String(e.date));
    if (from !== null && at < from) return false;
    if (to !== null && at >= to) return false;
    return !text || JSON.stringify(e).toLowerCase().includes(text);
  };
}

interface Scan {
  events: Json[];
  /** Where the next screen starts, when there is more. */
  next: { before: string; page: number } | null;
  error: string | null;
}

export async function scanLogs(server: InProcessServer, who: Caller, f: LogFilters, want: number, maxPages: number, cursor: { before: string; page: number } | null): Promise<Scan> {
  const q = apiQuery(f);
  const matches = matcher(f);
  const events: Json[] = [];
  const from = dayBound(f.from, false);
  for (let page = cursor?.page ?? 0, read = 0; read < maxPages; page++, read++) {
    const params = new URLSearchParams({ page: String(page), per_page: String(API_PAGE), sort: 'date:-1' });
    if (q) params.set('q', q);
    const answer = await server.api<Json[]>(who, 'GET', `/logs?${params.toString()}`);
    if (!ok(answer)) return { events, next: null, error: apiMessage(answer) };
    for (const e of answer.body) {
      if (cursor && String(e.log_id) >= cursor.before) continue;
      if (!matches(e)) continue;
      events.push(e);
      if (events.length === want) return { events, next: { before: String(e.log_id), page }, error: null };
    }
    const oldest = answer.body.at(-1);
    if (answer.body.length < API_PAGE || (from !== null && oldest && Date.parse(String(oldest.date)) < from)) return { events, next: null, error: null };
  }
  const last = events.at(-1);
  return { events, next: last ? { before: String(last.log_id), page: (cursor?.page ?? 0) + maxPages } : null, error: null };
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

  router.get('/logs', async (req, res) => {
    const filters = readFilters(req);
    const before = query(req, 'before');
    const cursor = /^[0-9a-f]{1,40}$/.test(before) ? { before, page: Math.max(0, Math.min(10000, Number(query(req, 'page')) || 0)) } : null;
    const scan = await scanLogs(server, caller(res), filters, PAGE_SIZE, SCREEN_SCAN_PAGES, cursor);
    const clients = await server.api<Json[]>(caller(res), 'GET', '/clients?per_page=100&fields=client_id,name');
    await page.render(req, res, 'logs', 'logs', 'Logs', {
      filters,
      types: Object.entries(LOG_TYPES),
      clients: ok(clients) ? clients.body : [],
      events: scan.events,
      next: scan.next,
      error: scan.error,
      exportQuery: new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== '')).toString(),
      nextQuery: scan.next ? new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== '')), before: scan.next.before, page: String(scan.next.page) }).toString() : '',
    }, scan.error ? 400 : 200);
  });

  async function exportLogs(req: Request, res: Response, format: 'ndjson' | 'csv'): Promise<void> {
    const scan = await scanLogs(server, caller(res), readFilters(req), API_PAGE * EXPORT_SCAN_PAGES, EXPORT_SCAN_PAGES, null);
    if (scan.error) return page.render(req, res, 'logs', 'logs', 'Logs', { filters: readFilters(req), types: Object.entries(LOG_TYPES), clients: [], events: [], next: null, error: scan.error, exportQuery: '', nextQuery: '' }, 400);
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
