/** Management API steps the interop tests share, on top of seedWorld. */
import { API, managementFor } from '../../helpers/fixtures.js';
import type { TestServer } from '../../helpers/testServer.js';

interface ResourceServerJson {
  id: string;
  identifier: string;
  allow_offline_access: boolean;
}

/** Lets the Contoso API issue refresh tokens (Auth0's "Allow Offline Access"), as an admin would. */
export async function allowOfflineAccess(server: TestServer, identifier = API): Promise<void> {
  const api = await managementFor(server);
  const list = await api.get('resource-servers');
  const rs = (list.body as ResourceServerJson[]).find((r) => r.identifier === identifier);
  if (!rs) throw new Error(`allowOfflineAccess: no resource server ${identifier}: ${list.status} ${JSON.stringify(list.body)}`);
  const patched = await api.patch(`resource-servers/${rs.id}`, { allow_offline_access: true });
  if (patched.status !== 200 || (patched.body as ResourceServerJson).allow_offline_access !== true) {
    throw new Error(`allowOfflineAccess: ${patched.status} ${JSON.stringify(patched.body)}`);
  }
}

/** POST /api/v2/client-grants: lets a machine-to-machine client get tokens for `audience`. */
export async function grantClient(server: TestServer, clientId: string, audience: string, scope: string[]): Promise<void> {
  const res = await (await managementFor(server)).post('client-grants', { client_id: clientId, audience, scope });
  if (res.status !== 201) throw new Error(`grantClient: ${res.status} ${JSON.stringify(res.body)}`);
}
