/**
 * Registered clients as the HTTP edges read them: CORS, logout, the Management API's callers. Only
 * stored clients: unlike ClientDirectory, never a metadata-document fetch, since none of these requests
 * may make the server fetch a URL.
 */
import type { AuthContext } from '../context.js';
import type { Client } from '../domain/clients.js';

export function findClient(ctx: AuthContext, clientId: string): Promise<Client | null> {
  return ctx.repos.clients.findById(clientId);
}

/** For CORS preflights, which carry no client_id: whether any client lists the origin. */
export function anyClientAllowsOrigin(ctx: AuthContext, origin: string): Promise<boolean> {
  return ctx.repos.clients.anyAllowsOrigin(origin);
}
