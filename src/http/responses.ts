/**
 * Lean responses for the hot endpoints. Express's res.redirect negotiates and renders a body no
 * browser shows, and res.json hashes every body for an ETag; token responses are no-store and
 * redirects are single-use, so neither earns its cost.
 */
import type { Response } from 'express';

/** A redirect with an empty body. The location must already be a valid URL reference (Node refuses invalid header characters). */
export function redirect(res: Response, status: 302 | 303, location: string): void {
  res.statusCode = status;
  res.setHeader('Location', location);
  res.setHeader('Content-Length', '0');
  res.end();
}

export function sendJson(res: Response, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}
