/** CSRF tokens for the login and consent forms: an HMAC bound to the session and to one transaction. */
import { createHmac } from 'node:crypto';
import { timingSafeEqualStrings } from '../domain/constantTime.js';

export function csrfToken(secret: string, sessionId: string, transactionId: string): string {
  return createHmac('sha256', secret).update(`${sessionId}\u0000${transactionId}`).digest('base64url');
}

export function verifyCsrfToken(secret: string, sessionId: string, transactionId: string, token: unknown): boolean {
  return typeof token === 'string' && timingSafeEqualStrings(csrfToken(secret, sessionId, transactionId), token);
}
