/**
 * Where an MCP client publishes its Client ID Metadata Document: a small web server on 127.0.0.1 (in the
 * authorization server's trustedHosts) that serves JSON documents by path and counts who fetched what,
 * so a refusal can be told apart from a document that was never read.
 */
import express from 'express';
import { listen, type RunningApp } from '../harness.js';

export interface ClientDocumentHost extends RunningApp {
  /** host:port, as trustedHosts and the consent dialog spell it. */
  host: string;
  url(path: string): string;
  /** Serves `document` at `path` (replacing what was there). */
  publish(path: string, document: unknown): string;
  fetchesOf(path: string): number;
}

export async function startClientDocumentHost(): Promise<ClientDocumentHost> {
  const app = express();
  const documents = new Map<string, string>();
  const fetches = new Map<string, number>();
  app.get('/{*path}', (req, res) => {
    fetches.set(req.path, (fetches.get(req.path) ?? 0) + 1);
    const body = documents.get(req.path);
    if (body === undefined) return void res.status(404).json({ error: 'not_found' });
    res.type('application/json').set('Cache-Control', 'no-store').send(body);
  });
  const running = await listen(app);
  const host = new URL(running.origin).host;
  return {
    ...running,
    host,
    url: (path) => `${running.origin}${path}`,
    publish(path, document) {
      documents.set(path, JSON.stringify(document));
      return `${running.origin}${path}`;
    },
    fetchesOf: (path) => fetches.get(path) ?? 0,
  };
}

/** The document a public MCP client would publish for itself (draft-ietf-oauth-client-id-metadata-document). */
export function clientDocument(clientId: string, redirectUri: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    client_id: clientId,
    client_name: 'Interop MCP Client',
    redirect_uris: [redirectUri],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    ...extra,
  };
}
