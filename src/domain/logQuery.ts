/**
 * Auth0's log search syntax (GET /api/v2/logs?q=), the part of Lucene its log search documents:
 *
 *   query := term ("AND" term)*        (no OR, NOT or parentheses; terms side by side need an AND)
 *   term  := field:value               exact, on the LOG_EQUALITY_FIELDS
 *          | date:value                a day, a datetime with Z or an offset, or a range [lo TO hi] (braces
 *                                      exclude an end, * leaves it open; a day as an upper bound is through its end)
 *          | word | "quoted phrase"    free text: found, in any case, inside one of the LOG_TEXT_FIELDS
 *
 * Terms narrow each other: date terms to where they overlap, every free-text term must be found. What
 * it cannot answer exactly is refused with a reason (QuerySyntaxError → 400), never ignored.
 */
import { parseDate, QuerySyntaxError, tokenize, type Bound, type Token } from './luceneQuery.js';

export const LOG_EQUALITY_FIELDS = ['type', 'client_id', 'user_id', 'user_name', 'ip', 'connection', 'audience'] as const;
/** What a bare term or phrase is looked for in (the columns of the same names). */
export const LOG_TEXT_FIELDS = ['description', 'user_name', 'client_name', 'ip', 'user_agent'] as const;

export type LogEqualityField = (typeof LOG_EQUALITY_FIELDS)[number];

/** What a log search selects: exact fields, a date range (epoch milliseconds, both ends included) and free text. */
export type LogFilter = Partial<Record<LogEqualityField, string>> & {
  dateFrom?: number;
  dateTo?: number;
  /** Each must be found in one of the LOG_TEXT_FIELDS (any case; %, _ and \ are plain characters). */
  text?: string[];
};

const MAX_LENGTH = 2000;
const FIELDS = [...LOG_EQUALITY_FIELDS, 'date'].join(', ');

type Value = Extract<Token, { t: 'word' | 'phrase' | 'range' }>;

const isEquality = (field: string): field is LogEqualityField => (LOG_EQUALITY_FIELDS as readonly string[]).includes(field);

/** A value typed without quotes: its * and ? would be wildcards in Lucene, which this search does not do. */
function plain(value: Extract<Token, { t: 'word' | 'phrase' }>, what: string): string {
  if (value.t === 'word' && /[*?]/.test(value.text)) {
    throw new QuerySyntaxError(`wildcards (* and ?) are not supported in log searches, in ${what} at position ${value.at + 1}; a bare term is already found anywhere in ${LOG_TEXT_FIELDS.join(', ')}`);
  }
  return value.text;
}

// Dates are whole milliseconds, so an excluded end is the millisecond next to it.
const fromBound = (bound: Bound): number => (bound.inclusive ? bound.value : bound.value + 1);
const toBound = (bound: Bound): number => (bound.inclusive ? bound.value : bound.value - 1);

function narrowDates(filter: LogFilter, value: Value): void {
  let from: number | null;
  let to: number | null;
  if (value.t === 'range') {
    from = value.lower === '*' ? null : fromBound(parseDate(value.lower, 'date').lower(value.lowerInclusive));
    to = value.upper === '*' ? null : toBound(parseDate(value.upper, 'date').upper(value.upperInclusive));
  } else {
    const span = parseDate(plain(value, 'date'), 'date');
    from = fromBound(span.lower(true));
    to = toBound(span.upper(true));
  }
  if (from !== null) filter.dateFrom = Math.max(from, filter.dateFrom ?? from);
  if (to !== null) filter.dateTo = Math.min(to, filter.dateTo ?? to);
}

function addText(filter: LogFilter, value: Extract<Token, { t: 'word' | 'phrase' }>): void {
  const text = plain(value, 'a term');
  if (text === '') throw new QuerySyntaxError(`an empty phrase at position ${value.at + 1} would match everything: leave it out`);
  (filter.text ??= []).push(text);
}

function addField(filter: LogFilter, field: string, value: Value): void {
  if (field === 'date') {
    narrowDates(filter, value);
  } else if (isEquality(field)) {
    if (value.t === 'range') throw new QuerySyntaxError(`ranges are supported on date only, not on ${field}`);
    const text = plain(value, field);
    const earlier = filter[field];
    // An event has one value per field, and OR is not supported: two different ones would match nothing.
    if (earlier !== undefined && earlier !== text) throw new QuerySyntaxError(`${field} is given twice with different values ("${earlier}" and "${text}"); an event has one`);
    filter[field] = text;
  } else {
    throw new QuerySyntaxError(`cannot search the field "${field}"; the searchable fields are ${FIELDS}, and a bare term or "phrase" searches ${LOG_TEXT_FIELDS.join(', ')}`);
  }
}

/** The filter `q` asks for; throws QuerySyntaxError with a sentence saying what is not supported and where. */
export function parseLogQuery(q: string): LogFilter {
  if (q.length > MAX_LENGTH) throw new QuerySyntaxError(`the query is longer than ${MAX_LENGTH} characters`);
  const filter: LogFilter = {};
  const tokens = tokenize(q);
  for (let i = 0; i < tokens.length; ) {
    const token = tokens[i] as Token;
    if (token.t === 'field') {
      const value = tokens[i + 1];
      // The tokenizer gives every field a value token right after it.
      if (!value || (value.t !== 'word' && value.t !== 'phrase' && value.t !== 'range')) throw new QuerySyntaxError(`the field ${token.name} has no value`);
      addField(filter, token.name, value);
      i += 2;
    } else if (token.t === 'word' || token.t === 'phrase') {
      addText(filter, token);
      i += 1;
    } else {
      // (The tokenizer refuses a range without a field itself.)
      throw unsupported(token);
    }
    const next = tokens[i];
    if (next === undefined) break;
    if (next.t !== 'and') {
      if (next.t === 'field' || next.t === 'word' || next.t === 'phrase') throw new QuerySyntaxError(`terms side by side need AND between them, at position ${next.at + 1} (put a phrase in quotes)`);
      throw unsupported(next);
    }
    if (tokens[i + 1] === undefined) throw new QuerySyntaxError('the query ends with AND');
    i += 1;
  }
  return filter;
}

function unsupported(token: Token): QuerySyntaxError {
  if (token.t === 'and') return new QuerySyntaxError(`AND where a term was expected, at position ${token.at + 1}`);
  const what = token.t === 'lparen' || token.t === 'rparen' ? 'a parenthesis' : token.t.toUpperCase();
  return new QuerySyntaxError(`${what} at position ${token.at + 1}: log searches join terms with AND only (no OR, NOT or parentheses)`);
}
