import type { Knex } from 'knex';
import { encodeCheckpoint, type Checkpoint } from '../domain/checkpoint.js';
import { num, type Row } from './rows.js';

export interface CheckpointRequest {
  /** The cursor of the last item already seen; null for the first page. */
  from: Checkpoint | null;
  take: number;
}

/**
 * Checkpoint paging over a table kept in (created_at, id) order, as pagedRows reads it: `take` rows
 * after the cursor, and the cursor of the last one when more follow. `where` narrows the rows.
 */
export async function checkpointRows(
  db: Knex,
  table: string,
  where: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
  page: CheckpointRequest,
  idColumn = 'id',
): Promise<{ rows: Row[]; next: string | null }> {
  const q = where(db(table));
  const { from } = page;
  if (from) {
    q.where((after) => after.where('created_at', '>', from.createdAt).orWhere((same) => same.where('created_at', from.createdAt).andWhere(idColumn, '>', from.id)));
  }
  // One more than asked tells whether a next page exists.
  const rows = (await q.orderBy('created_at').orderBy(idColumn).limit(page.take + 1)) as Row[];
  const more = rows.length > page.take;
  const items = more ? rows.slice(0, page.take) : rows;
  const last = items[items.length - 1];
  return { rows: items, next: more && last ? encodeCheckpoint({ createdAt: num(last.created_at), id: String(last[idColumn]) }) : null };
}

/** Column equalities as pagedRows takes them (an array means "any of"; undefined is ignored). */
export function equalities(filter: Record<string, string | number | boolean | string[] | undefined>): (q: Knex.QueryBuilder) => Knex.QueryBuilder {
  return (q) => {
    for (const [column, value] of Object.entries(filter)) {
      if (Array.isArray(value)) q.whereIn(column, value);
      else if (value !== undefined) q.where(column, value);
    }
    return q;
  };
}
