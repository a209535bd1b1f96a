/**
 * The demo's "Continue with Demo Identity Provider": a small OpenID provider in this process (see
 * upstreamProvider.ts) and an OIDC connection to it, enabled for the demo's applications. The provider
 * listens on a new port at each start, so the connection's options are rewritten at each start.
 */
import type { AuthServer } from '../index.js';
import { ConnectionService } from '../services/connectionService.js';
import { startUpstreamProvider, type UpstreamProvider } from './upstreamProvider.js';

export const DEMO_UPSTREAM_CONNECTION = 'demo-identity-provider';

/** Null when oidc-provider (a devDependency) is not installed: the demo runs without the button. */
export async function startDemoUpstream(server: AuthServer, issuer: string, clientIds: string[]): Promise<UpstreamProvider | null> {
  const upstream = await startUpstreamProvider({ redirectUri: new URL('u/upstream/callback', issuer).toString() });
  if (!upstream) return null;
  const connections = new ConnectionService(server.context);
  const settings = {
    strategy: 'oidc' as const,
    options: { type: 'back_channel' as const, issuer: upstream.issuer, client_id: upstream.clientId, client_secret: upstream.clientSecret },
  };
  const existing = await server.context.repos.connections.findByName(DEMO_UPSTREAM_CONNECTION);
  if (existing) {
    await connections.update(existing, { settings });
    await connections.setClientStatus(existing.id, clientIds.map((clientId) => ({ clientId, enabled: true })));
  } else {
    await connections.create({ name: DEMO_UPSTREAM_CONNECTION, displayName: 'Demo Identity Provider', enabledClients: clientIds, settings });
  }
  return upstream;
}
