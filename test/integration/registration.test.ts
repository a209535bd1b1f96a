/**
 * Dynamic Client Registration (RFC 7591, 7592): through openid-client, the registered client is
 * third-party forever and meets the consent dialog; every registration rule is enforced (S17, S23).
 */
import * as oidc from 'openid-client';
import request from 'supertest';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { API, expectPage, expectRedirect, finishFlow, grantThirdPartyDefaults, isConsentPage, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';
import { ClientService } from '../../src/services/clientService.js';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ dynamicClientRegistration: { requestsPerMinutePerIp: 1000 } });
  await seedWorld(server);
  // Self-registered clients reach an API only through the default permissions for third-party clients.
  await grantThirdPartyDefaults(server, API, ['read:posts', 'write:posts']);
});
afterAll(async () => server?.close());

const register = (body: object) => request(server.issuer).post('oidc/register').send(body);

test('S17: a client registered through openid-client is third-party and sees the consent dialog', async () => {
  const config = await oidc.dynamicClientRegistration(
    new URL(server.issuer),
    { client_name: 'Dyna App', redirect_uris: ['https://dyna.example/cb'], token_endpoint_auth_method: 'client_secret_post', is_first_party: true } as Partial<oidc.ClientMetadata>,
    undefined,
    { execute: [oidc.allowInsecureRequests] },
  );
  const metadata = config.clientMetadata();
  expect(metadata.client_secret_expires_at).toBe(0);
  expect(metadata.registration_access_token).toEqual(expect.any(String));
  expect(metadata.registration_client_uri).toBe(`${server.issuer}oidc/register/${metadata.client_id}`);

  const stored = await server.auth.context.repos.clients.findById(metadata.client_id);
  expect(stored).toMatchObject({ isFirstParty: false, isDynamic: true });

  const client = { clientId: metadata.client_id, clientSecret: metadata.client_secret, callbacks: ['https://dyna.example/cb'], tokenEndpointAuthMethod: 'client_secret_post' } as Client;
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client);
  const consent = await signIn(browser, flow.url);
  expect(isConsentPage(consent)).toBe(true);
  expect(textOf(expectPage(consent).html)).toMatch(/registered dynamically/i);
  const tokens = await finishFlow(flow, expectRedirect(await browser.submit(expectPage(consent), { action: 'accept' })));
  expect(tokens.access_token).toEqual(expect.any(String));
});

test('S17: a dynamically registered client can never be made first-party', async () => {
  const res = await register({ client_name: 'Sneaky', redirect_uris: ['https://sneaky.example/cb'] });
  await expect(new ClientService(server.auth.context).update(res.body.client_id, { isFirstParty: true })).rejects.toThrow(/third-party/);
});

test('the server chooses the client_id, and a public client gets no secret', async () => {
  const res = await register({ client_name: 'Public', client_id: 'i-choose', redirect_uris: ['http://127.0.0.1:7000/cb'], token_endpoint_auth_method: 'none' });
  expect(res.status).toBe(201);
  expect(res.body.client_id).not.toBe('i-choose');
  expect(res.body.client_secret).toBeUndefined();
  expect(res.body.token_endpoint_auth_method).toBe('none');
});

test.each([
  [{ client_name: 'x', redirect_uris: ['http://app.example.com/cb'] }, 'invalid_redirect_uri', /not loopback/],
  [{ client_name: 'x', redirect_uris: ['https://app.example.com/cb#frag'] }, 'invalid_redirect_uri', /fragment/],
  [{ client_name: 'x', redirect_uris: ['javascript:alert(1)'] }, 'invalid_redirect_uri', /forbidden scheme/],
  [{ client_name: 'x', redirect_uris: ['data:text/html,hi'] }, 'invalid_redirect_uri', /forbidden scheme/],
  [{ client_name: 'x', redirect_uris: ['myapp:/cb'] }, 'invalid_redirect_uri', /reverse-domain/],
  [{ client_name: 'x', redirect_uris: ['/relative'] }, 'invalid_redirect_uri', /absolute/],
  [{ client_name: 'x' }, 'invalid_redirect_uri', /at least one/],
  [{ client_name: 'x', redirect_uris: 'https://a.example/cb' }, 'invalid_client_metadata', /array/],
  [{ client_name: '<img src=x onerror=alert(1)>', redirect_uris: ['https://a.example/cb'] }, 'invalid_client_metadata', /"<"/],
  [{ client_name: 'x', redirect_uris: ['https://a.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata', /token_endpoint_auth_method/],
  [{ client_name: 'x', redirect_uris: ['https://a.example/cb'], grant_types: ['client_credentials'] }, 'invalid_client_metadata', /client_credentials/],
  [{ client_name: 'x', redirect_uris: ['https://a.example/cb'], grant_types: ['refresh_token'] }, 'invalid_client_metadata', /authorization_code/],
  [{ client_name: 'x', redirect_uris: ['https://a.example/cb'], response_types: ['token'] }, 'invalid_client_metadata', /response_types/],
  [{ client_name: 'x', redirect_uris: ['https://a.example/cb'], logo_uri: 'http://a.example/logo.png' }, 'invalid_client_metadata', /logo_uri/],
])('S23: %j → 400 %s', async (body, error, description) => {
  const res = await register(body);
  expect(res.status).toBe(400);
  expect(res.body.error).toBe(error);
  expect(res.body.error_description).toMatch(description);
});

test('a malformed body is invalid_client_metadata, not a 500', async () => {
  const res = await request(server.issuer).post('oidc/register').set('Content-Type', 'application/json').send('{"client_name":');
  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_client_metadata');
});

test('RFC 7592: read, update and delete with the registration access token only', async () => {
  const created = await register({ client_name: 'Managed', redirect_uris: ['https://managed.example/cb'] });
  const { client_id: id, registration_access_token: token, client_secret: secret } = created.body;
  const uri = `oidc/register/${id}`;
  expect((await request(server.issuer).get(uri)).status).toBe(401);
  expect((await request(server.issuer).get(uri).set('Authorization', 'Bearer wrong')).status).toBe(401);
  const other = await register({ client_name: 'Other', redirect_uris: ['https://other.example/cb'] });
  expect((await request(server.issuer).get(uri).set('Authorization', `Bearer ${other.body.registration_access_token}`)).status).toBe(401);

  const read = await request(server.issuer).get(uri).set('Authorization', `Bearer ${token}`);
  expect(read.status).toBe(200);
  expect(read.body).toMatchObject({ client_id: id, client_name: 'Managed', redirect_uris: ['https://managed.example/cb'] });

  const updated = await request(server.issuer)
    .put(uri)
    .set('Authorization', `Bearer ${token}`)
    .send({ client_id: id, client_secret: secret, client_name: 'Managed 2', redirect_uris: ['https://managed.example/cb2'] });
  expect(updated.status).toBe(200);
  expect(updated.body).toMatchObject({ client_name: 'Managed 2', redirect_uris: ['https://managed.example/cb2'] });
  expect((await server.auth.context.repos.clients.findById(id))?.isFirstParty).toBe(false);

  expect((await request(server.issuer).delete(uri).set('Authorization', `Bearer ${token}`)).status).toBe(204);
  expect(await server.auth.context.repos.clients.findById(id)).toBeNull();
  expect((await request(server.issuer).get(uri).set('Authorization', `Bearer ${token}`)).status).toBe(401);
});

test('discovery lists the registration endpoint', async () => {
  const res = await request(server.issuer).get('.well-known/openid-configuration');
  expect(res.body.registration_endpoint).toBe(`${server.issuer}oidc/register`);
});

describe('switches', () => {
  test('registration is off by default', async () => {
    const off = await startTestServer();
    try {
      const res = await request(off.issuer).post('oidc/register').send({ client_name: 'x', redirect_uris: ['https://a.example/cb'] });
      expect(res.status).toBe(403);
      expect((await request(off.issuer).get('.well-known/openid-configuration')).body.registration_endpoint).toBeUndefined();
    } finally {
      await off.close();
    }
  });

  test('registration is rate-limited per IP', async () => {
    const limited = await startTestServer({ dynamicClientRegistration: { requestsPerMinutePerIp: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await request(limited.issuer).post('oidc/register').send({ client_name: `r${i}`, redirect_uris: ['https://a.example/cb'] })).status);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
    } finally {
      await limited.close();
    }
  });
});
