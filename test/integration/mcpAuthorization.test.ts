/**
 * What MCP asks of an authorization server (issue 14): RFC 8707 resource indicators, and Client ID
 * Metadata Documents with their SSRF rules. The MCP SDK itself is driven in test/interop/mcp.interop.test.ts.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { API, USER, expectPage, expectRedirect, finishFlow, grantThirdPartyDefaults, makeClient, managementFor, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { isClientIdUrl } from '../../src/domain/clientIdMetadata.js';
import { isInternalAddress } from '../../src/services/clientMetadataFetcher.js';

let server: TestServer;
let docs: Server;
let docsOrigin: string;
const documents = new Map<string, { status?: number; body: string; headers?: Record<string, string> }>();
const fetched: string[] = [];

beforeAll(async () => {
  const app = express();
  app.get('/*path', (req, res) => {
    fetched.push(req.path);
    const doc = documents.get(req.path);
    if (!doc) return void res.status(404).end();
    res.status(doc.status ?? 200).set({ 'content-type': 'application/json', ...doc.headers }).send(doc.body);
  });
  docs = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => docs.once('listening', () => resolve()));
  const { port } = docs.address() as AddressInfo;
  docsOrigin = `http://127.0.0.1:${port}`;
  server = await startTestServer({ clientIdMetadataDocuments: { trustedHosts: [`127.0.0.1:${port}`], maxBytes: 4096 } });
  await seedWorld(server);
  const api = await managementFor(server);
  const rs = (await api.get('resource-servers')).body as { id: string; identifier: string }[];
  await api.patch(`resource-servers/${rs.find((r) => r.identifier === API)?.id}`, { allow_offline_access: true });
  await grantThirdPartyDefaults(server, API, ['read:posts']);
});
afterAll(async () => {
  docs?.closeAllConnections();
  await new Promise<void>((resolve) => (docs ? docs.close(() => resolve()) : resolve()));
  await server?.close();
});

function serveDocument(path: string, fields: Record<string, unknown> = {}, options: { status?: number; headers?: Record<string, string> } = {}): string {
  const url = `${docsOrigin}${path}`;
  documents.set(path, { body: JSON.stringify({ client_id: url, client_name: 'Agent Smith', redirect_uris: ['http://127.0.0.1:7777/callback'], grant_types: ['authorization_code', 'refresh_token'], token_endpoint_auth_method: 'none', ...fields }), ...options });
  return url;
}

async function authorizeUrl(clientId: string, extra: Record<string, string> = {}): Promise<{ url: string; verifier: string; state: string }> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const params = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: 'http://127.0.0.1:7777/callback', scope: 'openid read:posts offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state, ...extra });
  return { url: `${server.issuer}authorize?${params.toString()}`, verifier, state };
}

describe('RFC 8707 resource indicators', () => {
  test('resource names the API at /authorize and /oauth/token; the token is for it; a refresh may name it again, not another', async () => {
    const client = await makeClient(server, { name: 'Resourceful', isFirstParty: false, callbacks: ['https://resourceful.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client, { audience: null, scope: 'openid read:posts offline_access', extra: { resource: API } });
    const consent = expectPage(await signIn(browser, flow.url));
    const callback = new URL(expectRedirect(await browser.submit(consent, { action: 'accept' })));
    const token = () => request(server.issuer).post('oauth/token').type('form');
    const base = { client_id: client.clientId, client_secret: client.clientSecret };
    const wrong = await token().send({ ...base, grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: flow.redirectUri, code_verifier: flow.verifier, resource: 'https://other.example/' });
    expect(wrong.body.error).toBe('invalid_target');
    // A failed exchange used the code up: authorize again.
    const again = await startFlow(server, client, { audience: null, scope: 'openid read:posts offline_access', extra: { resource: API } });
    const code = new URL(expectRedirect(await browser.request(again.url.toString()))).searchParams.get('code');
    const tokens = await token().send({ ...base, grant_type: 'authorization_code', code, redirect_uri: again.redirectUri, code_verifier: again.verifier, resource: API });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.access_token as string).aud).toEqual([API, `${server.issuer}userinfo`]);
    expect((await token().send({ ...base, grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, resource: 'https://other.example/' })).body.error).toBe('invalid_target');
    const refreshed = await token().send({ ...base, grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, resource: API });
    expect(refreshed.status).toBe(200);
  });

  test.each([
    ['an unknown resource', { resource: 'https://unknown.example/' }],
    ['a resource with a fragment', { resource: `${API}#x` }],
    ['a relative resource', { resource: '/relative' }],
    ['a resource contradicting audience', { resource: API, audience: 'https://other.example/' }],
  ])('%s at /authorize is invalid_target at the redirect URI', async (_name, extra) => {
    const client = await makeClient(server, { name: 'Targeted', callbacks: ['https://targeted.example/cb'] });
    const flow = await startFlow(server, client, { audience: null, extra });
    const res = await request(server.issuer).get(flow.url.toString().slice(server.issuer.length));
    expect(new URL(res.headers.location as string).searchParams.get('error')).toBe('invalid_target');
  });

  test('several resources at once are invalid_target (one API per token), at /authorize and /oauth/token', async () => {
    const client = await makeClient(server, { name: 'Greedy', callbacks: ['https://greedy.example/cb'] });
    const flow = await startFlow(server, client, { audience: null });
    const url = `${flow.url.toString()}&resource=${encodeURIComponent(API)}&resource=${encodeURIComponent('https://b.example/')}`;
    const res = await request(server.issuer).get(url.slice(server.issuer.length));
    expect(new URL(res.headers.location as string).searchParams.get('error')).toBe('invalid_target');
    const m2m = await request(server.issuer).post('oauth/token').type('form').send(`grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}&resource=${encodeURIComponent(API)}&resource=x`);
    expect(m2m.body.error).toBe('invalid_target');
    const unknown = await request(server.issuer).post('oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, resource: 'https://unknown.example/' });
    expect(unknown.body.error).toBe('invalid_target');
  });
});

describe('Client ID Metadata Documents', () => {
  test('discovery says so', async () => {
    expect((await request(server.issuer).get('.well-known/openid-configuration')).body.client_id_metadata_document_supported).toBe(true);
    const plain = await startTestServer();
    try {
      expect((await request(plain.issuer).get('.well-known/openid-configuration')).body.client_id_metadata_document_supported).toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  test('a URL client_id is fetched once, shown by its host with a local-redirect warning, and gets tokens as a public PKCE client', async () => {
    const clientId = serveDocument('/agents/smith.json', { logo_uri: 'https://agent.example/logo.png' }, { headers: { 'cache-control': 'max-age=600' } });
    const before = fetched.length;
    const { url, verifier } = await authorizeUrl(clientId, { resource: API });
    const browser = new TestBrowser(server.origin);
    const consent = expectPage(await signIn(browser, url));
    const text = textOf(consent.html);
    expect(text).toContain('Agent Smith is requesting access to your account');
    expect(text).toContain(`This application is identified by ${new URL(docsOrigin).host}`);
    expect(text).toMatch(/sent to 127\.0\.0\.1:7777, a program on this device/);
    expect(text).toMatch(/Third-party application/);
    const callback = new URL(expectRedirect(await browser.submit(consent, { action: 'accept' })));
    const tokens = await request(server.issuer).post('oauth/token').type('form').send({ grant_type: 'authorization_code', client_id: clientId, code: callback.searchParams.get('code'), redirect_uri: 'http://127.0.0.1:7777/callback', code_verifier: verifier });
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.body.id_token as string).aud).toBe(clientId);
    expect(decodeJwt(tokens.body.access_token as string).client_id).toBe(clientId);
    expect(tokens.body.refresh_token).toEqual(expect.any(String));
    // Within its cache lifetime the document is not fetched again.
    const second = await authorizeUrl(clientId, { resource: API });
    expectRedirect(await browser.request(second.url));
    expect(fetched.length - before).toBe(1);
    const stored = await server.auth.context.repos.clients.findById(clientId);
    expect(stored).toMatchObject({ isFirstParty: false, tokenEndpointAuthMethod: 'none', clientSecret: null });
  });

  test('PKCE is required, and a secret is refused', async () => {
    const clientId = serveDocument('/agents/pkce.json');
    const params = new URLSearchParams({ client_id: clientId, response_type: 'code', redirect_uri: 'http://127.0.0.1:7777/callback', scope: 'openid', state: 's' });
    const res = await request(server.issuer).get(`authorize?${params.toString()}`);
    expect(new URL(res.headers.location as string).searchParams.get('error_description')).toMatch(/PKCE/);
    const withSecret = serveDocument('/agents/secret.json', { token_endpoint_auth_method: 'client_secret_basic' });
    const page = await request(server.issuer).get(`authorize?${new URLSearchParams({ ...Object.fromEntries(params), client_id: withSecret }).toString()}`);
    expect(page.status).toBe(400);
    expect(textOf(page.text)).toContain('cannot carry a secret');
  });

  test.each([
    ['a document whose client_id is not its URL', () => serveDocument('/bad/other-id.json', { client_id: 'https://elsewhere.example/client.json' }), /not the URL it was fetched from/],
    ['a redirect_uri the document does not list', () => serveDocument('/bad/redirect.json', { redirect_uris: ['http://127.0.0.1:7777/other'] }), /Callback URL mismatch|not in the list/],
    ['a document over the size limit', () => serveDocument('/bad/huge.json', { padding: 'x'.repeat(10_000) }), /larger than 4096 bytes/],
    ['a document that is not JSON', () => { documents.set('/bad/html.json', { body: '<html></html>' }); return `${docsOrigin}/bad/html.json`; }, /not JSON/],
    ['a redirect instead of the document', () => { documents.set('/bad/moved.json', { status: 302, body: '{}', headers: { location: '/agents/smith.json' } }); return `${docsOrigin}/bad/moved.json`; }, /HTTP 302/],
    ['a host that is not trusted and is loopback', () => `${docsOrigin.replace('127.0.0.1', 'localhost')}/agents/smith.json`, /https|internal/],
    ['a private address over https', () => 'https://10.1.2.3/client.json', /internal address/],
  ])('refused, on an error page: %s', async (_name, makeUrl, message) => {
    const { url } = await authorizeUrl(makeUrl());
    const res = await request(server.issuer).get(url.slice(server.issuer.length));
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(textOf(res.text)).toMatch(message);
  });

  test('when the option is off, a URL client_id is just an unknown client', async () => {
    const plain = await startTestServer();
    try {
      const res = await request(plain.issuer).get(`authorize?client_id=${encodeURIComponent(serveDocument('/agents/off.json'))}&response_type=code&redirect_uri=x`);
      expect(res.status).toBe(400);
      expect(textOf(res.text)).toContain('No application is registered with this client_id');
    } finally {
      await plain.close();
    }
  });

  test('which client ids are URLs, and which addresses are internal', () => {
    expect(isClientIdUrl('https://app.example/client.json')).toBe(true);
    for (const id of ['https://app.example', 'https://app.example/', 'https://u:p@app.example/c', 'https://app.example/a/../c', 'https://app.example/c#f', 'abc', `https://a.example/${'x'.repeat(300)}`]) {
      expect([id, isClientIdUrl(id)]).toEqual([id, false]);
    }
    for (const address of ['127.0.0.1', '10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1']) {
      expect([address, isInternalAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '8.8.8.8']) {
      expect([address, isInternalAddress(address)]).toEqual([address, false]);
    }
  });
});

test('USER exists for the flows above', () => expect(USER.email).toContain('@'));

describe('dynamic registration for AI clients', () => {
  test('browser-based clients may register from any origin (CORS, no credentials); an initial access token can gate it', async () => {
    const gated = await startTestServer({ dynamicClientRegistration: { initialAccessToken: 'an-initial-access-token-for-tests' } });
    try {
      const preflight = await request(gated.issuer).options('oidc/register').set('Origin', 'https://inspector.example').set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'content-type');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('*');
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      const body = { client_name: 'Inspector', redirect_uris: ['http://127.0.0.1:6274/oauth/callback'], token_endpoint_auth_method: 'none' };
      const anonymous = await request(gated.issuer).post('oidc/register').set('Origin', 'https://inspector.example').send(body);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['access-control-allow-origin']).toBe('*');
      expect((await request(gated.issuer).post('oidc/register').set('Authorization', 'Bearer wrong-token-of-some-length').send(body)).status).toBe(401);
      const allowed = await request(gated.issuer).post('oidc/register').set('Authorization', 'Bearer an-initial-access-token-for-tests').send(body);
      expect(allowed.status).toBe(201);
    } finally {
      await gated.close();
    }
  });
});

test('registered clients nobody granted anything are swept after unusedClientSeconds; used ones stay', async () => {
  const tidy = await startTestServer({ dynamicClientRegistration: { unusedClientSeconds: 3600 } });
  try {
    await seedWorld(tidy);
    const register = async (name: string) =>
      (await request(tidy.issuer).post('oidc/register').send({ client_name: name, redirect_uris: [`https://${name}.example/cb`] })).body as { client_id: string; client_secret: string };
    const unused = await register('unused');
    const used = await register('used');
    const browser = new TestBrowser(tidy.origin);
    const client = await tidy.auth.context.repos.clients.findById(used.client_id);
    if (!client) throw new Error('registered client not stored');
    const flow = await startFlow(tidy, client, { scope: 'openid', audience: null });
    expectRedirect(await browser.submit(expectPage(await signIn(browser, flow.url)), { action: 'accept' }));
    const made = await tidy.auth.admin.createClient({ name: 'Made by hand', appType: 'regular_web', callbacks: ['https://hand.example/cb'] });

    expect((await tidy.auth.sweep()).deleted.clients).toBe(0);
    const report = await tidy.auth.sweep(Date.now() + 3601 * 1000);
    expect(report.deleted.clients).toBe(1);
    const { repos } = tidy.auth.context;
    expect(await tidy.auth.context.db('clients').where({ client_id: unused.client_id })).toHaveLength(0);
    expect(await repos.clients.findById(used.client_id)).not.toBeNull();
    expect(await repos.clients.findById(made.clientId)).not.toBeNull();
  } finally {
    await tidy.close();
  }
});

test('allowDomains and denyDomains decide which hosts may identify clients, before anything is fetched', async () => {
  const listed = await startTestServer({ clientIdMetadataDocuments: { allowDomains: ['agents.example'], denyDomains: ['bad.agents.example'] } });
  try {
    const page = async (clientId: string) => {
      const res = await request(listed.issuer).get(`authorize?client_id=${encodeURIComponent(clientId)}&response_type=code&redirect_uri=x`);
      return { status: res.status, text: textOf(res.text) };
    };
    expect(await page('https://elsewhere.example/client.json')).toMatchObject({ status: 400, text: expect.stringMatching(/not among the allowed client domains/) });
    expect(await page('https://bad.agents.example/client.json')).toMatchObject({ status: 400, text: expect.stringMatching(/not allowed to identify clients/) });
  } finally {
    await listed.close();
  }
});
