/**
 * What every response to fuzzed input must satisfy (issue 12): no 5xx, no stack trace, SQL or
 * "Error:" text, no redirect to an unregistered URI, no code or token for invalid input, and an
 * answer within 2 s (the one timing bound of the suite, which the issue asks for).
 */
import type { Knex } from 'knex';

export const RESPONSE_TIME_LIMIT_MS = 2000;

/** Text that only a leaked internal error would put in a body. Fuzzed strings never contain it (see arbitraries). */
const LEAKS_ANY_CASE = /\n\s+at [^\n]*:\d+:\d+|\bSqliteError\b|\bselect [^\n]* from\b|\binsert into\b|\bduplicate key\b|\bviolates\b|\bnode_modules\b|\bsyntax error\b/i;
export const LEAK_MARKERS = { test: (text: string): boolean => /Error:/.test(text) || LEAKS_ANY_CASE.test(text) };

export interface FuzzResponse {
  method: string;
  url: string;
  status: number;
  location: string | null;
  body: string;
  elapsedMs: number;
}

export interface Invariants {
  check(res: FuzzResponse): Promise<void>;
}

function jsonArray(value: unknown): string[] {
  try {
    const parsed: unknown = JSON.parse(String(value ?? '[]'));
    return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

/** Redirects may go to our own origin or to a URI some client registered (read afresh when in doubt). */
export function invariants(db: Knex, origin: string): Invariants {
  let registered = new Set<string>();
  const reload = async () => {
    const rows = (await db('clients').select('callbacks', 'allowed_logout_urls')) as { callbacks: unknown; allowed_logout_urls: unknown }[];
    registered = new Set(rows.flatMap((r) => [...jsonArray(r.callbacks), ...jsonArray(r.allowed_logout_urls)]));
  };
  const registeredTarget = (target: URL): boolean => {
    const base = `${target.origin}${target.pathname}`;
    for (const uri of registered) {
      if (uri === target.href || uri === base) return true;
      try {
        const u = new URL(uri);
        if (`${u.origin}${u.pathname}` === base) return true;
      } catch {
        // a stored value that is no URL matches nothing
      }
    }
    return false;
  };
  const fail = (res: FuzzResponse, why: string): never => {
    throw new Error(`${why}\n${res.method} ${res.url.slice(0, 600)}\n→ ${res.status} ${res.location ?? ''} (${res.elapsedMs} ms)\n${res.body.slice(0, 800)}`);
  };
  return {
    async check(res) {
      if (res.status >= 500) fail(res, 'a 5xx');
      if (LEAK_MARKERS.test(res.body)) fail(res, 'a stack trace, SQL or "Error:" in the body');
      if (res.elapsedMs > RESPONSE_TIME_LIMIT_MS) fail(res, `slower than ${RESPONSE_TIME_LIMIT_MS} ms`);
      if (/"(access_token|id_token|refresh_token)"\s*:/.test(res.body)) fail(res, 'a token in the response to invalid input');
      if (res.location) {
        const target = new URL(res.location, res.url);
        if (/[?#&](code|access_token|id_token)=/.test(target.href)) fail(res, 'a code or token in a redirect for invalid input');
        if (target.origin !== origin) {
          if (!registeredTarget(target)) await reload();
          if (!registeredTarget(target)) fail(res, 'a redirect to an unregistered URI');
        }
      }
    },
  };
}
