/**
 * Auth0's user search syntax (search_engine v3, a subset of Lucene) for the fields this server stores,
 * parsed by recursive descent into a tree the users repository compiles to SQL. Whatever it cannot
 * answer exactly is refused with a reason (UserQueryError → 400), never ignored: a script that
 * searches and then deletes the first hit must not act on the wrong person.
 *
 *   query   := or
 *   or      := and ("OR" and)*
 *   and     := unary ("AND" unary)*          (terms side by side without an operator are refused)
 *   unary   := "NOT" unary | primary
 *   primary := "(" or ")" | [field ":"] value
 *   value   := word | word* | *word | * | "quoted phrase" | [lo TO hi] | {lo TO hi} (mixed brackets too)
 */
import { parseDate, QuerySyntaxError as UserQueryError, tokenize, type Bound, type Span, type Token } from './luceneQuery.js';

export type { Bound } from './luceneQuery.js';

export const TEXT_FIELDS = ['email', 'name', 'nickname', 'user_id'] as const;
export const BOOLEAN_FIELDS = ['email_verified', 'blocked'] as const;
export const DATE_FIELDS = ['created_at', 'updated_at', 'last_login'] as const;
export const NUMBER_FIELDS = ['logins_count'] as const;

export type TextField = (typeof TEXT_FIELDS)[number];
export type BooleanField = (typeof BOOLEAN_FIELDS)[number];
export type DateField = (typeof DATE_FIELDS)[number];
export type NumberField = (typeof NUMBER_FIELDS)[number];

/** Text: exact (case-insensitive), prefix (`jo*`), suffix (`*son`), or present (`*`). */
export type TextMatch = { kind: 'exact' | 'prefix' | 'suffix'; value: string } | { kind: 'present' };

export type UserQuery =
  | { type: 'and' | 'or'; left: UserQuery; right: UserQuery }
  | { type: 'not'; operand: UserQuery }
  | { type: 'text'; field: TextField; match: TextMatch }
  /** A term without a field: the email, or the name or any word of it. */
  | { type: 'any'; match: TextMatch }
  | { type: 'boolean'; field: BooleanField; value: boolean }
  | { type: 'range'; field: DateField | NumberField; lower: Bound | null; upper: Bound | null }
  | { type: 'present'; field: DateField | NumberField };

// One error class for both syntaxes: the tokenizer's errors are the user search's too.
export { UserQueryError };

const MAX_LENGTH = 2000;
const MAX_DEPTH = 32;
const SUPPORTED = [...TEXT_FIELDS, ...BOOLEAN_FIELDS, ...DATE_FIELDS, ...NUMBER_FIELDS].join(', ');

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): UserQuery {
    const query = this.or(0);
    const rest = this.tokens[this.pos];
    if (rest) {
      if (rest.t === 'rparen') throw new UserQueryError(`a closing parenthesis without an opening one at position ${rest.at + 1}`);
      throw new UserQueryError(`terms side by side need AND or OR between them, at position ${rest.at + 1}`);
    }
    return query;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private or(depth: number): UserQuery {
    let left = this.and(depth);
    while (this.peek()?.t === 'or') {
      this.pos += 1;
      left = { type: 'or', left, right: this.and(depth) };
    }
    return left;
  }

  private and(depth: number): UserQuery {
    let left = this.unary(depth);
    while (this.peek()?.t === 'and') {
      this.pos += 1;
      left = { type: 'and', left, right: this.unary(depth) };
    }
    return left;
  }

  private unary(depth: number): UserQuery {
    if (depth > MAX_DEPTH) throw new UserQueryError(`the query nests deeper than ${MAX_DEPTH} levels`);
    if (this.peek()?.t === 'not') {
      this.pos += 1;
      return { type: 'not', operand: this.unary(depth + 1) };
    }
    return this.primary(depth);
  }

  private primary(depth: number): UserQuery {
    const token = this.tokens[this.pos];
    if (!token) throw new UserQueryError('the query ends where a term was expected');
    this.pos += 1;
    switch (token.t) {
      case 'lparen': {
        const inner = this.or(depth + 1);
        if (this.peek()?.t !== 'rparen') throw new UserQueryError(`the parenthesis opened at position ${token.at + 1} is never closed`);
        this.pos += 1;
        return inner;
      }
      case 'field': {
        const value = this.tokens[this.pos];
        this.pos += 1;
        if (!value || (value.t !== 'word' && value.t !== 'phrase' && value.t !== 'range')) throw new UserQueryError(`the field ${token.name} has no value`);
        return fieldTerm(token.name, value);
      }
      case 'word':
      case 'phrase':
        return { type: 'any', match: textMatch(token, 'a term') };
      default:
        throw new UserQueryError(`${token.t === 'rparen' ? 'a closing parenthesis' : token.t.toUpperCase()} where a term was expected, at position ${token.at + 1}`);
    }
  }
}

function textMatch(token: Extract<Token, { t: 'word' | 'phrase' }>, what: string): TextMatch {
  if (token.t === 'phrase') return { kind: 'exact', value: token.text };
  const text = token.text;
  if (text === '*') return { kind: 'present' };
  if (/^[+-]/.test(text)) throw new UserQueryError(`the +/- prefixes are not supported (at position ${token.at + 1}); use AND and NOT`);
  if (text.includes('?')) throw new UserQueryError(`the ? wildcard is not supported, in ${what} at position ${token.at + 1}`);
  const inner = text.slice(1, -1);
  if (inner.includes('*')) throw new UserQueryError(`a * is supported only at the start or end of a value, in ${what} at position ${token.at + 1}`);
  if (text.length > 1 && text.startsWith('*') && text.endsWith('*')) throw new UserQueryError(`a value cannot start and end with *, at position ${token.at + 1}`);
  if (text.endsWith('*')) return { kind: 'prefix', value: text.slice(0, -1) };
  if (text.startsWith('*')) {
    // Auth0's rule: a suffix match needs at least three characters.
    if (text.length < 4) throw new UserQueryError(`a value starting with * needs at least 3 more characters, at position ${token.at + 1}`);
    return { kind: 'suffix', value: text.slice(1) };
  }
  return { kind: 'exact', value: text };
}

const includes = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

function fieldTerm(field: string, value: Extract<Token, { t: 'word' | 'phrase' | 'range' }>): UserQuery {
  if (includes(TEXT_FIELDS, field)) {
    if (value.t === 'range') throw new UserQueryError(`ranges are supported on dates and logins_count, not on ${field}`);
    return { type: 'text', field, match: textMatch(value, field) };
  }
  if (includes(BOOLEAN_FIELDS, field)) {
    if (value.t === 'range' || (value.text !== 'true' && value.text !== 'false')) throw new UserQueryError(`${field} is true or false`);
    return { type: 'boolean', field, value: value.text === 'true' };
  }
  if (includes(DATE_FIELDS, field) || includes(NUMBER_FIELDS, field)) {
    const parse = includes(DATE_FIELDS, field) ? parseDate : parseCount;
    if (value.t === 'range') {
      return {
        type: 'range',
        field,
        lower: value.lower === '*' ? null : parse(value.lower, field).lower(value.lowerInclusive),
        upper: value.upper === '*' ? null : parse(value.upper, field).upper(value.upperInclusive),
      };
    }
    if (value.t === 'word' && value.text === '*') return { type: 'present', field };
    const exact = parse(value.text, field);
    return { type: 'range', field, lower: exact.lower(true), upper: exact.upper(true) };
  }
  throw new UserQueryError(`cannot search the field "${field}"; the searchable fields are ${SUPPORTED}`);
}

function parseCount(text: string, field: string): Span {
  if (!/^\d{1,9}$/.test(text)) throw new UserQueryError(`${field}: "${text}" is not a whole number`);
  const n = Number(text);
  return { lower: (inclusive) => ({ value: n, inclusive }), upper: (inclusive) => ({ value: n, inclusive }) };
}

/** Parses `q`; throws UserQueryError with a sentence saying what is not supported and where. */
export function parseUserQuery(q: string): UserQuery {
  if (q.length > MAX_LENGTH) throw new UserQueryError(`the query is longer than ${MAX_LENGTH} characters`);
  const tokens = tokenize(q);
  if (tokens.length === 0) throw new UserQueryError('the query is empty');
  return new Parser(tokens).parse();
}
