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
/** Bounds in epoch milliseconds (dates) or plain numbers; null is open. */
export interface Bound {
  value: number;
  inclusive: boolean;
}

export type UserQuery =
  | { type: 'and' | 'or'; left: UserQuery; right: UserQuery }
  | { type: 'not'; operand: UserQuery }
  | { type: 'text'; field: TextField; match: TextMatch }
  /** A term without a field: the email, or the name or any word of it. */
  | { type: 'any'; match: TextMatch }
  | { type: 'boolean'; field: BooleanField; value: boolean }
  | { type: 'range'; field: DateField | NumberField; lower: Bound | null; upper: Bound | null }
  | { type: 'present'; field: DateField | NumberField };

export class UserQueryError extends Error {}

const MAX_LENGTH = 2000;
const MAX_DEPTH = 32;
const SUPPORTED = [...TEXT_FIELDS, ...BOOLEAN_FIELDS, ...DATE_FIELDS, ...NUMBER_FIELDS].join(', ');

type Token =
  | { t: 'lparen' | 'rparen' | 'and' | 'or' | 'not'; at: number }
  | { t: 'field'; name: string; at: number }
  | { t: 'word'; text: string; at: number }
  | { t: 'phrase'; text: string; at: number }
  | { t: 'range'; lower: string; upper: string; lowerInclusive: boolean; upperInclusive: boolean; at: number };

/** Characters that end a bare word. */
const BREAKS = new Set([' ', '\t', '\n', '\r', '(', ')', '"']);

function tokenize(q: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const readQuoted = (): string => {
    const start = i;
    i += 1;
    let text = '';
    while (i < q.length && q[i] !== '"') {
      if (q[i] === '\\' && i + 1 < q.length) i += 1;
      text += q[i];
      i += 1;
    }
    if (q[i] !== '"') throw new UserQueryError(`the quote opened at position ${start + 1} is never closed`);
    i += 1;
    return text;
  };
  const readWord = (stopAtColon: boolean): string => {
    let text = '';
    while (i < q.length && !BREAKS.has(q[i] as string) && !(stopAtColon && q[i] === ':')) {
      if (q[i] === '\\' && i + 1 < q.length) i += 1;
      text += q[i];
      i += 1;
    }
    return text;
  };
  const readRange = (): Token => {
    const at = i;
    const lowerInclusive = q[i] === '[';
    const close = q.slice(i + 1).search(/[\]}]/);
    if (close < 0) throw new UserQueryError(`the range opened at position ${at + 1} is never closed`);
    const inner = q.slice(i + 1, i + 1 + close);
    const upperInclusive = q[i + 1 + close] === ']';
    i += close + 2;
    const parts = /^\s*("[^"]*"|\S+)\s+TO\s+("[^"]*"|\S+)\s*$/.exec(inner);
    if (!parts?.[1] || !parts[2]) throw new UserQueryError(`a range is written [from TO to] (or with braces to exclude an end), at position ${at + 1}`);
    const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1) : s);
    return { t: 'range', lower: unquote(parts[1]), upper: unquote(parts[2]), lowerInclusive, upperInclusive, at };
  };
  let afterField = false;
  while (i < q.length) {
    const c = q[i] as string;
    const at = i;
    if (/\s/.test(c)) {
      if (afterField) throw new UserQueryError(`a field needs a value right after its colon, at position ${at + 1}`);
      i += 1;
      continue;
    }
    if (afterField) {
      afterField = false;
      if (c === '"') tokens.push({ t: 'phrase', text: readQuoted(), at });
      else if (c === '[' || c === '{') tokens.push(readRange());
      else if (c === '(') throw new UserQueryError(`grouping values under one field (field:(a OR b)) is not supported, at position ${at + 1}; write field:a OR field:b`);
      else tokens.push({ t: 'word', text: readWord(false), at });
      continue;
    }
    if (c === '(') {
      tokens.push({ t: 'lparen', at });
      i += 1;
    } else if (c === ')') {
      tokens.push({ t: 'rparen', at });
      i += 1;
    } else if (c === '"') {
      tokens.push({ t: 'phrase', text: readQuoted(), at });
    } else if (c === '[' || c === '{') {
      throw new UserQueryError(`a range needs a field (e.g. created_at:[2026-01-01 TO *]), at position ${at + 1}`);
    } else {
      const word = readWord(true);
      if (/^[+-]/.test(word)) throw new UserQueryError(`the +/- prefixes are not supported (at position ${at + 1}); use AND and NOT`);
      if (q[i] === ':') {
        i += 1;
        if (word === '') throw new UserQueryError(`a colon without a field name at position ${at + 1}`);
        tokens.push({ t: 'field', name: word, at });
        afterField = true;
      } else if (word === 'AND' || word === 'OR' || word === 'NOT') {
        tokens.push({ t: word.toLowerCase() as 'and' | 'or' | 'not', at });
      } else if (word === '&&' || word === '||' || word === '!') {
        throw new UserQueryError(`use AND, OR and NOT instead of ${word}, at position ${at + 1}`);
      } else {
        tokens.push({ t: 'word', text: word, at });
      }
    }
  }
  if (afterField) throw new UserQueryError('the query ends with a field but no value');
  return tokens;
}

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

/** A value as bounds: a whole day covers that day, a timestamp that millisecond. */
interface Span {
  lower(inclusive: boolean): Bound;
  upper(inclusive: boolean): Bound;
}

const DAY = 24 * 3600 * 1000;

function parseDate(text: string, field: string): Span {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00.000Z`);
    if (Number.isNaN(start)) throw new UserQueryError(`${field}: "${text}" is not a date`);
    // [D TO …] starts with D's first moment, {D TO …} after its last; [… TO D] ends with D's last moment.
    return {
      lower: (inclusive) => ({ value: inclusive ? start : start + DAY, inclusive: true }),
      upper: (inclusive) => ({ value: inclusive ? start + DAY : start, inclusive: false }),
    };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) throw new UserQueryError(`${field}: "${text}" is not a date`);
    return { lower: (inclusive) => ({ value: at, inclusive }), upper: (inclusive) => ({ value: at, inclusive }) };
  }
  throw new UserQueryError(`${field}: "${text}" is not a date; use 2026-01-31 or 2026-01-31T12:00:00Z`);
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
