/**
 * CORS for the endpoints a single-page app calls from its own origin (/oauth/token, /oauth/revoke,
 * /userinfo), as Auth0 does: only origins a client lists in allowed_origins or web_origins, echoed back
 * one at a time, never "*", never with credentials (these endpoints read no cookie). The authorization
 * endpoint never answers CORS (RFC 9700 §2.6): it is navigated to, not fetched.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Client } from '../domain/clients.js';

const ALLOWED_REQUEST_HEADERS = ['authorization', 'content-type', 'auth0-client', 'dpop'];
const ORIGIN = /^https?:\/\/[a-z0-9.\-[\]:]{1,253}$/i;

function requestOrigin(req: Request): string | null {
  const origin = req.headers.origin;
  return typeof origin === 'string' && ORIGIN.test(origin) ? origin : null;
}

export function clientAllowsOrigin(client: Pick<Client, 'allowedOrigins' | 'webOrigins'>, origin: string): boolean {
  return client.allowedOrigins.includes(origin) || client.webOrigins.includes(origin);
}

function allowOrigin(res: Response, origin: string): void {
  res.set('Access-Control-Allow-Origin', origin);
  res.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
}

/**
 * Answers a preflight. It carries no client_id, so an origin some client lists is enough to be told
 * which methods and headers are allowed; the request itself is then checked against its own client.
 */
export function corsPreflight(anyClientAllows: (origin: string) => Promise<boolean>, methods: string[]): RequestHandler {
  return async (req, res) => {
    res.vary('Origin');
    const origin = requestOrigin(req);
    if (origin && (await anyClientAllows(origin))) {
      allowOrigin(res, origin);
      res.set('Access-Control-Allow-Methods', methods.join(', '));
      const asked = String(req.headers['access-control-request-headers'] ?? '')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => ALLOWED_REQUEST_HEADERS.includes(h));
      if (asked.length > 0) res.set('Access-Control-Allow-Headers', asked.join(', '));
      res.set('Access-Control-Max-Age', '600');
    }
    res.status(204).end();
  };
}

/** On the request itself: the origin is allowed when this client lists it. */
export function corsForClient(req: Request, res: Response, client: Pick<Client, 'allowedOrigins' | 'webOrigins'> | null): void {
  res.vary('Origin');
  const origin = requestOrigin(req);
  if (origin && client && clientAllowsOrigin(client, origin)) allowOrigin(res, origin);
}
