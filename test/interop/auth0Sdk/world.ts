/**
 * Our server as the Auth0 SDKs must see it: issuer https://localhost:<port>/ behind a TLS terminator,
 * with the Contoso API (offline access allowed), Alice, and a machine-to-machine client holding every
 * Management API scope (the MANAGEMENT_CLIENT_ID bootstrap).
 *
 * fixtures.ts's managementFor cannot be used here: it discovers the server at `server.issuer` with
 * openid-client in this process, which does not trust the test certificate (NODE_EXTRA_CA_CERTS is read
 * only at start). The test process therefore talks to the plain-HTTP side directly, which is what a
 * deployment's own back office behind the proxy would do.
 */
import { managementAudience } from '../../../src/domain/managementApi.js';
import { API, USER } from '../../helpers/fixtures.js';
import { managementApi } from '../../helpers/management.js';
import { startTestServer, type TestServer } from '../../helpers/testServer.js';
import { startTlsTerminator, type TlsTerminator } from './tlsTerminator.js';

export const MANAGEMENT_CLIENT = { clientId: 'auth0-sdk-management-client', clientSecret: 'auth0-sdk-management-secret-of-forty-chars', name: 'Auth0 SDK interop' };

export type AdminApi = ReturnType<typeof managementApi>;

export interface SdkWorld {
  tls: TlsTerminator;
  server: TestServer;
  /** https://localhost:<tls port>/ */
  issuer: string;
  /** localhost:<tls port>, the SDKs' `domain` */
  domain: string;
  admin: AdminApi;
  userId: string;
  close(): Promise<void>;
}

export interface CreatedClient {
  client_id: string;
  client_secret: string;
}

export async function startSdkWorld(): Promise<SdkWorld> {
  // The issuer names the TLS port, so the terminator listens first and learns its upstream afterwards.
  const tls = await startTlsTerminator();
  const issuer = `https://${tls.domain}/`;
  let server: TestServer;
  try {
    server = await startTestServer({ issuer, trustProxy: 'loopback' }, '/');
  } catch (error) {
    await tls.close();
    throw error;
  }
  tls.forwardTo(server.origin);
  const close = async () => {
    await tls.close();
    await server.close();
  };
  try {
    await server.auth.admin.ensureManagementClient(MANAGEMENT_CLIENT);
    const token = await plainClientCredentialsToken(server, MANAGEMENT_CLIENT.clientId, MANAGEMENT_CLIENT.clientSecret, managementAudience(issuer));
    // managementApi builds its URLs from `issuer`; point it at the plain-HTTP side.
    const admin = managementApi({ ...server, issuer: `${server.origin}/` }, token);
    const rs = await admin.post('resource-servers', {
      identifier: API,
      name: 'Contoso API',
      scopes: [
        { value: 'read:posts', description: 'Read your posts' },
        { value: 'write:posts', description: 'Publish posts on your behalf' },
      ],
      allow_offline_access: true,
    });
    if (rs.status !== 201) throw new Error(`resource server: ${rs.status} ${JSON.stringify(rs.body)}`);
    const user = await admin.post('users', { connection: 'Username-Password-Authentication', ...USER, email_verified: true });
    if (user.status !== 201) throw new Error(`user: ${user.status} ${JSON.stringify(user.body)}`);
    return { tls, server, issuer, domain: tls.domain, admin, userId: String(user.body.user_id), close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function plainClientCredentialsToken(server: TestServer, clientId: string, clientSecret: string, audience: string): Promise<string> {
  const res = await fetch(`${server.origin}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`management token: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** POST /api/v2/clients, then a client grant to `audience` when `grant` is given. */
export async function createClient(admin: AdminApi, body: object, grant?: { audience: string; scope: string[] }): Promise<CreatedClient> {
  const res = await admin.post('clients', body);
  if (res.status !== 201 || typeof res.body.client_secret !== 'string') throw new Error(`create client: ${res.status} ${JSON.stringify(res.body)}`);
  const client = { client_id: String(res.body.client_id), client_secret: res.body.client_secret };
  if (grant) {
    const cg = await admin.post('client-grants', { client_id: client.client_id, ...grant });
    if (cg.status !== 201) throw new Error(`client grant: ${cg.status} ${JSON.stringify(cg.body)}`);
  }
  return client;
}
