/** /api/v2/connections and /api/v2/users, and what they change at the login page. */
import { TestBrowser, textOf } from '../helpers/browser.js';
import { expectPage, expectRedirect, finishFlow, seedWorld, startFlow, managementFor } from '../helpers/fixtures.js';
import { expectScopeRequired } from '../helpers/management.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let api: Awaited<ReturnType<typeof managementFor>>;
let app: Client;
let defaultConnectionId: string;

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  api = await managementFor(server);
  const created = await api.post('clients', { name: 'People App', callbacks: ['https://people.example/cb'] });
  app = { clientId: created.body.client_id, clientSecret: created.body.client_secret, callbacks: created.body.callbacks, tokenEndpointAuthMethod: 'client_secret_post' } as Client;
  defaultConnectionId = (await api.get('connections?name=Username-Password-Authentication')).body[0].id;
});
afterAll(async () => server?.close());

async function tryLogin(email: string, password: string) {
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, app);
  const login = expectPage(await browser.request(flow.url.toString()));
  return { flow, visit: await browser.submit(login, { email, password }) };
}

describe('scopes of every route', () => {
  test.each([
    ['get', 'connections', 'read:connections'],
    ['post', 'connections', 'create:connections'],
    ['get', 'connections/x', 'read:connections'],
    ['patch', 'connections/x', 'update:connections'],
    ['delete', 'connections/x', 'delete:connections'],
    ['get', 'connections/x/clients', 'read:connections'],
    ['patch', 'connections/x/clients', 'update:connections'],
    ['post', 'users', 'create:users'],
    ['get', 'users', 'read:users'],
    ['get', 'users/auth0%7Cx', 'read:users'],
    ['patch', 'users/auth0%7Cx', 'update:users'],
    ['delete', 'users/auth0%7Cx', 'delete:users'],
  ] as const)('%s /%s needs %s', async (...scopeCase) => {
    await expectScopeRequired(server, scopeCase);
  });
});

describe('connections', () => {
  test('the default connection lists every client; create, 409, update, delete', async () => {
    const conn = await api.get(`connections/${defaultConnectionId}`);
    expect(conn.body).toMatchObject({ name: 'Username-Password-Authentication', strategy: 'auth0', realms: ['Username-Password-Authentication'] });
    expect(conn.body.enabled_clients).toContain(app.clientId);

    const created = await api.post('connections', { name: 'Partners', strategy: 'auth0', enabled_clients: [app.clientId] });
    expect(created.status).toBe(201);
    expect(created.body.enabled_clients).toEqual([app.clientId]);
    expect((await api.post('connections', { name: 'Partners', strategy: 'auth0' })).status).toBe(409);
    expect((await api.post('connections', { name: 'bad name!', strategy: 'auth0' })).status).toBe(400);
    expect((await api.post('connections', { name: 'Social', strategy: 'google-oauth2' })).status).toBe(400);
    expect((await api.post('connections', { name: 'Ghosts', strategy: 'auth0', enabled_clients: ['ghost'] })).status).toBe(404);
    expect((await api.get('connections?include_totals=true')).body.total).toBeGreaterThanOrEqual(2);

    const patched = await api.patch(`connections/${created.body.id}`, { enabled_clients: [] });
    expect(patched.body.enabled_clients).toEqual([]);
    expect((await api.delete(`connections/${created.body.id}`)).status).toBe(204);
    expect((await api.get(`connections/${created.body.id}`)).body.errorCode).toBe('inexistent_connection');
  });

  test('a client disabled on the connection cannot sign its users in; enabling it again lets them in', async () => {
    const user = await api.post('users', { connection: 'Username-Password-Authentication', email: 'dora@example.com', password: 'dora-password-1' });
    expect(user.status).toBe(201);
    expect((await api.patch(`connections/${defaultConnectionId}/clients`, [{ client_id: app.clientId, status: false }])).status).toBe(204);
    expect((await api.get(`connections/${defaultConnectionId}/clients`)).body.clients).not.toContainEqual({ client_id: app.clientId });
    const refused = expectPage((await tryLogin('dora@example.com', 'dora-password-1')).visit);
    expect(refused.status).toBe(401);
    expect(textOf(refused.html)).toContain('not allowed to sign users in with this connection');

    expect((await api.patch(`connections/${defaultConnectionId}/clients`, [{ client_id: app.clientId, status: true }])).status).toBe(204);
    const { flow, visit } = await tryLogin('dora@example.com', 'dora-password-1');
    await finishFlow(flow, expectRedirect(visit));
    expect((await api.patch(`connections/${defaultConnectionId}/clients`, [{ client_id: 'ghost', status: true }])).status).toBe(404);
    expect((await api.patch(`connections/${defaultConnectionId}/clients`, { client_id: app.clientId })).status).toBe(400);
  });
});

describe('users', () => {
  test('create in Auth0 shape, without the password hash; rules; 409; list and filter', async () => {
    const created = await api.post('users', { connection: 'Username-Password-Authentication', email: 'Erin@Example.com', password: 'erin-password-1', name: 'Erin' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      user_id: expect.stringMatching(/^auth0\|/),
      email: 'erin@example.com',
      email_verified: false,
      name: 'Erin',
      blocked: false,
      logins_count: 0,
      identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0', isSocial: false }],
    });
    expect(JSON.stringify(created.body)).not.toMatch(/scrypt|password/);
    expect((await api.post('users', { connection: 'Username-Password-Authentication', email: 'erin@example.com', password: 'another-password' })).status).toBe(409);
    for (const bad of [
      { connection: 'Nope', email: 'x@example.com', password: 'long-enough-1' },
      { connection: 'Username-Password-Authentication', email: 'not-an-email', password: 'long-enough-1' },
      { connection: 'Username-Password-Authentication', email: 'short@example.com', password: 'short' },
      { connection: 'Username-Password-Authentication', email: 'x@example.com', password: 'long-enough-1', role: 'admin' },
    ]) {
      const res = await api.post('users', bad);
      expect(res.status).toBe(400);
    }
    const found = await api.get('users?email=ERIN@example.com&include_totals=true');
    expect(found.body.total).toBe(1);
    expect((await api.get(`users/${encodeURIComponent(created.body.user_id)}`)).body.email).toBe('erin@example.com');
    expect((await api.get('users/auth0%7Cnobody')).body.errorCode).toBe('inexistent_user');
  });

  test('blocked users cannot sign in; a new password replaces the old one; deletion ends everything', async () => {
    const created = await api.post('users', { connection: 'Username-Password-Authentication', email: 'frank@example.com', password: 'frank-password-1' });
    const id = encodeURIComponent(created.body.user_id);
    const first = await tryLogin('frank@example.com', 'frank-password-1');
    await finishFlow(first.flow, expectRedirect(first.visit));

    expect((await api.patch(`users/${id}`, { blocked: true })).body.blocked).toBe(true);
    expect(textOf(expectPage((await tryLogin('frank@example.com', 'frank-password-1')).visit).html)).toMatch(/blocked/);
    await api.patch(`users/${id}`, { blocked: false, password: 'frank-password-2' });
    expect(textOf(expectPage((await tryLogin('frank@example.com', 'frank-password-1')).visit).html)).toContain('Wrong email or password.');
    const renewed = await tryLogin('frank@example.com', 'frank-password-2');
    await finishFlow(renewed.flow, expectRedirect(renewed.visit));
    expect((await api.patch(`users/${id}`, { password: 'short' })).status).toBe(400);
    expect((await api.patch(`users/${id}`, { is_admin: true })).status).toBe(400);

    await server.auth.context.db('user_grants').insert({ id: 'cgr_frank', user_id: created.body.user_id, client_id: app.clientId, audience: 'https://api.contoso.test/', scope: 'openid', created_at: 1, updated_at: 1 });
    expect((await api.delete(`users/${id}`)).status).toBe(204);
    expect(await server.auth.context.db('user_grants').where({ user_id: created.body.user_id })).toHaveLength(0);
    expect(textOf(expectPage((await tryLogin('frank@example.com', 'frank-password-2')).visit).html)).toContain('Wrong email or password.');
    expect((await api.delete(`users/${id}`)).status).toBe(404);
  });
});
