/**
 * Auth0's 2026 model for third-party applications: strict and permissive security modes, API access
 * policies with client grants for user flows, default permissions for third-party clients, and the
 * redirection policy.
 */
import request from 'supertest';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { USER, expectPage, expectRedirect, finishFlow, isConsentPage, managementFor, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
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

/**
 * The same model as an operator drives it, over HTTP: the Management API's fields in Auth0's shapes
 * (third_party_security_mode, redirection_policy, subject_type_authorization, client grants with
 * subject_type and default_for), each rule then checked at /authorize and /oauth/token.
 */
describe('through the Management API', () => {
  let api: Awaited<ReturnType<typeof managementFor>>;
  const HTTP_OPEN = 'https://http-open.tpm.test/';
  beforeAll(async () => {
    api = await managementFor(server);
    const open = await api.post('resource-servers', { identifier: HTTP_OPEN, name: 'HTTP open API', scopes });
    expect(open.status).toBe(201);
  });

  const stored = async (clientId: string): Promise<Client> => {
    const client = await server.auth.context.repos.clients.findById(clientId);
    if (!client) throw new Error(`no client ${clientId}`);
    return client;
  };
  const auth0Error = (status: number, message: RegExp) => ({ statusCode: status, error: 'Bad Request', errorCode: 'invalid_body', message: expect.stringMatching(message) });
  let made = 0;
  async function createStrict(extra: object = {}): Promise<Record<string, unknown>> {
    made += 1;
    const res = await api.post('clients', { name: `HTTP strict ${made}`, app_type: 'regular_web', is_first_party: false, third_party_security_mode: 'strict', callbacks: [`https://http-strict${made}.example/cb`], ...extra });
    expect(res.status).toBe(201);
    return res.body as Record<string, unknown>;
  }

  test('a client: the mode and policy are returned, the mode is fixed, and unknown values are 400s in Auth0\'s shape', async () => {
    const strict = await createStrict({ redirection_policy: 'open_redirect_protection' });
    expect(strict).toMatchObject({ is_first_party: false, third_party_security_mode: 'strict', redirection_policy: 'open_redirect_protection', grant_types: ['authorization_code', 'refresh_token'] });
    const got = (await api.get(`clients/${strict.client_id}`)).body as Record<string, unknown>;
    expect(got).toMatchObject({ third_party_security_mode: 'strict', redirection_policy: 'open_redirect_protection' });
    // What GET returns goes back unchanged, the mode included; another mode is refused.
    expect((await api.patch(`clients/${strict.client_id}`, { ...got, redirection_policy: 'allow_always' })).body.redirection_policy).toBe('allow_always');
    const changed = await api.patch(`clients/${strict.client_id}`, { third_party_security_mode: 'permissive' });
    expect(changed.status).toBe(400);
    expect(changed.body).toEqual(auth0Error(400, /third_party_security_mode .*cannot be changed/));

    expect((await api.post('clients', { name: 'Lax', is_first_party: false, third_party_security_mode: 'lax' })).body).toEqual(auth0Error(400, /third_party_security_mode/));
    expect((await api.patch(`clients/${strict.client_id}`, { redirection_policy: 'never' })).body).toEqual(auth0Error(400, /redirection_policy/));
    expect((await api.post('clients', { name: 'Ours, strict?', third_party_security_mode: 'strict' })).body).toEqual(auth0Error(400, /third-party applications only/));

    const firstParty = (await api.post('clients', { name: 'HTTP first party', app_type: 'regular_web' })).body as Record<string, unknown>;
    expect(firstParty).not.toHaveProperty('third_party_security_mode');
    expect(firstParty.redirection_policy).toBe('allow_always');
    const permissive = (await api.post('clients', { name: 'HTTP permissive', is_first_party: false })).body as Record<string, unknown>;
    expect(permissive.third_party_security_mode).toBe('permissive');
  });

  test('strict: no implicit or password grant, at creation, by PATCH, or at the endpoints', async () => {
    expect((await api.post('clients', { name: 'Strict implicit', is_first_party: false, third_party_security_mode: 'strict', grant_types: ['implicit'] })).body).toEqual(auth0Error(400, /cannot use implicit/));
    const strict = await createStrict();
    expect((await api.patch(`clients/${strict.client_id}`, { grant_types: ['authorization_code', 'password'] })).body).toEqual(auth0Error(400, /cannot use password/));
    const client = await stored(String(strict.client_id));
    const password = await request(server.issuer).post('oauth/token').type('form').send({ grant_type: 'password', client_id: client.clientId, client_secret: client.clientSecret ?? '', username: USER.email, password: USER.password, audience: HTTP_OPEN });
    expect(password.body.error).toBe('unauthorized_client');
    const implicit = new URLSearchParams({ client_id: client.clientId, redirect_uri: client.callbacks[0] ?? '', response_type: 'token', scope: 'openid', state: 's', nonce: 'n' });
    const refused = await request(server.issuer).get(`authorize?${implicit.toString()}`);
    expect(new URL(refused.headers.location as string).hash + new URL(refused.headers.location as string).search).toMatch(/unauthorized_client|unsupported_response_type/);
  });

  test('strict: client_credentials is allowed, and only through a client grant of subject type client', async () => {
    const strict = await createStrict({ grant_types: ['authorization_code', 'refresh_token', 'client_credentials'] });
    const client = await stored(String(strict.client_id));
    const token = () => request(server.issuer).post('oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret ?? '', audience: HTTP_OPEN });
    expect((await token()).status).toBe(403);
    const userGrantOnly = await api.post('client-grants', { client_id: client.clientId, audience: HTTP_OPEN, scope: ['read'], subject_type: 'user' });
    expect(userGrantOnly.body).toMatchObject({ client_id: client.clientId, subject_type: 'user', scope: ['read'] });
    expect((await token()).status).toBe(403);
    expect((await api.post('client-grants', { client_id: client.clientId, audience: HTTP_OPEN, scope: ['write'], subject_type: 'client' })).status).toBe(201);
    const granted = await token();
    expect(granted.status).toBe(200);
    expect(granted.body.scope).toBe('write');
  });

  test('strict: user flows need a client grant of subject type user, and the dialog offers nothing beyond it', async () => {
    const strict = await createStrict();
    const client = await stored(String(strict.client_id));
    expect(await authorizeError(client, HTTP_OPEN)).toBe('unauthorized_client');
    const grant = await api.post('client-grants', { client_id: client.clientId, audience: HTTP_OPEN, scope: ['write'], subject_type: 'user' });
    expect(grant.status).toBe(201);
    expect((await api.get(`client-grants/${grant.body.id}`)).body).toEqual({ id: grant.body.id, client_id: client.clientId, audience: HTTP_OPEN, scope: ['write'], subject_type: 'user' });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client, { audience: HTTP_OPEN, scope: 'openid read write' });
    const consent = expectPage(await signIn(browser, flow.url));
    expect(textOf(consent.html)).toContain('Change your things');
    expect(textOf(consent.html)).not.toContain('Read your things');
    const tokens = await finishFlow(flow, expectRedirect(await browser.submit(consent, { action: 'accept' })));
    expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'write']);
    // The subject type is part of what a grant is: it cannot be changed afterwards.
    expect((await api.patch(`client-grants/${grant.body.id}`, { subject_type: 'client' })).body).toEqual(auth0Error(400, /subject_type/));
    expect((await api.post('client-grants', { client_id: client.clientId, audience: HTTP_OPEN, scope: [], subject_type: 'anonymous_user' })).body).toEqual(auth0Error(400, /subject_type/));
  });

  test('a resource server: subject_type_authorization is returned, merged by PATCH, validated, and enforced', async () => {
    const created = await api.post('resource-servers', {
      identifier: 'https://http-policy.tpm.test/',
      name: 'HTTP policy API',
      scopes,
      subject_type_authorization: { user: { policy: 'require_client_grant' }, client: { policy: 'deny_all' }, anonymous_user: { policy: 'deny_all' } },
    });
    expect(created.status).toBe(201);
    expect(created.body.subject_type_authorization).toEqual({ user: { policy: 'require_client_grant' }, client: { policy: 'deny_all' } });
    const defaults = await api.post('resource-servers', { identifier: 'https://http-default-policy.tpm.test/', name: 'Default policy API' });
    expect(defaults.body.subject_type_authorization).toEqual({ user: { policy: 'allow_all' }, client: { policy: 'require_client_grant' } });

    const firstParty = await server.auth.admin.createClient({ name: 'HTTP FP', appType: 'regular_web', callbacks: ['https://http-fp.example/cb'] });
    const identifier = 'https://http-policy.tpm.test/';
    expect(await authorizeError(firstParty, identifier)).toBe('unauthorized_client');
    expect((await api.post('client-grants', { client_id: firstParty.clientId, audience: identifier, scope: ['read'], subject_type: 'user' })).status).toBe(201);
    expect(await authorizeError(firstParty, identifier)).toBeNull();
    // Under require_client_grant the grant caps a first-party client too: the dialog offers read only.
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, firstParty, { audience: identifier, scope: 'openid read write' });
    const consent = expectPage(await signIn(browser, flow.url));
    expect(textOf(consent.html)).toContain('Read your things');
    expect(textOf(consent.html)).not.toContain('Change your things');

    const patched = await api.patch(`resource-servers/${created.body.id}`, { subject_type_authorization: { user: { policy: 'deny_all' } } });
    expect(patched.body.subject_type_authorization).toEqual({ user: { policy: 'deny_all' }, client: { policy: 'deny_all' } });
    expect(await authorizeError(firstParty, identifier)).toBe('unauthorized_client');
    const roundTrip = await api.patch(`resource-servers/${created.body.id}`, (await api.get(`resource-servers/${created.body.id}`)).body as object);
    expect(roundTrip.status).toBe(200);

    for (const bad of [{ user: { policy: 'allow_some' } }, { client: { policy: 'allow_all' } }, { anonymous_user: { policy: 'require_client_grant' } }, { robots: { policy: 'deny_all' } }]) {
      const res = await api.patch(`resource-servers/${created.body.id}`, { subject_type_authorization: bad });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    }
  });

  test('default permissions for third-party clients: created, read, listed, changed and deleted as client grants with default_for', async () => {
    const identifier = 'https://http-defaults.tpm.test/';
    expect((await api.post('resource-servers', { identifier, name: 'HTTP defaults API', scopes, subject_type_authorization: { user: { policy: 'require_client_grant' } } })).status).toBe(201);
    const created = await api.post('client-grants', { default_for: 'third_party_clients', audience: identifier, scope: ['read'], subject_type: 'user' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.any(String), default_for: 'third_party_clients', audience: identifier, scope: ['read'], subject_type: 'user' });
    expect((await api.get(`client-grants/${created.body.id}`)).body).toEqual(created.body);
    const listed = (await api.get('client-grants').query({ default_for: 'third_party_clients', audience: identifier })).body as { id: string }[];
    expect(listed.map((g) => g.id)).toEqual([created.body.id]);

    const strict = await stored(String((await createStrict()).client_id));
    const permissive = await thirdParty('permissive');
    const firstParty = await server.auth.admin.createClient({ name: 'HTTP FP defaults', appType: 'regular_web', callbacks: ['https://http-fp-defaults.example/cb'] });
    expect(await authorizeError(strict, identifier)).toBeNull();
    expect(await authorizeError(permissive, identifier)).toBeNull();
    // Default permissions are for third-party clients only.
    expect(await authorizeError(firstParty, identifier)).toBe('unauthorized_client');

    expect((await api.patch(`client-grants/${created.body.id}`, { ...created.body, scope: ['read', 'write'] })).body.scope).toEqual(['read', 'write']);
    expect((await api.patch(`client-grants/${created.body.id}`, { default_for: 'everyone' })).status).toBe(400);
    expect((await api.post('client-grants', { default_for: 'third_party_clients', audience: identifier, scope: [] })).status).toBe(409);
    expect((await api.post('client-grants', { default_for: 'third_party_clients', client_id: strict.clientId, audience: identifier, scope: [] })).body).toEqual(auth0Error(400, /exactly one of client_id and default_for/));
    expect((await api.post('client-grants', { audience: identifier, scope: [] })).body).toEqual(auth0Error(400, /exactly one of client_id and default_for/));
    expect((await api.post('client-grants', { default_for: 'third_party_clients', audience: HTTP_OPEN, scope: [], subject_type: 'client' })).body).toEqual(auth0Error(400, /user flows only/));
    expect((await api.delete(`client-grants/${created.body.id}`)).status).toBe(204);
    expect((await api.get(`client-grants/${created.body.id}`)).status).toBe(404);
    expect(await authorizeError(strict, identifier)).toBe('unauthorized_client');
  });

  test('redirection_policy set by PATCH decides where a third-party client\'s errors end', async () => {
    const client = await thirdParty('permissive');
    const promptNone = async () => {
      const flow = await startFlow(server, client, { audience: OPEN_API, scope: 'openid read', extra: { prompt: 'none' } });
      return request(server.issuer).get(flow.url.toString().slice(server.issuer.length));
    };
    expect((await promptNone()).status).toBe(302);
    expect((await api.patch(`clients/${client.clientId}`, { redirection_policy: 'open_redirect_protection' })).status).toBe(200);
    server.auth.context.registryCache.invalidate();
    const kept = await promptNone();
    expect(kept.status).toBe(400);
    expect(kept.headers.location).toBeUndefined();
  });
});
