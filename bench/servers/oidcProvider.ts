/**
 * oidc-provider, the most used Node.js OpenID provider, set up like this project for the benchmark:
 * in-memory adapter, the same RS256 key, PKCE, JWT access tokens for the same API (resource
 * indicators), refresh token rotation, and a minimal interaction handler that signs in and confirms
 * consent with one form each (so each step costs the same HTTP round trips as our pages).
 */
import express from 'express';
import Provider, { type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { API, API_SCOPES, CLIENT, M2M, PASSWORD, REDIRECT_URI, announceReady, userEmail } from '../common.js';
import { mountServerStats } from '../serverStats.js';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;
const users = Number(process.env.BENCH_USERS ?? 16);
const accounts = new Map(Array.from({ length: users }, (_, i) => [userEmail(i), `user-${i}`] as const));

const configuration: Configuration = {
  clients: [
    { client_id: CLIENT.id, client_secret: CLIENT.secret, redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'client_secret_post' },
    { client_id: M2M.id, client_secret: M2M.secret, redirect_uris: [], grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'client_secret_post' },
  ],
  jwks: { keys: [JSON.parse(process.env.BENCH_JWK ?? '{}')] },
  cookies: { keys: ['bench-cookie-key'] },
  pkce: { required: () => true },
  scopes: ['openid', 'offline_access', 'profile', 'email', ...API_SCOPES],
  claims: { email: ['email', 'email_verified'], profile: ['name'] },
  findAccount: (_ctx: KoaContextWithOIDC, id: string) => ({
    accountId: id,
    claims: () => ({ sub: id, email: `${id}@bench.test`, email_verified: true, name: id }),
  }),
  interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => API,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: API_SCOPES.join(' '), audience: API, accessTokenTTL: 86400, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
    },
  },
  issueRefreshToken: (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
  rotateRefreshToken: true,
};

const provider = new Provider(issuer, configuration);
const app = express();
mountServerStats(app);
const form = express.urlencoded({ extended: false });

app.get('/interaction/:uid', async (req, res, next) => {
  try {
    const details = await provider.interactionDetails(req, res);
    const login = details.prompt.name === 'login';
    res.type('html').send(`<!doctype html><form method="post" action="/interaction/${details.uid}/confirm">
${login ? '<input type="email" name="email"><input type="password" name="password">' : ''}
<button type="submit" name="action" value="accept">Continue</button></form>`);
  } catch (err) {
    next(err);
  }
});

app.post('/interaction/:uid/confirm', form, async (req, res, next) => {
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      const body = req.body as { email?: string; password?: string };
      const accountId = body.password === PASSWORD ? accounts.get(String(body.email)) : undefined;
      if (!accountId) return void res.status(401).send('Wrong email or password.');
      await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      return;
    }
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session?.accountId ?? '', clientId: String(details.params.client_id) });
    if (!grant) throw new Error('grant vanished');
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  } catch (err) {
    next(err);
  }
});

app.use(provider.callback());
app.listen(port, '127.0.0.1', () => announceReady({ port, issuer: `${issuer}/`, kind: 'oidc-provider' }));
process.on('SIGTERM', () => process.exit(0));
