/**
 * `npm start`: the standalone server on the embedded SQLite database, with a seeded demo and a sample
 * client app. Environment: PORT (3000), ISSUER (http://localhost:PORT/), DATABASE_URL (SQLite file
 * ./data/auth.sqlite), SAMPLE_PORT (PORT+1), SESSION_SECRET, MANAGEMENT_CLIENT_ID/_SECRET, TRUST_PROXY,
 * DEFAULT_AUDIENCE, DYNAMIC_CLIENT_REGISTRATION.
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
  const trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
  if (new URL(issuer).protocol === 'https:' && trustProxy === undefined) {
    // This server listens on plain HTTP: with an https issuer its Secure cookie would never be kept.
    console.error(
      `ISSUER is ${issuer}, but this server speaks plain HTTP on port ${port}. Put a TLS-terminating proxy in front of it and set ` +
        'TRUST_PROXY (e.g. TRUST_PROXY=1 for one proxy hop, or its address), so that sign-in cookies can be Secure.',
    );
    process.exit(1);
  }

  const auth = await createAuthServer({
    issuer,
    database: databaseConfigFromUrl(process.env.DATABASE_URL),
    sessionSecrets: process.env.SESSION_SECRET ? process.env.SESSION_SECRET.split(',') : undefined,
    dynamicClientRegistration:
      process.env.DYNAMIC_CLIENT_REGISTRATION === 'true' ? { initialAccessToken: process.env.DCR_INITIAL_ACCESS_TOKEN || undefined } : false,
    clientIdMetadataDocuments: process.env.CLIENT_ID_METADATA_DOCUMENTS === 'true',
    trustProxy,
    defaultAudience: process.env.DEFAULT_AUDIENCE || undefined,
  });
  const demo = await seedDemo(auth, sampleOrigin);
  if (process.env.MANAGEMENT_CLIENT_ID && process.env.MANAGEMENT_CLIENT_SECRET) {
    await auth.admin.ensureManagementClient({ clientId: process.env.MANAGEMENT_CLIENT_ID, clientSecret: process.env.MANAGEMENT_CLIENT_SECRET });
    console.log(`Management client ${process.env.MANAGEMENT_CLIENT_ID} is ready.`);
  }

  const app = express();
  app.disable('x-powered-by');
  if (trustProxy !== undefined) app.set('trust proxy', trustProxy);
  app.use(auth.wellKnown);
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

/** TRUST_PROXY as Express reads `trust proxy`: true/false, a hop count, or comma-separated addresses. */
function parseTrustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
