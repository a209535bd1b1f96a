/**
 * NUL bytes are refused at the door: PostgreSQL text cannot hold U+0000, so one that reached a query
 * would fail there (a 500), and no legitimate OAuth, Auth0 or form parameter carries one.
 */
import type { NextFunction, Request, Response } from 'express';
import { NulByteError } from './inputErrors.js';

/** Bounds the walk of a parsed JSON body; deeper structures are refused by the surfaces' own schemas. */
const MAX_DEPTH = 32;

export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((item) => containsNul(item, depth + 1));
  return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item, depth + 1));
}

/** A NUL in the raw URL (literal or percent-encoded) is one in the path or in a query value. */
export function urlContainsNul(url: string): boolean {
  return url.includes('\u0000') || /%00/i.test(url);
}

/** HTTP Basic credentials are base64 of form-encoded parts (RFC 6749 §2.3.1): a NUL hides in either layer. */
export function basicCredentialsContainNul(header: string | undefined): boolean {
  if (!header || !/^basic\s/i.test(header)) return false;
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  return decoded.includes('\u0000') || /%00/i.test(decoded);
}

/** Rejects a request whose URL, Basic credentials or already-parsed body holds a NUL; the surface's error handler answers. */
export function rejectNulBytes(req: Request, _res: Response, next: NextFunction): void {
  if (urlContainsNul(req.originalUrl)) return next(new NulByteError('path or query'));
  if (basicCredentialsContainNul(req.headers.authorization)) return next(new NulByteError('credentials'));
  if (containsNul(req.body)) return next(new NulByteError('body'));
  next();
}
