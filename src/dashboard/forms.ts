/** Reading the dashboard's HTML forms and the Management API's answers. */
import type { Request, Response } from 'express';
import type { ApiAnswer, Caller } from './managementClient.js';

export function caller(res: Response): Caller {
  const found = res.locals.dashboardCaller;
  if (!found) throw new Error('The dashboard caller is set by the administrator check before any page.');
  return found;
}

export function field(req: Request, name: string): string {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : '';
}

export function fields(req: Request, name: string): string[] {
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function checked(req: Request, name: string): boolean {
  return field(req, name) === 'on' || field(req, name) === 'true';
}

/** One URL (or value) per line or comma, as the textarea shows them. */
export function lines(req: Request, name: string): string[] {
  return field(req, name)
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function query(req: Request, name: string): string {
  const value = req.query[name];
  return typeof value === 'string' ? value.slice(0, 500) : '';
}

/** The Management API's own message, shown next to the form. */
export function apiMessage(answer: ApiAnswer<unknown>): string {
  const body = answer.body as { message?: unknown } | null;
  return typeof body?.message === 'string' ? body.message : `The Management API answered ${answer.status}.`;
}

export function ok(answer: ApiAnswer<unknown>): boolean {
  return answer.status >= 200 && answer.status < 300;
}

/** A path segment from the URL, safe to put back into a Management API path. */
export function param(req: Request, name: string): string {
  return encodeURIComponent(String(req.params[name] ?? ''));
}
