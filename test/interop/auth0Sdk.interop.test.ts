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
    sdk = await run('management.mjs', { clientId: MANAGEMENT_CLIENT.clientId, clientSecret: MANAGEMENT_CLIENT.clientSecret, userId: world.userId, userEmail: USER.email });
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

  // Issue 13: every call the issue lists.
  test('clientGrants.get by id, and checkpoint paging (take, then from = next) through the SDK’s own getNextPage', () => {
    const created = value<{ id: string; client_id: string; audience: string }>('clientGrants.create');
    expect(value<object>('clientGrants.get')).toEqual({ id: created.id, client_id: created.client_id, audience: created.audience, scope: ['read:things'], subject_type: 'client' });
    const { pages } = value<{ pages: string[][] }>('clientGrants.list checkpoints');
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(2);
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toEqual(expect.arrayContaining([created.id, value<{ id: string }>('clientGrants.create user').id]));
  });

  test('users: listUsersByEmail (the v4 SDK’s usersByEmail.getByEmail), q with search_engine v3, and a 400 for syntax we do not support', () => {
    expect(value<{ user_id: string; email: string }[]>('users.listUsersByEmail')).toEqual([expect.objectContaining({ user_id: world.userId, email: USER.email })]);
    expect(value<{ ids: string[] }>('users.list q').ids).toEqual([value<{ user_id: string }>('users.create').user_id]);
    expect(value<object>('users.list q unsupported')).toMatchObject({ statusCode: 400, body: { errorCode: 'invalid_query_string' } });
  });

  test('users: user_metadata and app_metadata created, merged at the top level by update, read with fields', () => {
    expect(value<object>('users.create metadata')).toMatchObject({ user_metadata: { hobby: 'surfing', address: { city: 'Lyon' } }, app_metadata: { plan: 'full' } });
    expect(value<object>('users.update metadata')).toMatchObject({ user_metadata: { color: 'blue', address: { zip: '69001' } }, app_metadata: { plan: 'full', roles: ['admin'] } });
    expect(value<object>('users.get fields')).toEqual({ user_metadata: { color: 'blue', address: { zip: '69001' } }, app_metadata: { plan: 'full', roles: ['admin'] } });
    const { users } = value<{ users: object[] }>('users.list fields');
    expect(users.length).toBeGreaterThan(0);
    for (const user of users) expect(Object.keys(user).sort()).toEqual(['email', 'user_id']);
  });

  test('logs: search (typed) and q (as a query parameter), and checkpoints from + take', () => {
    const bySearch = value<{ logs: { client_id: string }[] }>('logs.list search').logs;
    expect(bySearch.length).toBeGreaterThan(0);
    expect(bySearch.every((l) => l.client_id === MANAGEMENT_CLIENT.clientId)).toBe(true);
    const byQ = value<{ logs: { type: string }[] }>('logs.list q').logs;
    expect(byQ.length).toBeGreaterThan(0);
    expect(byQ.every((l) => l.type === 'seccft')).toBe(true);
    const recent = value<{ logs: { type: string; description: string; date: string }[]; total: number }>('logs.list date and text');
    expect(recent.total).toBeGreaterThan(0);
    expect(recent.logs.length).toBeGreaterThan(0);
    for (const log of recent.logs) {
      expect(log.description.toLowerCase()).toContain('client credentials');
      expect(Date.parse(log.date)).toBeGreaterThan(Date.now() - 2 * 3600_000);
    }
    expect(value<object>('logs.list refused query')).toMatchObject({ statusCode: 400, body: { errorCode: 'invalid_query_string', message: expect.stringContaining('OR') } });
    const { first, second } = value<{ first: string[]; second: string[] }>('logs.list checkpoints');
    expect(first).toHaveLength(2);
    expect(second.length).toBeGreaterThan(0);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
  });

  test('clients: fields/include_fields on get and list, GET’s body posted and patched back, rotateSecret', () => {
    const created = value<{ client_id: string }>('clients.create');
    expect(value<object>('clients.get fields')).toEqual({ client_id: created.client_id, name: 'Renamed by the auth0 SDK' });
    const { clients } = value<{ clients: Record<string, unknown>[] }>('clients.list fields');
    expect(clients.length).toBeGreaterThan(0);
    for (const c of clients) expect(c).toEqual(expect.not.objectContaining({ callbacks: expect.anything(), client_secret: expect.anything() }));
    const { got, copy, patched } = value<{ got: Record<string, unknown>; copy: Record<string, unknown>; patched: Record<string, unknown> }>('clients round trip');
    expect(got).toMatchObject({ oidc_conformant: true, is_dynamically_registered: false });
    expect(copy).toMatchObject({ name: 'Copied by the auth0 SDK', callbacks: got.callbacks, grant_types: got.grant_types, oidc_conformant: true });
    expect(copy.client_id).not.toBe(got.client_id);
    expect(patched).toMatchObject({ client_id: got.client_id, description: 'patched with its own GET' });
    const { before, after } = value<{ before: string; after: string }>('clients.rotateSecret');
    expect(after).toEqual(expect.any(String));
    expect(after).not.toBe(before);
  });

  test('user blocks: get and delete by user id', () => {
    expect(value<object>('userBlocks.list')).toEqual({ blocked_for: [] });
    expect(sdk.run['userBlocks.delete']).toMatchObject({ ok: true });
  });

  test('third-party model: a strict client with its redirection policy, an API access policy, user and default client grants', () => {
    const strict = value<Record<string, unknown>>('clients.create strict');
    expect(strict).toMatchObject({ is_first_party: false, third_party_security_mode: 'strict', redirection_policy: 'open_redirect_protection', grant_types: ['authorization_code', 'refresh_token'] });
    expect(value<object>('clients.update strict mode')).toMatchObject({ statusCode: 400, body: { errorCode: 'invalid_body', message: expect.stringMatching(/cannot be changed/) } });
    expect(value<object>('resourceServers.get policy')).toMatchObject({ subject_type_authorization: { user: { policy: 'require_client_grant' }, client: { policy: 'deny_all' } } });
    const api = value<{ identifier: string }>('resourceServers.create policy');
    expect(value<object>('clientGrants.create user')).toMatchObject({ client_id: strict.client_id, audience: api.identifier, scope: ['read:things'], subject_type: 'user' });
    const byDefault = value<Record<string, unknown>>('clientGrants.create default_for');
    expect(byDefault).toEqual({ id: expect.any(String), default_for: 'third_party_clients', audience: api.identifier, scope: ['read:things'], subject_type: 'user' });
    expect(value<{ grants: { id: string }[] }>('clientGrants.list default_for').grants.map((g) => g.id)).toEqual([byDefault.id]);
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

// Last: revoking takes the key that signed every token issued so far (world.admin's included) out of the JWKS.
describe('auth0 ManagementClient on the signing keys: list, rotate, revoke, and tokens checked against the JWKS', () => {
  let sdk: { run: SdkRun; exchanges: Exchange[] };
  const value = <T>(name: string): T => stepValue<T>(sdk.run, name, sdk.exchanges);
  type Key = { kid: string; current: boolean; next: boolean; previous: boolean; revoked: boolean };
  type Check = { kid: string; verified: boolean; code?: string };

  beforeAll(async () => {
    sdk = await run('signingKeys.mjs', { clientId: MANAGEMENT_CLIENT.clientId, clientSecret: MANAGEMENT_CLIENT.clientSecret, audience: `${world.issuer}api/v2/` });
  }, 60_000);

  test('rotate: the next key (already in the JWKS) signs from now on, the previous one keeps verifying', () => {
    const before = value<Key[]>('keys.signing.list before');
    const current = before.find((k) => k.current);
    const next = before.find((k) => k.next);
    expect(current && next).toBeTruthy();
    expect(value<{ kid: string }>('keys.signing.rotate').kid).toBe(next?.kid);
    const after = value<Key[]>('keys.signing.list after');
    expect(after.find((k) => k.current)?.kid).toBe(next?.kid);
    expect(after.find((k) => k.kid === current?.kid)).toMatchObject({ previous: true, revoked: false });
    expect(after.filter((k) => k.next)).toHaveLength(1);
    const checks = value<{ old: Check; new: Check }>('verify after rotation');
    expect(checks.old).toEqual({ kid: current?.kid, verified: true });
    expect(checks.new).toEqual({ kid: next?.kid, verified: true });
  });

  test('revoke: the previous key leaves the JWKS, so what it signed no longer verifies; the new key’s tokens do', () => {
    const previous = value<Key[]>('keys.signing.list before').find((k) => k.current)?.kid;
    expect(value<Key>('keys.signing.revoke')).toMatchObject({ kid: previous, revoked: true });
    expect(value<object>('old token refused')).toEqual({ statusCode: 401 });
    expect(value<Key>('keys.signing.get revoked')).toMatchObject({ kid: previous, revoked: true, current: false });
    const checks = value<{ old: Check; new: Check }>('verify after revocation');
    expect(checks.old).toMatchObject({ kid: previous, verified: false, code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect(checks.new).toMatchObject({ verified: true });
  });
});
