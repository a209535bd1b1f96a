/** The demo a newcomer clicks through after `npm start`: seeded once, found again on later starts. */
import type { AuthServer } from '../index.js';
import type { Client } from '../domain/clients.js';
import { ValidationError } from '../services/registryService.js';

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

/** MANAGEMENT_CLIENT_ID / MANAGEMENT_CLIENT_SECRET: a machine-to-machine client with those credentials. */
export async function ensureManagementClient(server: AuthServer, clientId: string, clientSecret: string): Promise<Client> {
  if (clientSecret.length < 32) throw new ValidationError(['MANAGEMENT_CLIENT_SECRET must have at least 32 characters.']);
  const existing = await server.context.repos.clients.findById(clientId);
  if (existing) {
    if (existing.clientSecret !== clientSecret) {
      await server.context.repos.clients.update({ ...existing, clientSecret, updatedAt: Date.now() });
    }
    return { ...existing, clientSecret };
  }
  return server.admin.createClient({
    clientId,
    clientSecret,
    name: 'Management API client',
    appType: 'non_interactive',
    grantTypes: ['client_credentials'],
  });
}
