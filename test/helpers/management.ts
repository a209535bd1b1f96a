/** Management API access for tests: a machine-to-machine client, and tokens got through openid-client. */
import * as oidc from 'openid-client';
import request from 'supertest';
import { managementAudience } from '../../src/domain/managementApi.js';
import { newId } from '../../src/services/ids.js';
import type { TestServer } from './testServer.js';

/**
 * A token for the Management API with exactly these scopes (all of them when omitted), obtained with
 * client_credentials by a client whose client grant allows them.
 */
export async function managementToken(server: TestServer, scopes?: string[]): Promise<string> {
  const client = await server.auth.admin.ensureManagementClient({ name: 'Test management client' });
  const audience = managementAudience(server.issuer);
  if (scopes) {
    // A dedicated client whose client grant holds only these scopes.
    const limited = await server.auth.admin.createClient({ name: 'Limited M2M', appType: 'non_interactive' });
    const now = Date.now();
    await server.auth.context.repos.clientGrants.insert({ id: newId('cgr'), clientId: limited.clientId, audience, scopes, createdAt: now, updatedAt: now });
    return clientCredentialsToken(server, limited.clientId, limited.clientSecret ?? '', audience, scopes.join(' '));
  }
  return clientCredentialsToken(server, client.clientId, client.clientSecret ?? '', audience);
}

export async function clientCredentialsToken(server: TestServer, clientId: string, secret: string, audience: string, scope?: string): Promise<string> {
  const config = await oidc.discovery(new URL(server.issuer), clientId, undefined, oidc.ClientSecretPost(secret), {
    execute: [oidc.allowInsecureRequests],
  });
  const tokens = await oidc.clientCredentialsGrant(config, { audience, ...(scope ? { scope } : {}) });
  return tokens.access_token;
}

/** supertest bound to the Management API, e.g. `api.get('clients')`. */
export function managementApi(server: TestServer, token: string) {
  const base = `${server.issuer}api/v2/`;
  const withAuth = (t: request.Test) => t.set('Authorization', `Bearer ${token}`);
  return {
    get: (path: string) => withAuth(request(base).get(path)),
    post: (path: string, body?: object | string) => withAuth(request(base).post(path)).send(body ?? {}),
    patch: (path: string, body: object | string) => withAuth(request(base).patch(path)).send(body),
    put: (path: string, body: object | string) => withAuth(request(base).put(path)).send(body),
    delete: (path: string) => withAuth(request(base).delete(path)),
  };
}

export type ScopeCase = readonly ['get' | 'post' | 'patch' | 'delete', string, string];

/** Each route refuses a token without its scope: 403 insufficient_scope naming the scope it needs. */
export async function expectScopeRequired(server: TestServer, [method, path, scope]: ScopeCase): Promise<void> {
  // A valid token whose only scope is unrelated to every route checked this way.
  const limited = managementApi(server, await managementToken(server, ['read:logs_users']));
  const res = method === 'get' || method === 'delete' ? await limited[method](path) : await limited[method](path, {});
  if (res.status !== 403 || res.body.message !== `Insufficient scope; expected any of: ${scope}`) {
    throw new Error(`${method} ${path}: expected 403 naming ${scope}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
}
