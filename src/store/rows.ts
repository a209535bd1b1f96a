import type { Knex } from 'knex';

/** Column conversions shared by the repositories: SQLite returns 0/1 for booleans and text for JSON. */
export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

export function jsonArray(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
}

export function jsonRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'string') return {};
  const parsed: unknown = JSON.parse(value);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** A JSON object column (metadata, details); anything else reads as {}. */
export function jsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'string') return {};
  const parsed: unknown = JSON.parse(value);
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : num(value);
}

export function strOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export type Row = Record<string, unknown>;

export interface PageRequest {
  offset: number;
  limit: number;
}

/**
 * One page of a table in creation order, with the total: `filter` holds column equalities (an array
 * means "any of"; undefined is ignored). The Management API's lists all read this way.
 */
export async function pagedRows(
  db: Knex,
  table: string,
  filter: Record<string, string | number | boolean | string[] | undefined>,
  page: PageRequest,
  idColumn = 'id',
): Promise<{ rows: Row[]; total: number }> {
  const where = (q: Knex.QueryBuilder): Knex.QueryBuilder => {
    for (const [column, value] of Object.entries(filter)) {
      if (Array.isArray(value)) q.whereIn(column, value);
      else if (value !== undefined) q.where(column, value);
    }
    return q;
  };
  const rows = (await where(db(table)).orderBy('created_at').orderBy(idColumn).offset(page.offset).limit(page.limit)) as Row[];
  const count = (await where(db(table)).count({ n: '*' }).first()) as Row | undefined;
  return { rows, total: num(count?.n ?? 0) };
}
