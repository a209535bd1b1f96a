/**
 * What Auth0's two search syntaxes share (subsets of Lucene: users, src/domain/userQuery.ts, and logs,
 * src/domain/logQuery.ts): the tokenizer, and dates as bounds. Errors are QuerySyntaxError, each a
 * sentence saying what is wrong and where, which the Management API answers with a 400.
 */

export class QuerySyntaxError extends Error {}

/** Bounds in epoch milliseconds (dates) or plain numbers; null is open. */
export interface Bound {
  value: number;
  inclusive: boolean;
}

export type Token =
  | { t: 'lparen' | 'rparen' | 'and' | 'or' | 'not'; at: number }
  | { t: 'field'; name: string; at: number }
  | { t: 'word'; text: string; at: number }
  | { t: 'phrase'; text: string; at: number }
  | { t: 'range'; lower: string; upper: string; lowerInclusive: boolean; upperInclusive: boolean; at: number };

/** Characters that end a bare word. */
const BREAKS = new Set([' ', '\t', '\n', '\r', '(', ')', '"']);

export function tokenize(q: string): Token[] {
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
    if (q[i] !== '"') throw new QuerySyntaxError(`the quote opened at position ${start + 1} is never closed`);
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
    if (close < 0) throw new QuerySyntaxError(`the range opened at position ${at + 1} is never closed`);
    const inner = q.slice(i + 1, i + 1 + close);
    const upperInclusive = q[i + 1 + close] === ']';
    i += close + 2;
    const parts = /^\s*("[^"]*"|\S+)\s+TO\s+("[^"]*"|\S+)\s*$/.exec(inner);
    if (!parts?.[1] || !parts[2]) throw new QuerySyntaxError(`a range is written [from TO to] (or with braces to exclude an end), at position ${at + 1}`);
    const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1) : s);
    return { t: 'range', lower: unquote(parts[1]), upper: unquote(parts[2]), lowerInclusive, upperInclusive, at };
  };
  let afterField = false;
  while (i < q.length) {
    const c = q[i] as string;
    const at = i;
    if (/\s/.test(c)) {
      if (afterField) throw new QuerySyntaxError(`a field needs a value right after its colon, at position ${at + 1}`);
      i += 1;
      continue;
    }
    if (afterField) {
      afterField = false;
      if (c === '"') tokens.push({ t: 'phrase', text: readQuoted(), at });
      else if (c === '[' || c === '{') tokens.push(readRange());
      else if (c === '(') throw new QuerySyntaxError(`grouping values under one field (field:(a OR b)) is not supported, at position ${at + 1}; write field:a OR field:b`);
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
      throw new QuerySyntaxError(`a range needs a field before it (field:[from TO to]), at position ${at + 1}`);
    } else {
      const word = readWord(true);
      if (/^[+-]/.test(word)) throw new QuerySyntaxError(`the +/- prefixes are not supported (at position ${at + 1}); use AND and NOT`);
      if (q[i] === ':') {
        i += 1;
        if (word === '') throw new QuerySyntaxError(`a colon without a field name at position ${at + 1}`);
        tokens.push({ t: 'field', name: word, at });
        afterField = true;
      } else if (word === 'AND' || word === 'OR' || word === 'NOT') {
        tokens.push({ t: word.toLowerCase() as 'and' | 'or' | 'not', at });
      } else if (word === '&&' || word === '||' || word === '!') {
        throw new QuerySyntaxError(`use AND, OR and NOT instead of ${word}, at position ${at + 1}`);
      } else {
        tokens.push({ t: 'word', text: word, at });
      }
    }
  }
  if (afterField) throw new QuerySyntaxError('the query ends with a field but no value');
  return tokens;
}

/** A value as bounds: a whole day covers that day, a timestamp that millisecond. */
export interface Span {
  lower(inclusive: boolean): Bound;
  upper(inclusive: boolean): Bound;
}

const DAY = 24 * 3600 * 1000;

export function parseDate(text: string, field: string): Span {
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00.000Z`);
    // Date.parse rolls 2026-02-30 over to March: a day that does not exist is refused instead.
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== text) throw new QuerySyntaxError(`${field}: "${text}" is not a date`);
    // [D TO …] starts with D's first moment, {D TO …} after its last; [… TO D] ends with D's last moment.
    return {
      lower: (inclusive) => ({ value: inclusive ? start : start + DAY, inclusive: true }),
      upper: (inclusive) => ({ value: inclusive ? start + DAY : start, inclusive: false }),
    };
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) throw new QuerySyntaxError(`${field}: "${text}" is not a date`);
    return { lower: (inclusive) => ({ value: at, inclusive }), upper: (inclusive) => ({ value: at, inclusive }) };
  }
  throw new QuerySyntaxError(`${field}: "${text}" is not a date; use 2026-01-31 or 2026-01-31T12:00:00Z`);
}

