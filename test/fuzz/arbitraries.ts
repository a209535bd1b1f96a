/** Hostile parameters: random, repeated, huge, NUL, unicode and prototype names, mixed with real values. */
import fc from 'fast-check';
import { LEAK_MARKERS } from './invariants.js';

export const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__'] as const;

const clean = (s: string) => !LEAK_MARKERS.test(s);

/** A value: mostly short junk of every kind, sometimes a real one (a client id, a callback) or a huge one. */
export function value(real: readonly string[] = []): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 2, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`) },
    { weight: 1, arbitrary: fc.constantFrom('', ' ', '%', '%00', '\uFFFF', '\uD800', '😀'.repeat(50), '-1', '1e309', 'null', '[]', '{}') },
    { weight: 1, arbitrary: fc.integer({ min: 700, max: 20_000 }).map((n) => 'x'.repeat(n)) },
    { weight: real.length > 0 ? 4 : 0, arbitrary: real.length > 0 ? fc.constantFrom(...real) : fc.constant('') },
  ).filter(clean);
}

/** Parameter lists (names may repeat) over the endpoint's own names and junk ones. */
export function params(names: readonly string[], real: readonly string[] = []): fc.Arbitrary<[string, string][]> {
  const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }).filter(clean) });
  return fc.array(fc.tuple(name, value(real)), { maxLength: 12 });
}

export function query(pairs: [string, string][]): string {
  return new URLSearchParams(pairs).toString();
}

/** A JSON body: an object of the endpoint's names, or any JSON at all. */
export function jsonBody(names: readonly string[], real: readonly string[] = []): fc.Arbitrary<string> {
  const object = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...names), fc.constantFrom(...PROTOTYPE_NAMES)), fc.oneof(value(real), fc.jsonValue({ maxDepth: 3 }))), { maxLength: 10 }).map((entries) => {
    // Object.fromEntries would drop __proto__ as a key; build the text so it reaches the server.
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`).join(',')}}`;
  });
  return fc.oneof({ weight: 4, arbitrary: object }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') }, { weight: 1, arbitrary: fc.string({ maxLength: 60 }) }).filter(clean);
}

/** Content types, charsets and encodings, mostly right. */
export const contentType = (right: string): fc.Arbitrary<{ type: string; encoding: string | null }> =>
  fc.record({
    type: fc.oneof({ weight: 8, arbitrary: fc.constant(right) }, { weight: 1, arbitrary: fc.constantFrom(`${right}; charset=utf-7`, `${right}; charset=latin1`, `${right}; charset=klingon`, 'text/plain', 'application/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x') }),
    encoding: fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom('gzip', 'deflate', 'br', 'compress', 'identity, gzip') }),
  });

/** encodeURIComponent, except that a lone surrogate (which it refuses) is sent as it is. */
function encodeLoosely(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return s;
  }
}

export const basicHeader = (clientIds: readonly string[]): fc.Arbitrary<string | null> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.tuple(value(clientIds), value()).map(([id, secret]) => `Basic ${Buffer.from(`${encodeLoosely(id)}:${encodeLoosely(secret)}`).toString('base64')}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).filter(clean).map((s) => `Basic ${s}`) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).filter(clean).map((s) => `Basic ${Buffer.from(s).toString('base64')}`) },
  );
