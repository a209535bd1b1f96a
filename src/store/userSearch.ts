/**
 * Compiles a parsed user query (src/domain/userQuery.ts) to Knex where-clauses on the users table.
 * Every condition is false, never NULL, for a row lacking the value (`col is not null and …`), so that
 * NOT means "everyone else", as in Lucene, and not "everyone else who has the field".
 */
import type { Knex } from 'knex';
import type { Bound, TextField, TextMatch, UserQuery } from '../domain/userQuery.js';
import { escapeLike, LOWER_LIKE } from './likePatterns.js';

type Where = Knex.QueryBuilder;

/** The stored id behind `auth0|<id>`; other providers' ids match no one here. */
function storedUserId(value: string): string | null {
  return value.startsWith('auth0|') ? value.slice('auth0|'.length) : null;
}

function textCondition(q: Where, column: string, match: TextMatch): Where {
  if (match.kind === 'present') return q.whereNotNull(column).andWhere(column, '<>', '');
  const pattern =
    match.kind === 'exact' ? escapeLike(match.value.toLowerCase()) : match.kind === 'prefix' ? `${escapeLike(match.value.toLowerCase())}%` : `%${escapeLike(match.value.toLowerCase())}`;
  // lower() on both sides: Auth0's normalized fields are case-insensitive, and PostgreSQL's LIKE is not.
  return q.whereNotNull(column).andWhereRaw(LOWER_LIKE, [column, pattern]);
}

function userIdCondition(q: Where, match: TextMatch): Where {
  if (match.kind === 'present') return q.whereNotNull('id');
  if (match.kind === 'suffix') return q.where('id', 'like', `%${escapeLike(match.value)}`);
  if (match.kind === 'prefix' && 'auth0|'.startsWith(match.value)) return q.whereNotNull('id');
  const id = storedUserId(match.value);
  if (id === null) return q.whereRaw('1 = 0');
  return match.kind === 'prefix' ? q.whereRaw(`?? like ? escape '\\'`, ['id', `${escapeLike(id)}%`]) : q.where('id', id);
}

function fieldCondition(q: Where, field: TextField, match: TextMatch): Where {
  return field === 'user_id' ? userIdCondition(q, match) : textCondition(q, field, match);
}

/** A bare term: the email, the whole name, or any word of the name. */
function anyCondition(q: Where, match: TextMatch): Where {
  return q.where((either) => {
    either.where((e) => textCondition(e, 'email', match)).orWhere((n) => textCondition(n, 'name', match));
    if (match.kind === 'exact' || match.kind === 'prefix') {
      const word = escapeLike(match.value.toLowerCase());
      const tail = match.kind === 'prefix' ? '%' : '';
      either.orWhere((w) => w.whereNotNull('name').andWhereRaw(LOWER_LIKE, ['name', `% ${word}${tail}`]));
      either.orWhere((w) => w.whereNotNull('name').andWhereRaw(LOWER_LIKE, ['name', `${word} %`]));
      either.orWhere((w) => w.whereNotNull('name').andWhereRaw(LOWER_LIKE, ['name', `% ${word} %`]));
    }
  });
}

function rangeCondition(q: Where, column: string, lower: Bound | null, upper: Bound | null): Where {
  q.whereNotNull(column);
  if (lower) q.andWhere(column, lower.inclusive ? '>=' : '>', lower.value);
  if (upper) q.andWhere(column, upper.inclusive ? '<=' : '<', upper.value);
  return q;
}

export function applyUserQuery(q: Where, node: UserQuery): Where {
  switch (node.type) {
    case 'and':
      return q.where((a) => applyUserQuery(a, node.left)).andWhere((b) => applyUserQuery(b, node.right));
    case 'or':
      return q.where((a) => applyUserQuery(a, node.left)).orWhere((b) => applyUserQuery(b, node.right));
    case 'not':
      return q.whereNot((inner) => applyUserQuery(inner, node.operand));
    case 'text':
      return fieldCondition(q, node.field, node.match);
    case 'any':
      return anyCondition(q, node.match);
    case 'boolean':
      return q.where(node.field, node.value);
    case 'range':
      return rangeCondition(q, node.field, node.lower, node.upper);
    case 'present':
      return q.whereNotNull(node.field);
  }
}
