/** Headers for the login, consent and error pages (checklist S8, S11) and for token responses. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { randomString } from '../services/ids.js';

/** Responses that carry secrets or one-time values must never be cached (RFC 6749 §5.1). */
export function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  res.set('Pragma', 'no-cache');
  next();
}

/**
 * Pages: no framing, no referrer, no caching. The Content-Security-Policy is written when the page is
 * rendered (see contentSecurityPolicy), because it depends on where the page's form leads.
 */
export function pageSecurity(): RequestHandler[] {
  const nonce: RequestHandler = (_req, res, next) => {
    res.locals.cspNonce = randomString(16, 'base64');
    res.locals.formActionOrigins = [];
    res.locals.frameAncestors = null;
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: false,
  });
  return [nonce, noStore, headers];
}

/**
 * No third-party resources, no framing, one nonce for the one inline script (the form_post
 * auto-submit). form-action also names the origin the page's form may lead to, because browsers
 * apply form-action to the redirects that follow a submission.
 */
export function contentSecurityPolicy(res: Response): string {
  const formAction = ["'self'", ...new Set((res.locals.formActionOrigins as string[] | undefined) ?? [])].join(' ');
  const frameAncestors = (res.locals.frameAncestors as string | null | undefined) ?? "'none'";
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self' data: https:",
    `script-src 'nonce-${res.locals.cspNonce as string}'`,
    `form-action ${formAction}`,
    `frame-ancestors ${frameAncestors}`,
    "base-uri 'none'",
  ].join('; ');
}

/**
 * The page's form may lead to this URI, directly or through the redirects that follow the submission
 * (Chromium checks form-action against each of them): the login form, for one, ends at the client's
 * callback whenever no consent page follows.
 */
export function allowFormTarget(res: Response, uri: string): void {
  const source = originForCsp(uri);
  if (source) (res.locals.formActionOrigins as string[]).push(source);
}

/**
 * The one page that may be framed: the web_message response, by the client's registered web origin
 * only. Every other page keeps frame-ancestors 'none' and X-Frame-Options DENY.
 */
export function allowFramingBy(res: Response, origin: string): void {
  res.locals.frameAncestors = origin;
  res.removeHeader('X-Frame-Options');
}

/** A CSP source for a redirect URI: its origin, or its scheme for a native app's custom scheme (com.example.app:). */
function originForCsp(uri: string): string | null {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : `${url.protocol}`;
  } catch {
    return null;
  }
}
