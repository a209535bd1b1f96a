/** /api/v2/clients: authentication, scopes, Auth0 defaults, rules, paging, rotation and deletion. */
import { SignJWT } from 'jose';
import request from 'supertest';
import { TestBrowser } from '../helpers/browser.js';
import { API, expectRedirect, finishFlow, isConsentPage, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { clientCredentialsToken, managementApi, managementToken } from '../helpers/management.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let token: string;
let api: ReturnType<typeof managementApi>;

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  token = await managementToken(server);
  api = managementApi(server, token);
});
afterAll(async () => server?.close());

/** The Client shape the flow helpers take, from the Management API's JSON. */
function asClient(json: Record<string, unknown>): Client {
  return {
    clientId: json.client_id as string,
    clientSecret: (json.client_secret as string | undefined) ?? null,
    callbacks: json.callbacks as string[],
    tokenEndpointAuthMethod: json.token_endpoint_auth_method,
  } as Client;
}

describe('S24: authentication of the Management API', () => {
  test('no token → 401 invalid_token in Auth0 shape', async () => {
    const res = await request(server.issuer).get('api/v2/clients');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String), errorCode: 'invalid_token' });
  });

  test('a malformed or forged token → 401', async () => {
    expect((await managementApi(server, 'not-a-jwt').get('clients')).status).toBe(401);
    const forged = await new SignJWT({ scope: 'read:clients', gty: 'client-credentials', azp: 'x' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .setIssuer(server.issuer)
      .setAudience(`${server.issuer}api/v2/`)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('some secret of thirty-two bytes!!'));
    expect((await managementApi(server, forged).get('clients')).status).toBe(401);
  });

  test('an expired token → 401', async () => {
    const key = server.auth.context.keys.current();
    const mgmt = await server.auth.admin.ensureManagementClient();
    const expired = await new SignJWT({ scope: 'read:clients', gty: 'client-credentials', azp: mgmt.clientId })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'at+jwt' })
      .setIssuer(server.issuer)
      .setAudience(`${server.issuer}api/v2/`)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(key.privateKey);
    const res = await managementApi(server, expired).get('clients');
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/expired/i);
  });

  test('a token for another API → 401', async () => {
    const mgmt = await server.auth.admin.ensureManagementClient();
    const now = Date.now();
    await server.auth.context.repos.clientGrants.insert({ id: `cgr_other_${now}`, clientId: mgmt.clientId, audience: API, scopes: ['read:posts'], createdAt: now, updatedAt: now });
    const other = await clientCredentialsToken(server, mgmt.clientId, mgmt.clientSecret ?? '', API);
    const res = await managementApi(server, other).get('clients');
    expect(res.status).toBe(401);
    expect(res.body.errorCode).toBe('invalid_token');
  });

  test.each([
    ['post', 'clients', 'create:clients'],
    ['get', 'clients', 'read:clients'],
    ['get', 'clients/some-id', 'read:clients'],
    ['patch', 'clients/some-id', 'update:clients'],
    ['delete', 'clients/some-id', 'delete:clients'],
    ['post', 'clients/some-id/rotate-secret', 'update:client_keys'],
  ] as const)('%s /%s without %s → 403 insufficient_scope', async (method, path, scope) => {
    const limited = managementApi(server, await managementToken(server, ['read:users']));
    const res = method === 'get' || method === 'delete' ? await limited[method](path) : await limited[method](path, {});
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ errorCode: 'insufficient_scope', message: `Insufficient scope; expected any of: ${scope}` });
  });
});

describe('creating clients', () => {
  test.each([
    ['spa', 'none', ['authorization_code', 'implicit', 'refresh_token']],
    ['native', 'none', ['authorization_code', 'implicit', 'refresh_token']],
    ['regular_web', 'client_secret_post', ['authorization_code', 'implicit', 'refresh_token', 'client_credentials']],
    ['non_interactive', 'client_secret_post', ['authorization_code', 'implicit', 'refresh_token', 'client_credentials']],
  ])('%s gets Auth0 defaults: %s', async (appType, method, grants) => {
    const res = await api.post('clients', { name: `A ${appType}`, app_type: appType });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ app_type: appType, token_endpoint_auth_method: method, grant_types: grants, is_first_party: true });
    expect(typeof res.body.client_id).toBe('string');
    if (method === 'none') expect(res.body.client_secret).toBeUndefined();
    else expect(Buffer.from(res.body.client_secret, 'base64url').length).toBeGreaterThanOrEqual(32);
  });

  test.each([
    [{ name: 'x', app_type: 'spa', jwt_configuration: { alg: 'HS256' } }, /HS256/],
    [{ name: 'x', app_type: 'spa', grant_types: ['client_credentials'] }, /client_credentials/],
    [{ name: 'x', callbacks: ['https://a.example/cb#frag'] }, /fragment/],
    [{ name: 'x', callbacks: ['/relative/cb'] }, /absolute/],
    [{ name: 'x', callbacks: ['javascript:alert(1)'] }, /scheme/],
    [{ name: '<script>' }, /"<" or ">"/],
    [{ name: 'x', colour: 'blue' }, /colour/],
    [{ name: 'x', app_type: 'robot' }, /app_type/],
    [{ name: 'x', is_first_party: 'yes' }, /is_first_party/],
    [{ app_type: 'spa' }, /name/],
    [{ name: 'x', description: 'd'.repeat(141) }, /description/],
  ])('rule: %j → 400 invalid_body', async (body, message) => {
    const res = await api.post('clients', body);
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('invalid_body');
    expect(res.body.message).toMatch(message);
  });

  test('a malformed JSON body → 400, and nothing is stored', async () => {
    const before = (await api.get('clients?include_totals=true')).body.total;
    const res = await api.post('clients', '{"name": ').set('Content-Type', 'application/json');
    expect(res.status).toBe(400);
    expect(res.body.errorCode).toBe('invalid_body');
    expect((await api.get('clients?include_totals=true')).body.total).toBe(before);
  });
});

describe('reading clients', () => {
  test('paging, include_totals and filters', async () => {
    for (let i = 0; i < 3; i++) await api.post('clients', { name: `Paged ${i}`, app_type: 'native', is_first_party: i !== 1 });
    const all = await api.get('clients?include_totals=true&per_page=2&page=0');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ start: 0, limit: 2 });
    expect(all.body.clients).toHaveLength(2);
    const page1 = await api.get('clients?include_totals=true&per_page=2&page=1');
    expect(page1.body.start).toBe(2);
    expect(page1.body.clients[0].client_id).not.toBe(all.body.clients[0].client_id);
    const natives = await api.get('clients?app_type=native');
    expect(Array.isArray(natives.body)).toBe(true);
    expect(natives.body.every((c: { app_type: string }) => c.app_type === 'native')).toBe(true);
    const thirdParty = await api.get('clients?is_first_party=false&app_type=native');
    expect(thirdParty.body.map((c: { name: string }) => c.name)).toEqual(['Paged 1']);
    expect((await api.get('clients?per_page=101')).status).toBe(400);
    expect((await api.get('clients?page=-1')).status).toBe(400);
    expect((await api.get('clients?is_first_party=maybe')).status).toBe(400);
  });

  test('secrets are shown only with read:client_keys', async () => {
    const created = await api.post('clients', { name: 'Secretive' });
    const reader = managementApi(server, await managementToken(server, ['read:clients']));
    const withoutKeys = await reader.get(`clients/${created.body.client_id}`);
    expect(withoutKeys.status).toBe(200);
    expect(withoutKeys.body.client_secret).toBeUndefined();
    const keyReader = managementApi(server, await managementToken(server, ['read:clients', 'read:client_keys']));
    expect((await keyReader.get(`clients/${created.body.client_id}`)).body.client_secret).toBe(created.body.client_secret);
  });

  test('an unknown client → 404 inexistent_client', async () => {
    const res = await api.get('clients/nope');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'The client does not exist', errorCode: 'inexistent_client' });
  });
});

describe('updating, rotating and deleting clients', () => {
  test('PATCH applies the same rules', async () => {
    const created = await api.post('clients', { name: 'Patchable', app_type: 'spa' });
    const id = created.body.client_id;
    expect((await api.patch(`clients/${id}`, { jwt_configuration: { alg: 'HS256' } })).status).toBe(400);
    expect((await api.patch(`clients/${id}`, { callbacks: ['https://x.example/#a'] })).status).toBe(400);
    const ok = await api.patch(`clients/${id}`, { name: 'Patched', callbacks: ['https://x.example/cb'] });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'Patched', callbacks: ['https://x.example/cb'] });
    expect((await api.patch('clients/nope', { name: 'x' })).status).toBe(404);
  });

  test('rotate-secret: the old secret fails at /oauth/token, the new one works', async () => {
    const created = await api.post('clients', { name: 'Rotator', app_type: 'non_interactive' });
    const { client_id: id, client_secret: oldSecret } = created.body;
    expect((await api.post('client-grants', { client_id: id, audience: API, scope: ['read:posts'] })).status).toBe(201);
    await expect(clientCredentialsToken(server, id, oldSecret, API)).resolves.toEqual(expect.any(String));
    const rotated = await api.post(`clients/${id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.client_secret).not.toBe(oldSecret);
    await expect(clientCredentialsToken(server, id, oldSecret, API)).rejects.toMatchObject({ error: 'invalid_client' });
    await expect(clientCredentialsToken(server, id, rotated.body.client_secret, API)).resolves.toEqual(expect.any(String));
  });

  test('DELETE cascades: grants, client grants and codes are gone, and it cannot be undone', async () => {
    const created = await api.post('clients', { name: 'Doomed', is_first_party: false, callbacks: ['https://doomed.example/cb'] });
    const client = asClient(created.body);
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const consent = await signIn(browser, flow.url);
    expect(isConsentPage(consent)).toBe(true);
    if (!isConsentPage(consent)) return;
    expectRedirect(await browser.submit(consent, { action: 'accept' }));
    const db = server.auth.context.db;
    await server.auth.context.repos.clientGrants.insert({ id: `cgr_doomed`, clientId: client.clientId, audience: API, scopes: [], createdAt: 1, updatedAt: 1 });
    expect(await db('user_grants').where({ client_id: client.clientId })).toHaveLength(1);
    expect(await db('authorization_codes').where({ client_id: client.clientId })).toHaveLength(1);

    expect((await api.delete(`clients/${client.clientId}`)).status).toBe(204);
    for (const table of ['user_grants', 'authorization_codes', 'client_grants', 'authorization_transactions', 'connection_clients']) {
      expect(await db(table).where({ client_id: client.clientId })).toHaveLength(0);
    }
    expect((await api.get(`clients/${client.clientId}`)).status).toBe(404);
    expect((await api.delete(`clients/${client.clientId}`)).status).toBe(404);
  });
});

describe('clients created here, in the authorization flow', () => {
  test('S15: a third-party client created through the API sees the consent dialog', async () => {
    const created = await api.post('clients', { name: 'Partner', is_first_party: false, callbacks: ['https://partner.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, asClient(created.body));
    expect(isConsentPage(await signIn(browser, flow.url))).toBe(true);
  });

  test('S15: a first-party client on an https callback, with the API skip switch, does not', async () => {
    const created = await api.post('clients', { name: 'Inhouse', callbacks: ['https://inhouse.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, asClient(created.body));
    const tokens = await finishFlow(flow, expectRedirect(await signIn(browser, flow.url)));
    expect(tokens.access_token).toEqual(expect.any(String));
  });
});
