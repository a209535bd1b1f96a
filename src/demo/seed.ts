/** The demo a newcomer clicks through after `npm start`: seeded once, found again on later starts. */
import type { AuthServer } from '../index.js';
import type { Client } from '../domain/clients.js';
import { userSubject } from '../domain/users.js';
import { Administrators } from '../dashboard/administrators.js';

export const DEMO_USER = { email: 'demo@example.com', password: 'demo-password-1', name: 'Dana Demo' };
/** The dashboard's demo administrator, created by `npm start`. */
export const DEMO_ADMIN = { email: 'admin@example.com', password: 'admin-password-1', name: 'Ada Admin' };
export const CONTOSO_API = 'https://contoso.example/api';
export const FIRST_PARTY_ID = 'demo-contoso-web';
export const THIRD_PARTY_ID = 'demo-fabrikam';

export interface DemoApps {
  firstParty: Client;
  thirdParty: Client;
}

/**
 * Idempotent, also when several instances seed one database at once (each step inserts or finds).
 * The demo clients' URLs are set on every start, so that a restart on another port (or issuer) with
 * the same database does not end in "Callback URL mismatch".
 */
export async function seedDemo(server: AuthServer, sampleOrigin: string): Promise<DemoApps> {
  const { admin } = server;
  await admin.ensureResourceServer({
    identifier: CONTOSO_API,
    name: 'Contoso API',
    scopes: [
      { value: 'read:posts', description: 'Read your posts' },
      { value: 'write:posts', description: 'Publish posts on your behalf' },
    ],
    skipConsentForVerifiableFirstPartyClients: true,
  });
  await admin.ensureDefaultConnection();
  await admin.ensureUser({ ...DEMO_USER, emailVerified: true });
  const firstParty = await admin.ensureClient({
    clientId: FIRST_PARTY_ID,
    name: 'Contoso Web App',
    appType: 'regular_web',
    description: 'The first-party web application of Contoso.',
    callbacks: [`${sampleOrigin}/callback/contoso`],
    allowedLogoutUrls: [`${sampleOrigin}/`],
  }, { updateUrls: true });
  const thirdParty = await admin.ensureClient({
    clientId: THIRD_PARTY_ID,
    name: 'Fabrikam',
    appType: 'regular_web',
    isFirstParty: false,
    description: 'A partner application that reads and writes Contoso posts.',
    callbacks: [`${sampleOrigin}/callback/fabrikam`],
    allowedLogoutUrls: [`${sampleOrigin}/`],
  }, { updateUrls: true });
  return { firstParty, thirdParty };
}

/** The demo administrator: a user holding the administrator role (see src/dashboard/administrators.ts). */
export async function seedDemoAdmin(server: AuthServer, password = DEMO_ADMIN.password): Promise<{ email: string; password: string }> {
  const user = await server.admin.ensureUser({ ...DEMO_ADMIN, password, emailVerified: true });
  await new Administrators(server.context.db).grant(userSubject(user));
  return { email: DEMO_ADMIN.email, password };
}
