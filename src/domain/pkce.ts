/** PKCE (RFC 7636), S256 only: "plain" offers no protection against a stolen code. */
import { createHash } from 'node:crypto';
import { timingSafeEqualStrings } from './constantTime.js';

const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
const CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

export function isValidCodeChallenge(challenge: string): boolean {
  return CHALLENGE.test(challenge);
}

export function isValidCodeVerifier(verifier: string): boolean {
  return VERIFIER.test(verifier);
}

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function verifyPkce(verifier: string, challenge: string): boolean {
  return isValidCodeVerifier(verifier) && timingSafeEqualStrings(s256(verifier), challenge);
}
