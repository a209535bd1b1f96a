/**
 * Lean responses for the hot endpoints. Express's res.redirect negotiates and renders a body no
 * browser shows, and res.json and res.send hash every body for an ETag; token responses and pages are
 * no-store and redirects are single-use, so neither earns its cost.
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
