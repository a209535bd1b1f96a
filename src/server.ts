/**
 * `npm start`: the standalone server on the embedded SQLite database, with a seeded demo and a sample
 * client app. Environment (checked at start, src/ops/environment.ts): PORT (3000), ISSUER
 * (http://localhost:PORT/), DATABASE_URL (SQLite file ./data/auth.sqlite), SAMPLE_PORT (PORT+1),
 * SESSION_SECRET, MANAGEMENT_CLIENT_ID/_SECRET, TRUST_PROXY, DEFAULT_AUDIENCE,
 * DYNAMIC_CLIENT_REGISTRATION, LOG_LEVEL, METRICS_TOKEN, SHUTDOWN_TIMEOUT_MS, LOG_STREAM_URL.
 */
import { createServer } from 'node:http';
import express from 'express';
import { ConfigurationError, createAuthServer, createDashboard, StartupError } from './index.js';
import { CONTOSO_API, DEMO_USER, seedDemo, seedDemoAdmin } from './demo/seed.js';
import { createSampleClient } from './demo/sampleClient.js';
import { startDemoUpstream } from './demo/upstreamDemo.js';
import { readEnvironment } from './ops/environment.js';
import { gracefulShutdown, listen, ListenError } from './ops/shutdown.js';

async function main(): Promise<void> {
  const env = readEnvironment();
  const { port, issuer, samplePort } = env;
  const sampleOrigin = `http://localhost:${samplePort}`;
  if (!env.sessionSecrets) console.warn('SESSION_SECRET is not set: sessions will not survive a restart.');
  if (/^https:/i.test(issuer) && env.trustProxy === undefined) {
    // This server listens on plain HTTP: with an https issuer its Secure cookie would never be kept.
    throw new StartupError(
      `ISSUER is ${issuer}, but this server speaks plain HTTP on port ${port}. Put a TLS-terminating proxy in front of it and set ` +
        'TRUST_PROXY (e.g. TRUST_PROXY=1 for one proxy hop, or its address), so that sign-in cookies can be Secure.',
    );
  }

  const auth = await createAuthServer({
    issuer,
    database: env.database,
    sessionSecrets: env.sessionSecrets,
    dynamicClientRegistration: env.dynamicClientRegistration,
    clientIdMetadataDocuments: env.clientIdMetadataDocuments,
    trustProxy: env.trustProxy,
    defaultAudience: env.defaultAudience,
    ...(env.thirdPartySecurityMode ? { thirdPartySecurityMode: env.thirdPartySecurityMode } : {}),
    ...(env.defaultLocale ? { defaultLocale: env.defaultLocale } : {}),
    logLevel: env.logLevel,
    metrics: { token: env.metricsToken },
    logStreams: env.logStreams,
    mail: env.mail,
  });
  const servers = [];
  try {
    // The demo's callbacks follow the issuer and sample port of this start (seedDemo updates them).
    const demo = await seedDemo(auth, sampleOrigin);
    if (env.management) {
      await auth.admin.ensureManagementClient(env.management);
      console.log(`Management client ${env.management.clientId} is ready.`);
    }

    const app = express();
    app.disable('x-powered-by');
    if (env.trustProxy !== undefined) app.set('trust proxy', env.trustProxy);
    app.use(auth.wellKnown);
    // The dashboard at the issuer's origin, /dashboard; it signs in through this same server.
    const demoAdmin = await seedDemoAdmin(auth);
    app.use('/dashboard', await createDashboard(auth, { mountPath: '/dashboard' }));
    const mountPath = new URL(issuer).pathname.replace(/\/$/, '') || '/';
    app.use(mountPath, auth.router);
    app.use(...auth.notFound);
    const server = createServer(app);
    servers.push(server);
    await listen(server, port, 'authorization server', 'PORT');
    console.log(`Authorization server: ${issuer}  (discovery: ${issuer}.well-known/openid-configuration)`);

    const sample = createSampleClient({
      issuer,
      origin: sampleOrigin,
      audience: CONTOSO_API,
      apps: [
        { key: 'contoso', label: 'Contoso Web App', clientId: demo.firstParty.clientId, clientSecret: demo.firstParty.clientSecret, partyNote: 'First-party. Its callback is on localhost, so it still sees the consent dialog (localhost is never a verifiable first party).' },
        { key: 'fabrikam', label: 'Fabrikam', clientId: demo.thirdParty.clientId, clientSecret: demo.thirdParty.clientSecret, partyNote: 'Third-party: always asks for consent, then remembers the grant.' },
      ],
    });
    const sampleServer = createServer(sample);
    servers.push(sampleServer);
    await listen(sampleServer, samplePort, 'sample client app', 'SAMPLE_PORT');
    console.log(`Sample client app:    ${sampleOrigin}/`);
    console.log(`Demo user:            ${DEMO_USER.email} / ${DEMO_USER.password}`);
    const upstream = await startDemoUpstream(auth, issuer, [demo.firstParty.clientId, demo.thirdParty.clientId]);
    if (upstream) {
      servers.push(upstream.server);
      console.log(`Upstream provider:    ${upstream.issuer}  ("Continue with Demo Identity Provider": any login, any password)`);
    }
    if (!env.mail.smtpUrl) console.log('Account emails:       SMTP_URL is not set: the link of each sign-up and password reset email is printed here.');
    console.log(`Dashboard:            ${new URL('/dashboard/', issuer).toString()}  (administrator: ${demoAdmin.email} / ${demoAdmin.password})`);
  } catch (err) {
    servers.forEach((server) => server.close());
    await auth.close();
    throw err;
  }

  const stop = gracefulShutdown(servers, auth, auth.logger, env.shutdownTimeoutMs);
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  // Mistakes an operator can fix get one clear message; anything else keeps its stack for a bug report.
  const known = err instanceof ConfigurationError || err instanceof StartupError || err instanceof ListenError;
  console.error(known ? err.message : err);
  process.exit(1);
});
