/**
 * Lean responses for the hot endpoints. Express's res.redirect negotiates and renders a body no
 * browser shows, and res.json and res.send hash every body for an ETag; token responses and pages are
 * no-store and redirects are single-use, so neither earns its cost.
 */
import type { Response } from 'express';

/** A redirect with an empty body; the location is encoded for the header as Express's own redirect does. */
export function redirect(res: Response, status: 302 | 303, location: string): void {
  res.location(location);
  res.statusCode = status;
  res.setHeader('Content-Length', '0');
  res.end();
}

export function sendJson(res: Response, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

export function sendHtml(res: Response, status: number, html: string): void {
  send(res, status, 'text/html; charset=utf-8', html);
}

function send(res: Response, status: number, type: string, body: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
