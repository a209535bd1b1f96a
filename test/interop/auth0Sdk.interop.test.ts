/**
 * Auth0's official Node SDKs, unmodified and configured only with { domain, clientId, clientSecret },
 * against our server: auth0@7's ManagementClient, its AuthenticationClient (auth0/legacy), and
 * @auth0/auth0-auth-js's AuthClient including a code flow signed in and consented in Chromium.
 * They only speak https to https://{domain}/, hence the TLS terminator and a child process per SDK run.
 */
import express from 'express';
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { newId } from '../../src/services/ids.js';
import { API, USER } from '../helpers/fixtures.js';
import { launchChromium, listen, signInOnLoginPage, type RunningApp } from './harness.js';
import { runSdk, stepValue, type SdkRun } from './auth0Sdk/runSdk.js';
import type { Exchange } from './auth0Sdk/tlsTerminator.js';
import { createClient, MANAGEMENT_CLIENT, startSdkWorld, type CreatedClient, type SdkWorld } from './auth0Sdk/world.js';

let world: SdkWorld;

beforeAll(async () => {
  world = await startSdkWorld();
}, 60_000);

afterAll(async () => {
  await world?.close();
});

/** Runs an SDK script and keeps the HTTP exchanges it caused, for the failure messages. */
async function run(script: string, input: object, args: string[] = []): Promise<{ run: SdkRun; exchanges: Exchange[] }> {
  const from = world.tls.exchanges.length;
  const result = await runSdk(script, { domain: world.domain, ...input }, args);
  return { run: result, exchanges: world.tls.exchanges.slice(from) };
}

function audiences(accessToken: string): string[] {
  const { aud } = decodeJwt(accessToken);
  return typeof aud === 'string' ? [aud] : (aud ?? []);
}

interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
}

describe('auth0 ManagementClient (auth0@7) with only domain, clientId and clientSecret', () => {
  let sdk: { run: SdkRun; exchanges: Exchange[] };
  let holder: CreatedClient;
  const value = <T>(name: string): T => stepValue<T>(sdk.run, name, sdk.exchanges);

  beforeAll(async () => {
    // A grant as the consent dialog records it, so the grants list has something of Alice's to return.
    holder = await createClient(world.admin, { name: 'Grant holder', app_type: 'regular_web', callbacks: ['https://holder.example/cb'] });
    const now = Date.now();
    await world.server.auth.context.repos.grants.insert({ id: newId('cgr'), userId: world.userId, clientId: holder.client_id, audience: API, scopes: ['read:posts'], rejectedScopes: [], createdAt: now, updatedAt: now });
    sdk = await run('management.mjs', { clientId: MANAGEMENT_CLIENT.clientId, clientSecret: MANAGEMENT_CLIENT.clientSecret, userId: world.userId });
  }, 60_000);

  test('gets its own token: client_credentials at https://{domain}/oauth/token for https://{domain}/api/v2/', () => {
    const tokenRequests = sdk.exchanges.filter((e) => e.method === 'POST' && e.path === '/oauth/token');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toMatchObject({ status: 200 });
    const form = new URLSearchParams(tokenRequests[0]?.requestBody ?? '');
    expect(form.get('grant_type')).toBe('client_credentials');
    expect(form.get('audience')).toBe(`${world.issuer}api/v2/`);
    const apiCalls = sdk.exchanges.filter((e) => e.path.startsWith('/api/v2/'));
    expect(apiCalls.length).toBeGreaterThan(0);
    expect(apiCalls.filter((e) => e.sdkHeaders.authorization !== 'Bearer')).toEqual([]);
  });

  test('clients: create, list, get, update, delete', () => {
    const created = value<{ client_id: string; name: string; app_type: string; callbacks: string[] }>('clients.create');
    expect(created).toMatchObject({ name: 'Made by the auth0 SDK', app_type: 'regular_web', callbacks: ['https://sdk-app.example/callback'] });
    expect(value<{ ids: string[] }>('clients.list').ids).toContain(created.client_id);
    expect(value<{ client_id: string }>('clients.get')).toMatchObject({ client_id: created.client_id, name: 'Made by the auth0 SDK' });
    expect(value<{ name: string }>('clients.update')).toMatchObject({ client_id: created.client_id, name: 'Renamed by the auth0 SDK' });
    expect(value<{ afterDelete: { statusCode: number } }>('clients.delete').afterDelete).toMatchObject({ statusCode: 404, name: 'NotFoundError' });
  });

  test('resource servers: create, list', () => {
    const created = value<{ id: string; identifier: string; scopes: { value: string }[]; allow_offline_access: boolean }>('resourceServers.create');
    expect(created).toMatchObject({ name: 'API made by the auth0 SDK', scopes: [{ value: 'read:things' }], allow_offline_access: true });
    expect(value<{ identifiers: string[] }>('resourceServers.list').identifiers).toEqual(expect.arrayContaining([API, created.identifier]));
  });

  test('client grants: create, list', () => {
    const created = value<{ id: string }>('clientGrants.create');
    const client = value<{ client_id: string }>('clients.create');
    expect(created).toMatchObject({ client_id: client.client_id, audience: value<{ identifier: string }>('resourceServers.create').identifier, scope: ['read:things'] });
    expect(value<{ ids: string[] }>('clientGrants.list').ids).toContain(created.id);
  });

  test('users: create, get, update, list', () => {
    const created = value<{ user_id: string; email: string }>('users.create');
    expect(created).toMatchObject({ email: expect.stringMatching(/^sdk-user-.*@example\.com$/), name: 'SDK User', email_verified: true });
    expect(value<object>('users.get')).toMatchObject({ user_id: created.user_id, email: created.email });
    expect(value<object>('users.update')).toMatchObject({ user_id: created.user_id, name: 'SDK User, renamed' });
    expect(value<{ ids: string[] }>('users.list').ids).toEqual(expect.arrayContaining([world.userId, created.user_id]));
  });

  test("user grants: list Alice's", () => {
    const { grants } = value<{ grants: object[] }>('userGrants.list');
    expect(grants).toEqual([expect.objectContaining({ clientID: holder.client_id, user_id: world.userId, audience: API, scope: ['read:posts'] })]);
  });

  test('logs: list, with the SDK’s own token exchange in it', () => {
    const { logs } = value<{ logs: { type: string; client_id?: string }[] }>('logs.list');
    expect(logs).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'seccft', client_id: MANAGEMENT_CLIENT.clientId })]));
  });
});

describe('auth0 AuthenticationClient (auth0@7 ships it as auth0/legacy) with only domain, clientId and clientSecret', () => {
  let sdk: { run: SdkRun; exchanges: Exchange[] };
  const value = <T>(name: string): T => stepValue<T>(sdk.run, name, sdk.exchanges);

  beforeAll(async () => {
    const client = await createClient(
      world.admin,
      { name: 'Contoso back end', app_type: 'regular_web', is_first_party: true, callbacks: ['https://contoso.example/cb'], grant_types: ['password', 'refresh_token', 'client_credentials'] },
      { audience: API, scope: ['read:posts'] },
    );
    sdk = await run('authenticationClient.mjs', { clientId: client.client_id, clientSecret: client.client_secret, audience: API, username: USER.email, password: USER.password });
  }, 60_000);

  test('oauth.clientCredentialsGrant({ audience }) for an API with a client grant', () => {
    const tokens = value<TokenSet>('oauth.clientCredentialsGrant');
    expect(tokens).toMatchObject({ token_type: 'Bearer', scope: 'read:posts' });
    expect(audiences(tokens.access_token)).toEqual([API]);
  });

  test('oauth.passwordGrant({ username, password, audience, scope }): tokens for Alice, the ID token validated by the SDK', () => {
    const tokens = value<TokenSet>('oauth.passwordGrant');
    expect(audiences(tokens.access_token)).toContain(API);
    expect(decodeJwt(tokens.access_token).sub).toBe(world.userId);
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'read:posts', 'offline_access']));
    expect(tokens.id_token && decodeJwt(tokens.id_token)).toMatchObject({ iss: world.issuer, email: USER.email });
    expect(typeof tokens.refresh_token).toBe('string');
  });

  test('oauth.refreshTokenGrant({ refresh_token }) with offline_access granted for an API allowing it', () => {
    const tokens = value<TokenSet>('oauth.refreshTokenGrant');
    expect(audiences(tokens.access_token)).toContain(API);
    expect(decodeJwt(tokens.access_token).sub).toBe(world.userId);
    // Rotation: a new refresh token every use.
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).not.toBe(value<TokenSet>('oauth.passwordGrant').refresh_token);
  });
});

describe('@auth0/auth0-auth-js AuthClient with only domain, clientId and clientSecret', () => {
  let browser: Browser | undefined;
  let callbackApp: RunningApp | undefined;

  afterAll(async () => {
    await browser?.close();
    await callbackApp?.close();
  });

  test('getTokenByClientCredentials({ audience })', async () => {
    const client = await createClient(world.admin, { name: 'Contoso worker', app_type: 'non_interactive' }, { audience: API, scope: ['read:posts', 'write:posts'] });
    const sdk = await run('authJs.mjs', { clientId: client.client_id, clientSecret: client.client_secret, audience: API }, ['client-credentials']);
    const tokens = stepValue<{ accessToken: string; scope?: string }>(sdk.run, 'getTokenByClientCredentials', sdk.exchanges);
    expect(audiences(tokens.accessToken)).toEqual([API]);
    expect(tokens.scope?.split(' ').sort()).toEqual(['read:posts', 'write:posts']);
    expect(sdk.exchanges.map((e) => `${e.method} ${e.path}`)).toEqual(['GET /.well-known/openid-configuration', 'POST /oauth/token']);
  });

  test('authorization code flow: buildAuthorizationUrl, sign-in and consent in Chromium, getTokenByCode', async () => {
    const app = express();
    app.get('/callback', (_req, res) => void res.type('text').send('back at the app'));
    callbackApp = await listen(app);
    const redirectUri = `${callbackApp.origin}/callback`;
    const client: CreatedClient = await createClient(world.admin, {
      name: 'Fabrikam',
      app_type: 'regular_web',
      is_first_party: false,
      callbacks: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    const credentials = { clientId: client.client_id, clientSecret: client.client_secret };

    const started = await run('authJs.mjs', { ...credentials, audience: API, redirectUri, scope: 'openid profile email read:posts' }, ['authorize']);
    const { authorizationUrl, codeVerifier } = stepValue<{ authorizationUrl: string; codeVerifier: string }>(started.run, 'buildAuthorizationUrl', started.exchanges);
    expect(authorizationUrl.startsWith(`${world.issuer}authorize?`)).toBe(true);
    expect(new URL(authorizationUrl).searchParams.get('code_challenge_method')).toBe('S256');

    browser = await launchChromium();
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(authorizationUrl);
    // Behind the terminator, a server that does not believe X-Forwarded-Proto refuses to start the sign-in.
    if (!new URL(page.url()).pathname.endsWith('/u/login')) throw new Error(`Expected our login page, got ${page.url()}:\n${(await page.innerText('body')).slice(0, 800)}`);
    await signInOnLoginPage(page);
    await page.getByText('is requesting access to your account').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((url) => url.href.startsWith(redirectUri), { timeout: 15_000 });
    const callbackUrl = page.url();
    expect(new URL(callbackUrl).searchParams.get('code')).toEqual(expect.any(String));
    await context.close();

    const finished = await run('authJs.mjs', { ...credentials, callbackUrl, codeVerifier }, ['code']);
    const tokens = stepValue<{ accessToken: string; idToken?: string; scope?: string; claims?: { sub: string; email?: string } }>(finished.run, 'getTokenByCode', finished.exchanges);
    expect(audiences(tokens.accessToken)).toContain(API);
    expect(decodeJwt(tokens.accessToken)).toMatchObject({ sub: world.userId, iss: world.issuer });
    expect(tokens.claims).toMatchObject({ sub: world.userId, email: USER.email });
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'read:posts']));
  });
});
