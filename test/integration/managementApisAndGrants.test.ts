/** /api/v2/resource-servers, /grants and /client-grants, and what they change in the flows. */
import { decodeJwt } from 'jose';
import request from 'supertest';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { expectPage, expectRedirect, finishFlow, isConsentPage, seedWorld, signIn, startFlow, managementFor } from '../helpers/fixtures.js';
import { clientCredentialsToken, expectScopeRequired } from '../helpers/management.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let userId: string;
let api: Awaited<ReturnType<typeof managementFor>>;

beforeAll(async () => {
  server = await startTestServer();
  ({ userId } = await seedWorld(server));
  api = await managementFor(server);
});
afterAll(async () => server?.close());

function asClient(json: Record<string, unknown>): Client {
  return { clientId: json.client_id, clientSecret: json.client_secret ?? null, callbacks: json.callbacks, tokenEndpointAuthMethod: json.token_endpoint_auth_method } as Client;
}

describe('scopes of every route', () => {
  test.each([
    ['post', 'resource-servers', 'create:resource_servers'],
    ['get', 'resource-servers', 'read:resource_servers'],
    ['get', 'resource-servers/x', 'read:resource_servers'],
    ['patch', 'resource-servers/x', 'update:resource_servers'],
    ['delete', 'resource-servers/x', 'delete:resource_servers'],
    ['get', 'grants', 'read:grants'],
    ['delete', 'grants/x', 'delete:grants'],
    ['delete', 'grants?user_id=x', 'delete:grants'],
    ['post', 'client-grants', 'create:client_grants'],
    ['get', 'client-grants', 'read:client_grants'],
    ['patch', 'client-grants/x', 'update:client_grants'],
    ['delete', 'client-grants/x', 'delete:client_grants'],
  ] as const)('%s /%s needs %s', async (...scopeCase) => {
    await expectScopeRequired(server, scopeCase);
  });
});

describe('resource servers', () => {
  test('create, read, list, update, delete, with the rules', async () => {
    const created = await api.post('resource-servers', {
      identifier: 'https://photos.test/',
      name: 'Photos API',
      scopes: [{ value: 'read:photos', description: 'See your photos' }],
      allow_offline_access: true,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ identifier: 'https://photos.test/', token_lifetime: 86400, signing_alg: 'RS256', allow_offline_access: true, skip_consent_for_verifiable_first_party_clients: false, is_system: false });
    const id = created.body.id;
    expect((await api.post('resource-servers', { identifier: 'https://photos.test/', name: 'Again' })).status).toBe(409);
    expect((await api.get(`resource-servers/${id}`)).body.scopes).toEqual([{ value: 'read:photos', description: 'See your photos' }]);

    for (const bad of [
      { identifier: 'https://x.test/', name: 'x', signing_alg: 'HS256' },
      { identifier: 'https://x.test/', name: 'x', scopes: [{ value: 'a b' }] },
      { identifier: 'https://x.test/', name: 'x', scopes: [{ value: 'a' }, { value: 'a' }] },
      { identifier: 'https://x.test/', name: 'x', token_lifetime: 5 },
      { identifier: 'https://x.test/', name: 'x', colour: 'red' },
      { name: 'x' },
    ]) {
      const res = await api.post('resource-servers', bad);
      expect(res.status).toBe(400);
      expect(res.body.errorCode).toBe('invalid_body');
    }

    expect((await api.patch(`resource-servers/${id}`, { identifier: 'https://other.test/' })).status).toBe(400);
    const patched = await api.patch(`resource-servers/${id}`, { name: 'Photos', scopes: [{ value: 'write:photos', description: 'Upload photos' }], token_lifetime: 600 });
    expect(patched.body).toMatchObject({ name: 'Photos', token_lifetime: 600, scopes: [{ value: 'write:photos', description: 'Upload photos' }] });

    const list = await api.get('resource-servers?include_totals=true');
    expect(list.body.resource_servers.find((r: { is_system: boolean }) => r.is_system)).toMatchObject({ identifier: `${server.issuer}api/v2/` });
    const system = list.body.resource_servers.find((r: { is_system: boolean }) => r.is_system);
    expect((await api.patch(`resource-servers/${system.id}`, { name: 'Mine now' })).status).toBe(403);
    expect((await api.delete(`resource-servers/${system.id}`)).status).toBe(403);

    expect((await api.delete(`resource-servers/${id}`)).status).toBe(204);
    expect((await api.get(`resource-servers/${id}`)).body.errorCode).toBe('inexistent_resource_server');
  });

  test('the dialog shows the descriptions set here; the skip switch decides for first parties', async () => {
    const rs = await api.post('resource-servers', { identifier: 'https://calendar.test/', name: 'Calendar API', scopes: [{ value: 'read:events', description: 'See your calendar events' }] });
    const third = await api.post('clients', { name: 'Scheduler', is_first_party: false, callbacks: ['https://scheduler.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, asClient(third.body), { audience: 'https://calendar.test/', scope: 'openid read:events' });
    const consent = await signIn(browser, flow.url);
    expect(isConsentPage(consent)).toBe(true);
    expect(textOf(expectPage(consent).html)).toContain('See your calendar events');

    const first = await api.post('clients', { name: 'Calendar Web', callbacks: ['https://calendar-web.example/cb'] });
    const firstFlow = await startFlow(server, asClient(first.body), { audience: 'https://calendar.test/', scope: 'openid read:events' });
    expect(isConsentPage(await browser.request(firstFlow.url.toString()))).toBe(true);
    expect((await api.patch(`resource-servers/${rs.body.id}`, { skip_consent_for_verifiable_first_party_clients: true })).status).toBe(200);
    const skipped = await startFlow(server, asClient(first.body), { audience: 'https://calendar.test/', scope: 'openid read:events' });
    await finishFlow(skipped, expectRedirect(await browser.request(skipped.url.toString())));
  });
});

describe('user grants', () => {
  test('listed in Auth0 shape; deleting one brings the dialog back; delete by user', async () => {
    const client = await api.post('clients', { name: 'Granted', is_first_party: false, callbacks: ['https://granted.example/cb'] });
    const c = asClient(client.body);
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, c);
    await finishFlow(flow, expectRedirect(await browser.submit(expectPage(await signIn(browser, flow.url)), { action: 'accept' })));

    const listed = await api.get(`grants?client_id=${c.clientId}&include_totals=true`);
    expect(listed.body.total).toBe(1);
    const [grant] = listed.body.grants;
    expect(grant).toEqual({ id: expect.any(String), clientID: c.clientId, user_id: userId, audience: 'https://api.contoso.test/', scope: expect.arrayContaining(['openid', 'read:posts']) });
    expect((await api.get(`grants?user_id=${encodeURIComponent(userId)}&audience=${encodeURIComponent('https://api.contoso.test/')}`)).body.length).toBeGreaterThan(0);

    const again = await startFlow(server, c);
    expectRedirect(await browser.request(again.url.toString()));
    expect((await api.delete(`grants/${grant.id}`)).status).toBe(204);
    expect((await api.delete(`grants/${grant.id}`)).status).toBe(404);
    const afterDelete = await startFlow(server, c);
    expect(isConsentPage(await browser.request(afterDelete.url.toString()))).toBe(true);

    expect((await api.delete('grants')).status).toBe(400);
    expect((await api.delete(`grants?user_id=${encodeURIComponent(userId)}`)).status).toBe(204);
    expect((await api.get(`grants?user_id=${encodeURIComponent(userId)}`)).body).toEqual([]);
  });
});

describe('client grants and client_credentials', () => {
  test('a token only through a client grant, limited to its scopes; narrowing and deleting apply', async () => {
    const m2m = await api.post('clients', { name: 'Worker', app_type: 'non_interactive' });
    const { client_id: id, client_secret: secret } = m2m.body;
    const audience = 'https://api.contoso.test/';
    const denied = await request(server.issuer).post('oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: id, client_secret: secret, audience });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toBe('access_denied');

    expect((await api.post('client-grants', { client_id: id, audience, scope: ['read:posts', 'nope'] })).status).toBe(400);
    expect((await api.post('client-grants', { client_id: 'ghost', audience, scope: [] })).body.errorCode).toBe('inexistent_client');
    expect((await api.post('client-grants', { client_id: id, audience: 'https://ghost.test/', scope: [] })).body.errorCode).toBe('inexistent_resource_server');
    const spa = await api.post('clients', { name: 'No M2M', app_type: 'spa' });
    expect((await api.post('client-grants', { client_id: spa.body.client_id, audience, scope: [] })).status).toBe(400);

    const grant = await api.post('client-grants', { client_id: id, audience, scope: ['read:posts', 'write:posts'] });
    expect(grant.status).toBe(201);
    expect(grant.body).toEqual({ id: expect.any(String), client_id: id, audience, scope: ['read:posts', 'write:posts'], subject_type: 'client' });
    expect((await api.post('client-grants', { client_id: id, audience, scope: [] })).status).toBe(409);
    expect((await api.get(`client-grants?client_id=${id}`)).body).toHaveLength(1);

    const full = decodeJwt(await clientCredentialsToken(server, id, secret, audience, 'read:posts write:posts admin:all'));
    expect(full).toMatchObject({ sub: `${id}@clients`, aud: audience, scope: 'read:posts write:posts', gty: 'client-credentials' });

    expect((await api.patch(`client-grants/${grant.body.id}`, { scope: ['read:posts'] })).status).toBe(200);
    expect(decodeJwt(await clientCredentialsToken(server, id, secret, audience)).scope).toBe('read:posts');

    expect((await api.delete(`client-grants/${grant.body.id}`)).status).toBe(204);
    expect((await api.delete(`client-grants/${grant.body.id}`)).status).toBe(404);
    await expect(clientCredentialsToken(server, id, secret, audience)).rejects.toMatchObject({ error: 'access_denied' });

    const noGrantType = await api.post('clients', { name: 'Interactive only', grant_types: ['authorization_code'] });
    const res = await request(server.issuer).post('oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: noGrantType.body.client_id, client_secret: noGrantType.body.client_secret, audience });
    expect(res.body.error).toBe('unauthorized_client');
  });
});

