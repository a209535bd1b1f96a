/** The password and password-realm grants through openid-client: no consent, Auth0's errors. */
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { API, USER, discover, makeClient, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { PASSWORD_REALM_GRANT } from '../../src/services/passwordGrantService.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let userId: string;
let client: Client;
let config: oidc.Configuration;

beforeAll(async () => {
  server = await startTestServer();
  ({ userId } = await seedWorld(server));
  client = await makeClient(server, {
    name: 'Trusted CLI',
    isFirstParty: false,
    callbacks: [],
    grantTypes: ['password', PASSWORD_REALM_GRANT, 'refresh_token'],
  });
  config = await discover(server, client);
});
afterAll(async () => server?.close());

const password = (params: Record<string, string>) => oidc.genericGrantRequest(config, 'password', params);

test('password: tokens for the API with no consent dialog and no grant recorded', async () => {
  const tokens = await password({ username: USER.email, password: USER.password, scope: 'openid email read:posts unknown:scope', audience: API });
  expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'read:posts']);
  expect(decodeJwt(tokens.access_token)).toMatchObject({ sub: userId, gty: 'password' });
  expect(decodeJwt(tokens.id_token ?? '')).toMatchObject({ sub: userId, email: USER.email, aud: client.clientId });
  expect(await server.auth.context.db('user_grants').where({ client_id: client.clientId })).toHaveLength(0);
});

test('password-realm: the realm names the connection', async () => {
  const tokens = await oidc.genericGrantRequest(config, PASSWORD_REALM_GRANT, {
    username: USER.email,
    password: USER.password,
    realm: 'Username-Password-Authentication',
    scope: 'openid',
  });
  expect(decodeJwt(tokens.access_token).sub).toBe(userId);
  await expect(
    oidc.genericGrantRequest(config, PASSWORD_REALM_GRANT, { username: USER.email, password: USER.password, realm: 'No-Such-Connection' }),
  ).rejects.toMatchObject({ error: 'invalid_request' });
  await expect(oidc.genericGrantRequest(config, PASSWORD_REALM_GRANT, { username: USER.email, password: USER.password })).rejects.toMatchObject({
    error: 'invalid_request',
  });
});

test('wrong credentials: invalid_grant "Wrong email or password."', async () => {
  await expect(password({ username: USER.email, password: 'wrong password' })).rejects.toMatchObject({
    error: 'invalid_grant',
    error_description: 'Wrong email or password.',
  });
  await expect(password({ username: 'nobody@example.com', password: 'whatever1' })).rejects.toMatchObject({
    error: 'invalid_grant',
    error_description: 'Wrong email or password.',
  });
  await expect(password({ username: USER.email })).rejects.toMatchObject({ error: 'invalid_request' });
});

test('a blocked user is refused', async () => {
  const blocked = await server.auth.admin.createUser({ email: 'blocked@example.com', password: 'blocked-password' });
  await server.auth.context.db('users').where({ id: blocked.id }).update({ blocked: true });
  await expect(password({ username: 'blocked@example.com', password: 'blocked-password' })).rejects.toMatchObject({ error: 'invalid_grant' });
});

test('a client without the grant type gets unauthorized_client', async () => {
  const other = await makeClient(server, { name: 'No ROPC', callbacks: ['https://noropc.example/cb'] });
  const otherConfig = await discover(server, other);
  await expect(oidc.genericGrantRequest(otherConfig, 'password', { username: USER.email, password: USER.password })).rejects.toMatchObject({
    error: 'unauthorized_client',
  });
});

test('a client not enabled on the connection gets unauthorized_client', async () => {
  const disabled = await makeClient(server, { name: 'Disabled', callbacks: [], grantTypes: ['password'] });
  await server.auth.context.db('connection_clients').where({ client_id: disabled.clientId }).delete();
  const disabledConfig = await discover(server, disabled);
  await expect(oidc.genericGrantRequest(disabledConfig, 'password', { username: USER.email, password: USER.password })).rejects.toMatchObject({
    error: 'unauthorized_client',
  });
});

test('offline_access on an API that allows it gives a refresh token that works', async () => {
  await server.auth.admin.createResourceServer({ identifier: 'https://offline.pw.test/', name: 'Offline', allowOfflineAccess: true, scopes: [{ value: 'sync', description: 'Sync' }] });
  const tokens = await password({ username: USER.email, password: USER.password, scope: 'openid offline_access sync', audience: 'https://offline.pw.test/' });
  expect(tokens.refresh_token).toEqual(expect.any(String));
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '');
  expect(decodeJwt(refreshed.access_token).sub).toBe(userId);
});

test('S26: twenty-five wrong passwords sent at once: ten are tried, the rest are blocked, and so is the right one after', async () => {
  const email = 'burst-victim@example.com';
  await server.auth.admin.createUser({ email, password: 'burst-victim-password-1' });
  const attempt = (pw: string) =>
    fetch(`${server.issuer}oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username: email, password: pw, client_id: client.clientId, client_secret: client.clientSecret ?? '' }),
    }).then(async (res) => (await res.json()) as { error?: string; error_description?: string });
  const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => attempt(`wrong-guess-${i}`)));
  const tried = answers.filter((a) => a.error_description === 'Wrong email or password.');
  const blocked = answers.filter((a) => /Too many failed attempts/.test(a.error_description ?? ''));
  expect(tried).toHaveLength(10);
  expect(blocked).toHaveLength(15);
  await server.auth.context.audit.flush();
  expect(await server.auth.context.db('logs').where({ user_name: email, type: 'fp' })).toHaveLength(10);
  expect(await server.auth.context.db('logs').where({ user_name: email, type: 'limit_wc' })).toHaveLength(1);
  expect(await attempt('burst-victim-password-1')).toMatchObject({ error: 'too_many_attempts', error_description: expect.stringMatching(/Too many failed attempts/) });
});
