/** Reading Management API requests: bodies validated with zod, Auth0's paging parameters. */
import type { Request } from 'express';
import { z } from 'zod';
import { decodeCheckpoint } from '../domain/checkpoint.js';
import type { CheckpointRequest } from '../store/checkpoint.js';
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

/** Checkpoint paging (`from`, `take`): null when the request uses neither (then page/per_page apply). */
export function readCheckpoint(req: Request): CheckpointRequest | null {
  const from = readString(req, 'from');
  const take = readString(req, 'take');
  if (from === undefined && take === undefined) return null;
  if (req.query.page !== undefined) throw invalidQuery("Query validation error: use either 'from'/'take' or 'page'/'per_page', not both.");
  const count = take === undefined ? 50 : /^\d{1,3}$/.test(take) ? Number(take) : NaN;
  if (!Number.isInteger(count) || count < 1 || count > 100) throw invalidQuery("Query validation error: 'take' must be between 1 and 100.");
  if (from === undefined || from === '') return { from: null, take: count };
  const checkpoint = decodeCheckpoint(from);
  if (!checkpoint) throw invalidQuery("Query validation error: 'from' is not a checkpoint this server returned in 'next'.");
  return { from: checkpoint, take: count };
}

/** Auth0's checkpoint shape: `{<key>: [...], next}`, `next` only when more items follow. */
export function checkpointResponse<T>(key: string, items: T[], next: string | null): Record<string, unknown> {
  return { [key]: items, ...(next ? { next } : {}) };
}

export type FieldSelection = (item: Record<string, unknown>) => Record<string, unknown>;

const FIELD_NAME = /^[A-Za-z0-9_]{1,64}$/;

/**
 * Auth0's `fields` (comma-separated names) and `include_fields` (true: only those, the default;
 * false: all but those). A malformed list is a 400 rather than a full answer the caller did not ask for.
 */
export function readFieldSelection(req: Request): FieldSelection {
  const fields = readString(req, 'fields');
  const include = readBoolean(req, 'include_fields') ?? true;
  if (fields === undefined) return (item) => item;
  const names = fields.split(',').map((f) => f.trim());
  const bad = names.find((n) => !FIELD_NAME.test(n));
  if (bad !== undefined) throw invalidQuery(`Query validation error: 'fields' must be comma-separated field names; "${bad}" is not one.`);
  const chosen = new Set(names);
  return (item) => Object.fromEntries(Object.entries(item).filter(([key]) => chosen.has(key) === include));
}
