/**
 * Auth0's 2026 model for third-party applications: strict and permissive security modes, API access
 * policies with client grants for user flows, default permissions for third-party clients, and the
 * redirection policy.
 */
import request from 'supertest';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { USER, expectPage, expectRedirect, finishFlow, isConsentPage, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';
import { newId } from '../../src/services/ids.js';

let server: TestServer;
const OPEN_API = 'https://open.tpm.test/';
const GATED_API = 'https://gated.tpm.test/';
const CLOSED_API = 'https://closed.tpm.test/';
const scopes = [
  { value: 'read', description: 'Read your things' },
  { value: 'write', description: 'Change your things' },
];

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  const { admin } = server.auth;
  await admin.createResourceServer({ identifier: OPEN_API, name: 'Open API', scopes });
  await admin.createResourceServer({ identifier: GATED_API, name: 'Gated API', scopes, accessPolicy: { user: 'require_client_grant', client: 'require_client_grant' } });
  await admin.createResourceServer({ identifier: CLOSED_API, name: 'Closed API', scopes, accessPolicy: { user: 'deny_all', client: 'deny_all' } });
});
afterAll(async () => server?.close());

let counter = 0;
async function thirdParty(mode: 'strict' | 'permissive', extra: Partial<Parameters<TestServer['auth']['admin']['createClient']>[0]> = {}): Promise<Client> {
  counter += 1;
  return server.auth.admin.createClient({ name: `TP ${mode} ${counter}`, appType: 'regular_web', isFirstParty: false, thirdPartySecurityMode: mode, callbacks: [`https://tp${counter}.example/cb`], ...extra });
}

async function userGrant(client: Client, audience: string, grantScopes: string[]): Promise<void> {
  const now = Date.now();
  await server.auth.context.repos.clientGrants.insert({ id: newId('cgr'), clientId: client.clientId, audience, scopes: grantScopes, subjectType: 'user', createdAt: now, updatedAt: now });
}

async function authorizeError(client: Client, audience: string, extra: Record<string, string> = {}): Promise<string | null> {
  const flow = await startFlow(server, client, { audience, scope: 'openid read write', extra });
  const res = await request(server.issuer).get(flow.url.toString().slice(server.issuer.length));
  const location = res.headers.location as string | undefined;
  return location && !location.includes('/u/login') ? new URL(location).searchParams.get('error') : null;
}

describe('strict third-party clients', () => {
  test('start with the code flow and refresh tokens, and can never hold implicit or password grants', async () => {
    const strict = await thirdParty('strict');
    expect(strict.grantTypes).toEqual(['authorization_code', 'refresh_token']);
    await expect(thirdParty('strict', { grantTypes: ['authorization_code', 'implicit'] })).rejects.toThrow(/cannot use implicit/);
    await expect(thirdParty('strict', { grantTypes: ['password'] })).rejects.toThrow(/cannot use password/);
    const permissive = await thirdParty('permissive', { grantTypes: ['authorization_code', 'implicit', 'password'] });
    expect(permissive.grantTypes).toContain('implicit');
  });

  test('the mode is fixed at creation', async () => {
    const strict = await thirdParty('strict');
    const { ClientService } = await import('../../src/services/clientService.js');
    await expect(new ClientService(server.auth.context).update(strict.clientId, { thirdPartySecurityMode: 'permissive' })).rejects.toThrow(/cannot be changed/);
  });

  test('PKCE is required even of a confidential strict client', async () => {
    const strict = await thirdParty('strict');
    await userGrant(strict, OPEN_API, ['read']);
    const params = new URLSearchParams({ client_id: strict.clientId, redirect_uri: strict.callbacks[0] ?? '', response_type: 'code', scope: 'openid', audience: OPEN_API, state: 's' });
    const res = await request(server.issuer).get(`authorize?${params.toString()}`);
    expect(new URL(res.headers.location as string).searchParams.get('error_description')).toMatch(/PKCE/);
  });

  test('needs a client grant even for an API that allows all; the dialog offers nothing beyond it', async () => {
    const strict = await thirdParty('strict');
    expect(await authorizeError(strict, OPEN_API)).toBe('unauthorized_client');
    await userGrant(strict, OPEN_API, ['read']);
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, strict, { audience: OPEN_API, scope: 'openid read write' });
    const consent = await signIn(browser, flow.url);
    expect(isConsentPage(consent)).toBe(true);
    const text = textOf(expectPage(consent).html);
    expect(text).toContain('Read your things');
    expect(text).not.toContain('Change your things');
    const tokens = await finishFlow(flow, expectRedirect(await browser.submit(expectPage(consent), { action: 'accept' })));
    expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'read']);
  });

  test('the default permissions for third-party clients apply when a client has no grant of its own', async () => {
    const now = Date.now();
    await server.auth.context.repos.clientGrants.insertDefault({ id: newId('cgr'), defaultFor: 'third_party_clients', audience: GATED_API, scopes: ['read'], subjectType: 'user', createdAt: now, updatedAt: now });
    const strict = await thirdParty('strict');
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, strict, { audience: GATED_API, scope: 'openid read write' });
    const consent = expectPage(await signIn(browser, flow.url));
    expect(textOf(consent.html)).not.toContain('Change your things');
    const tokens = await finishFlow(flow, expectRedirect(await browser.submit(consent, { action: 'accept' })));
    expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'read']);
  });
});

describe('API access policies', () => {
  test('require_client_grant: any client needs a grant for user flows; first-party ones too', async () => {
    const firstParty = await server.auth.admin.createClient({ name: 'FP gated', appType: 'regular_web', callbacks: ['https://fp-gated.example/cb'] });
    expect(await authorizeError(firstParty, GATED_API)).toBe('unauthorized_client');
    await userGrant(firstParty, GATED_API, ['read', 'write']);
    expect(await authorizeError(firstParty, GATED_API)).toBeNull();
    const permissive = await thirdParty('permissive');
    expect(await authorizeError(permissive, OPEN_API)).toBeNull();
  });

  test('deny_all refuses user flows, the password grant and client_credentials alike', async () => {
    const client = await server.auth.admin.createClient({ name: 'Closed out', appType: 'regular_web', callbacks: ['https://closed-out.example/cb'], grantTypes: ['authorization_code', 'password', 'client_credentials'] });
    const now = Date.now();
    await server.auth.context.repos.clientGrants.insert({ id: newId('cgr'), clientId: client.clientId, audience: CLOSED_API, scopes: ['read'], createdAt: now, updatedAt: now });
    await userGrant(client, CLOSED_API, ['read']);
    expect(await authorizeError(client, CLOSED_API)).toBe('unauthorized_client');
    const token = (body: Record<string, string>) => request(server.issuer).post('oauth/token').type('form').send({ client_id: client.clientId, client_secret: client.clientSecret ?? '', audience: CLOSED_API, ...body });
    expect((await token({ grant_type: 'password', username: USER.email, password: USER.password })).body.error).toBe('unauthorized_client');
    const m2m = await token({ grant_type: 'client_credentials' });
    expect(m2m.status).toBe(403);
    expect(m2m.body.error_description).toMatch(/machine-to-machine/);
  });

  test('a client grant for client_credentials is not one for user flows, and the other way round', async () => {
    const client = await server.auth.admin.createClient({ name: 'Two grants', appType: 'regular_web', callbacks: ['https://two-grants.example/cb'] });
    await userGrant(client, GATED_API, ['read']);
    const m2m = await request(server.issuer).post('oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret ?? '', audience: GATED_API });
    expect(m2m.status).toBe(403);
  });
});

describe('redirection policy', () => {
  test('open_redirect_protection: errors and Decline end on our page, not at the client', async () => {
    const protectedClient = await thirdParty('permissive', { redirectionPolicy: 'open_redirect_protection' });
    const flow = await startFlow(server, protectedClient, { audience: OPEN_API, scope: 'openid read', extra: { prompt: 'none' } });
    const res = await request(server.issuer).get(flow.url.toString().slice(server.issuer.length));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    const browser = new TestBrowser(server.origin);
    const again = await startFlow(server, protectedClient, { audience: OPEN_API, scope: 'openid read' });
    const consent = expectPage(await signIn(browser, again.url));
    const declined = expectPage(await browser.submit(consent, { action: 'decline' }));
    expect(textOf(declined.html)).toContain('Access declined');
    expect(await server.auth.context.db('user_grants').where({ client_id: protectedClient.clientId })).toHaveLength(0);
  });
});

test('the server-wide default mode applies to new third-party clients and to dynamically registered ones', async () => {
  const strictServer = await startTestServer({ thirdPartySecurityMode: 'strict', dynamicClientRegistration: true });
  try {
    const made = await strictServer.auth.admin.createClient({ name: 'Defaulted', appType: 'spa', isFirstParty: false, callbacks: ['https://defaulted.example/cb'] });
    expect(made.thirdPartySecurityMode).toBe('strict');
    const firstParty = await strictServer.auth.admin.createClient({ name: 'Ours', appType: 'spa', callbacks: ['https://ours.example/cb'] });
    expect(firstParty.thirdPartySecurityMode).toBeNull();
    const registered = await request(strictServer.issuer).post('oidc/register').send({ client_name: 'DCR', redirect_uris: ['https://dcr.example/cb'], token_endpoint_auth_method: 'none' });
    expect((await strictServer.auth.context.repos.clients.findById(registered.body.client_id as string))?.thirdPartySecurityMode).toBe('strict');
  } finally {
    await strictServer.close();
  }
});
