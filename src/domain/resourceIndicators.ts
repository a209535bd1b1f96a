/**
 * RFC 8707 resource indicators: `resource` names the API a token is for, as MCP clients and most modern
 * clients send it; Auth0's `audience` says the same thing. One API per token here, so one resource.
 */
import { OAuthError } from './errors.js';

/** An absolute URI without a fragment (RFC 8707 §2). */
export function isResourceIndicator(value: string): boolean {
  if (value.length > 600 || value.includes('#')) return false;
  try {
    new URL(value);
    return /^[a-z][a-z0-9+.-]*:/i.test(value);
  } catch {
    return false;
  }
}

/**
 * The API a request names, from `audience` and/or `resource` (a string, or several when repeated).
 * Malformed, several, or contradicting `audience`: invalid_target.
 */
export function requestedTarget(audience: string | undefined, resource: unknown): { audience: string | null; fromResource: boolean } {
  if (resource === undefined || resource === '') return { audience: audience || null, fromResource: false };
  if (Array.isArray(resource)) throw new OAuthError('invalid_target', 'Only one resource can be requested: tokens here are for one API.');
  if (typeof resource !== 'string' || !isResourceIndicator(resource)) throw new OAuthError('invalid_target', 'resource must be an absolute URI without a fragment.');
  if (audience && audience !== resource) throw new OAuthError('invalid_target', 'resource and audience name different APIs.');
  return { audience: resource, fromResource: true };
}
