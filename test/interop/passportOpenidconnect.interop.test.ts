/**
 * passport-openidconnect 0.1 in an express app: the code flow in Chromium ending on the app's profile
 * page. The strategy sends neither `audience` nor PKCE, so it relies on two things of ours: the
 * `defaultAudience` option (Auth0's tenant default audience) for API access tokens, and OIDC Core §11
 * offline access for the userinfo audience for refresh tokens.
 */
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { Browser } from 'playwright-core';
import { API, USER, makeClient, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium } from './harness.js';
import { signInAndAccept } from './node-clients/chromiumConsent.js';
import { startPassportApp, type Login, type RelyingParty } from './node-clients/passportApp.js';

let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 60000);

afterAll(async () => {
  await browser?.close();
});

interface World {
  server: TestServer;
  userId: string;
  scope: string[];
  rp: RelyingParty;
}

async function startWorld(options: Parameters<typeof startTestServer>[0], scope: string[]): Promise<World> {
  const server = await startTestServer(options, '/');
  const { userId } = await seedWorld(server);
  const rp = await startPassportApp(server, scope, (callbackUrl) =>
    makeClient(server, { name: 'Passport RP', isFirstParty: false, callbacks: [callbackUrl] }),
  );
  return { server, userId, scope, rp };
}

async function stopWorld(world: World | undefined): Promise<void> {
  await world?.rp.close();
  await world?.server.close();
}

/** Signs in through the app's /login and returns what the strategy handed the app. */
async function signInThroughApp(world: World): Promise<Login> {
  const before = world.rp.logins.length;
  const { url, text } = await signInAndAccept(browser, `${world.rp.origin}/login`, world.rp.origin);
  // On a refusal the app shows the strategy's reason: keep it in the failure message.
  expect({ path: url.pathname, text }).toMatchObject({ path: '/profile' });
  // The profile comes from /userinfo, which releases the email only for the email scope.
  const email = world.scope.includes('email') ? { email: USER.email } : {};
  expect(JSON.parse(text)).toEqual({ user: { sub: world.userId, name: USER.name, ...email } });
  expect(world.rp.logins).toHaveLength(before + 1);
  const login = world.rp.logins[before];
  if (!login) throw new Error('the verify callback was not called');
  expect(decodeJwt(login.idToken)).toMatchObject({ iss: world.server.issuer, aud: world.rp.client.clientId, sub: world.userId });
  return login;
}

function audiences(token: string): string[] {
  const { aud } = decodeJwt(token);
  return aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
}

describe('defaultAudience: a client that cannot send `audience` gets tokens for the default API', () => {
  let world: World | undefined;

  beforeAll(async () => {
    world = await startWorld({ defaultAudience: API }, ['profile', 'email', 'read:posts']);
  }, 60000);

  afterAll(() => stopWorld(world));

  test('the access token passport receives is an RFC 9068 token for https://api.contoso.test/ with the API scope', async () => {
    if (!world) throw new Error('no world');
    const login = await signInThroughApp(world);
    const jwks = createRemoteJWKSet(new URL(`${world.server.issuer}.well-known/jwks.json`));
    const { payload } = await jwtVerify(login.accessToken, jwks, { issuer: world.server.issuer, audience: API, typ: 'at+jwt' });
    expect(payload.sub).toBe(world.userId);
    expect(String(payload.scope).split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'read:posts']));
  });
});

describe('offline_access without an API (OIDC Core §11): a refresh token for the userinfo audience', () => {
  let world: World | undefined;

  beforeAll(async () => {
    world = await startWorld({}, ['profile', 'offline_access']);
  }, 60000);

  afterAll(() => stopWorld(world));

  test('scope "openid profile offline_access" returns a refresh token, which refreshes at /oauth/token', async () => {
    if (!world) throw new Error('no world');
    const login = await signInThroughApp(world);
    expect(audiences(login.accessToken)).toEqual([`${world.server.issuer}userinfo`]);
    expect(typeof login.refreshToken).toBe('string');

    const refreshed = await world.rp.refresh(login.refreshToken ?? '');
    expect(refreshed.refreshToken).toEqual(expect.any(String));
    expect(refreshed.refreshToken).not.toBe(login.refreshToken);
    expect(decodeJwt(refreshed.accessToken).sub).toBe(world.userId);
    expect(audiences(refreshed.accessToken)).toEqual(audiences(login.accessToken));
    const userinfo = await fetch(`${world.server.issuer}userinfo`, { headers: { authorization: `Bearer ${refreshed.accessToken}` } });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ sub: world.userId, name: USER.name });
  });
});
