/** Reading Management API requests: bodies validated with zod, Auth0's paging parameters. */
import type { Request } from 'express';
import { z } from 'zod';
import { invalidBody, invalidQuery } from './errors.js';

/** Validates a JSON body; unknown fields and wrong types are a 400 naming the field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw invalidBody('Invalid request payload.');
  if (issue.code === 'unrecognized_keys') {
    throw invalidBody(`Payload validation error: 'Additional properties not allowed: ${issue.keys.join(',')}'.`);
  }
  const field = issue.path.join('.') || 'body';
  throw invalidBody(`Payload validation error: '${issue.message}' on property ${field}.`);
}

export interface Paging {
  page: number;
  perPage: number;
  offset: number;
  includeTotals: boolean;
}

export function readPaging(req: Request): Paging {
  const q = req.query;
  const int = (name: string, fallback: number, max: number): number => {
    const raw = q[name];
    if (raw === undefined) return fallback;
    if (typeof raw !== 'string' || !/^\d{1,6}$/.test(raw)) throw invalidQuery(`Query validation error: '${name}' must be a non-negative integer.`);
    const value = Number(raw);
    if (value > max) throw invalidQuery(`Query validation error: '${name}' must be at most ${max}.`);
    return value;
  };
  const page = int('page', 0, 100000);
  const perPage = int('per_page', 50, 100);
  return { page, perPage, offset: page * perPage, includeTotals: readBoolean(req, 'include_totals') ?? false };
}

export function readBoolean(req: Request, name: string): boolean | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw invalidQuery(`Query validation error: '${name}' must be true or false.`);
}

export function readString(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw invalidQuery(`Query validation error: '${name}' must be given once.`);
  return raw;
}

/** Auth0's list shape: a bare array, or {start, limit, total, <key>} with include_totals=true. */
export function pageResponse<T>(key: string, items: T[], total: number, paging: Paging): T[] | Record<string, unknown> {
  if (!paging.includeTotals) return items;
  return { start: paging.offset, limit: paging.perPage, total, [key]: items };
}
