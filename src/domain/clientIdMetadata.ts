/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, MCP's preferred way for
 * clients to identify themselves): a client_id that is an https URL names a JSON document describing
 * the client. Such clients are third-party, public and PKCE-only here, whatever the document says.
 */
import type { GrantType } from './clients.js';
import { redirectUriProblem } from './registrationMetadata.js';

/** Longest client_id URL accepted (the column that stores client ids holds 255 characters). */
export const MAX_CLIENT_ID_URL_LENGTH = 255;

/** A client_id in URL form: http(s), a path, no fragment, no credentials, no dot segments (draft §3). */
export function isClientIdUrl(clientId: string): boolean {
  if (clientId.length > MAX_CLIENT_ID_URL_LENGTH || !/^https?:\/\//i.test(clientId)) return false;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  const rawPath = clientId.slice(clientId.indexOf('/', clientId.indexOf('//') + 2));
  return url.pathname !== '/' && !url.hash && !clientId.includes('#') && !url.username && !url.password && !/(^|\/)\.\.?(\/|$)/.test(rawPath);
}

export interface ClientIdMetadata {
  clientId: string;
  name: string;
  redirectUris: string[];
  grantTypes: GrantType[];
  logoUri: string | null;
}

export class ClientMetadataDocumentError extends Error {}

/** The document's fields this server uses, or why it cannot be used. */
export function readClientIdMetadataDocument(url: string, document: unknown): ClientIdMetadata {
  const fail = (why: string) => new ClientMetadataDocumentError(why);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw fail('The document is not a JSON object.');
  const doc = document as Record<string, unknown>;
  if (doc.client_id !== url) throw fail('The document\u2019s client_id is not the URL it was fetched from.');
  const redirectUris = doc.redirect_uris;
  if (!Array.isArray(redirectUris) || redirectUris.length === 0 || !redirectUris.every((u): u is string => typeof u === 'string')) {
    throw fail('The document has no redirect_uris.');
  }
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw fail(problem);
  }
  const method = doc.token_endpoint_auth_method ?? 'none';
  // No secret can be shared through a public document (the draft forbids client_secret_* methods).
  if (method !== 'none') throw fail('token_endpoint_auth_method must be "none": a metadata document cannot carry a secret.');
  const grants = Array.isArray(doc.grant_types) ? doc.grant_types : ['authorization_code'];
  const grantTypes: GrantType[] = ['authorization_code'];
  if (grants.includes('refresh_token')) grantTypes.push('refresh_token');
  const name = typeof doc.client_name === 'string' && doc.client_name.trim() ? doc.client_name.trim().slice(0, 255) : new URL(url).host;
  if (/[<>]/.test(name)) throw fail('client_name must not contain "<" or ">".');
  const logo = typeof doc.logo_uri === 'string' && doc.logo_uri.startsWith('https://') ? doc.logo_uri.slice(0, 2000) : null;
  return { clientId: url, name, redirectUris, grantTypes, logoUri: logo };
}
