/** The demo a newcomer clicks through after `npm start`: seeded once, found again on later starts. */
import type { AuthServer } from '../index.js';
import type { Client } from '../domain/clients.js';

export const DEMO_USER = { email: 'demo@example.com', password: 'demo-password-1', name: 'Dana Demo' };
export const CONTOSO_API = 'https://contoso.example/api';
export const FIRST_PARTY_ID = 'demo-contoso-web';
export const THIRD_PARTY_ID = 'demo-fabrikam';

export interface DemoApps {
  firstParty: Client;
  thirdParty: Client;
}

export async function seedDemo(server: AuthServer, sampleOrigin: string): Promise<DemoApps> {
  const { admin, context } = server;
  const { repos } = context;
  if (!(await repos.resourceServers.findByIdentifier(CONTOSO_API))) {
    await admin.createResourceServer({
      identifier: CONTOSO_API,
      name: 'Contoso API',
      scopes: [
        { value: 'read:posts', description: 'Read your posts' },
        { value: 'write:posts', description: 'Publish posts on your behalf' },
      ],
      skipConsentForVerifiableFirstPartyClients: true,
    });
  }
  const connection = await admin.ensureDefaultConnection();
  if (!(await repos.users.findByEmail(connection.id, DEMO_USER.email))) {
    await admin.createUser({ ...DEMO_USER, emailVerified: true });
  }
  const firstParty =
    (await repos.clients.findById(FIRST_PARTY_ID)) ??
    (await admin.createClient({
      clientId: FIRST_PARTY_ID,
      name: 'Contoso Web App',
      appType: 'regular_web',
      description: 'The first-party web application of Contoso.',
      callbacks: [`${sampleOrigin}/callback/contoso`],
    }));
  const thirdParty =
    (await repos.clients.findById(THIRD_PARTY_ID)) ??
    (await admin.createClient({
      clientId: THIRD_PARTY_ID,
      name: 'Fabrikam',
      appType: 'regular_web',
      isFirstParty: false,
      description: 'A partner application that reads and writes Contoso posts.',
      callbacks: [`${sampleOrigin}/callback/fabrikam`],
    }));
  return { firstParty, thirdParty };
}
