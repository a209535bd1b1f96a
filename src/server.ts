/**
 * `npm start`: the standalone server on the embedded SQLite database, with a seeded demo and a sample
 * client app. Environment: PORT (3000), ISSUER (http://localhost:PORT/), DATABASE_URL (SQLite file
 * ./data/auth.sqlite), SAMPLE_PORT (PORT+1), SESSION_SECRET, MANAGEMENT_CLIENT_ID/_SECRET.
 */
import express from 'express';
import { createAuthServer, databaseConfigFromUrl } from './index.js';
import { CONTOSO_API, DEMO_USER, seedDemo } from './demo/seed.js';
import { createSampleClient } from './demo/sampleClient.js';

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const issuer = process.env.ISSUER ?? `http://localhost:${port}/`;
  const samplePort = Number(process.env.SAMPLE_PORT ?? port + 1);
  const sampleOrigin = `http://localhost:${samplePort}`;
  if (!process.env.SESSION_SECRET) console.warn('SESSION_SECRET is not set: sessions will not survive a restart.');

  const auth = await createAuthServer({
    issuer,
    database: databaseConfigFromUrl(process.env.DATABASE_URL),
    sessionSecrets: process.env.SESSION_SECRET ? process.env.SESSION_SECRET.split(',') : undefined,
    dynamicClientRegistration: process.env.DYNAMIC_CLIENT_REGISTRATION === 'true',
  });
  const demo = await seedDemo(auth, sampleOrigin);
  if (process.env.MANAGEMENT_CLIENT_ID && process.env.MANAGEMENT_CLIENT_SECRET) {
    await auth.admin.ensureManagementClient({ clientId: process.env.MANAGEMENT_CLIENT_ID, clientSecret: process.env.MANAGEMENT_CLIENT_SECRET });
    console.log(`Management client ${process.env.MANAGEMENT_CLIENT_ID} is ready.`);
  }

  const app = express();
  app.disable('x-powered-by');
  const mountPath = new URL(issuer).pathname.replace(/\/$/, '') || '/';
  app.use(mountPath, auth.router);
  const server = app.listen(port, () => {
    console.log(`Authorization server: ${issuer}  (discovery: ${issuer}.well-known/openid-configuration)`);
  });

  const sample = createSampleClient({
    issuer,
    origin: sampleOrigin,
    audience: CONTOSO_API,
    apps: [
      { key: 'contoso', label: 'Contoso Web App', clientId: demo.firstParty.clientId, clientSecret: demo.firstParty.clientSecret, partyNote: 'First-party. Its callback is on localhost, so it still sees the consent dialog (localhost is never a verifiable first party).' },
      { key: 'fabrikam', label: 'Fabrikam', clientId: demo.thirdParty.clientId, clientSecret: demo.thirdParty.clientSecret, partyNote: 'Third-party: always asks for consent, then remembers the grant.' },
    ],
  });
  const sampleServer = sample.listen(samplePort, () => {
    console.log(`Sample client app:    ${sampleOrigin}/`);
    console.log(`Demo user:            ${DEMO_USER.email} / ${DEMO_USER.password}`);
  });

  const stop = () => {
    server.close();
    sampleServer.close();
    void auth.close();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
