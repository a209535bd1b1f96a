/** Management API steps the interop tests share, on top of seedWorld. */
import { managementFor } from '../../helpers/fixtures.js';
import type { TestServer } from '../../helpers/testServer.js';

/** POST /api/v2/client-grants: lets a machine-to-machine client get tokens for `audience`. */
export async function grantClient(server: TestServer, clientId: string, audience: string, scope: string[]): Promise<void> {
  const res = await (await managementFor(server)).post('client-grants', { client_id: clientId, audience, scope });
  if (res.status !== 201) throw new Error(`grantClient: ${res.status} ${JSON.stringify(res.body)}`);
}
