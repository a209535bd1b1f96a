/** Token endpoint errors (S20, S22), page protections (S8, S11, S12, S14) and discovery (S27). */
import request from 'supertest';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { USER, expectPage, expectRedirect, makeClient, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let web: Client;

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  web = await makeClient(server, { name: 'Token Web', callbacks: ['https://token-web.example/cb'] });
});
afterAll(async () => server?.close());

const token = () => request(server.issuer).post('oauth/token');
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

async function codeFor(client: Client): Promise<{ code: string; redirectUri: string; verifier: string }> {
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client);
  const callback = new URL(expectRedirect(await signIn(browser, flow.url)));
  return { code: callback.searchParams.get('code') ?? '', redirectUri: flow.redirectUri, verifier: flow.verifier };
}

describe('S20: client authentication', () => {
  test('a wrong secret is 401 invalid_client; with Basic, WWW-Authenticate too', async () => {
    const post = await token().type('form').send({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'x', client_id: web.clientId, client_secret: 'wrong' });
    expect(post.status).toBe(401);
    expect(post.body.error).toBe('invalid_client');
    expect(post.headers['www-authenticate']).toBeUndefined();
    const viaBasic = await token().set('Authorization', basic(web.clientId, 'wrong')).type('form').send({ grant_type: 'authorization_code', code: 'x' });
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.headers['www-authenticate']).toMatch(/^Basic/);
  });

  test('an unknown client, a confidential client without a secret, and a public client sending a secret are 401', async () => {
    expect((await token().type('form').send({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' })).status).toBe(401);
    expect((await token().type('form').send({ grant_type: 'client_credentials', client_id: web.clientId })).status).toBe(401);
    const spa = await makeClient(server, { name: 'Public', appType: 'spa', callbacks: ['https://public.example/cb'] });
    expect((await token().type('form').send({ grant_type: 'authorization_code', client_id: spa.clientId, client_secret: 'x' })).status).toBe(401);
    expect((await token().type('form').send({ grant_type: 'authorization_code', code: 'x' })).status).toBe(401);
  });

  test('a public client cannot use client_credentials', async () => {
    const spa = await makeClient(server, { name: 'Public CC', appType: 'spa', callbacks: ['https://public-cc.example/cb'] });
    const res = await token().type('form').send({ grant_type: 'client_credentials', client_id: spa.clientId, audience: 'https://api.contoso.test/' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('unauthorized_client');
  });
});

describe('S22: errors per RFC 6749 §5.2, never a 500', () => {
  const auth = () => ({ client_id: web.clientId, client_secret: web.clientSecret ?? '' });
  test.each([
    [{}, 400, 'invalid_request'],
    [{ grant_type: 'magic' }, 400, 'unsupported_grant_type'],
    [{ grant_type: 'authorization_code' }, 400, 'invalid_request'],
    [{ grant_type: 'authorization_code', code: 'unknown', redirect_uri: 'https://token-web.example/cb' }, 400, 'invalid_grant'],
    [{ grant_type: 'refresh_token', refresh_token: 'unknown' }, 400, 'invalid_grant'],
    [{ grant_type: 'client_credentials' }, 400, 'invalid_request'],
  ])('%j → %i %s', async (body, status, error) => {
    const res = await token().type('form').send({ ...auth(), ...body });
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  test('a repeated parameter, both Basic and client_secret, and a malformed JSON body are invalid_request', async () => {
    const repeated = await token().type('form').send(`grant_type=authorization_code&grant_type=client_credentials&client_id=${web.clientId}&client_secret=${web.clientSecret}`);
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');
    const both = await token().set('Authorization', basic(web.clientId, web.clientSecret ?? '')).type('form').send({ grant_type: 'client_credentials', client_secret: 'x' });
    expect(both.body.error).toBe('invalid_request');
    const json = await token().set('Content-Type', 'application/json').send('{"grant_type": ');
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid_request');
    expect(JSON.stringify(json.body)).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  test('a code is bound to its client and its redirect URI, and expires', async () => {
    const other = await makeClient(server, { name: 'Other', callbacks: ['https://other-token.example/cb'] });
    const stolen = await codeFor(web);
    const byOther = await token().type('form').send({ grant_type: 'authorization_code', code: stolen.code, redirect_uri: stolen.redirectUri, code_verifier: stolen.verifier, client_id: other.clientId, client_secret: other.clientSecret ?? '' });
    expect(byOther.body.error).toBe('invalid_grant');
    // Another client's attempt does not use the code up: its own client still exchanges it.
    const byOwner = await token().type('form').send({ ...auth(), grant_type: 'authorization_code', code: stolen.code, redirect_uri: stolen.redirectUri, code_verifier: stolen.verifier });
    expect(byOwner.status).toBe(200);
    const wrongRedirect = await codeFor(web);
    const res = await token().type('form').send({ ...auth(), grant_type: 'authorization_code', code: wrongRedirect.code, redirect_uri: 'https://token-web.example/other', code_verifier: wrongRedirect.verifier });
    expect(res.body.error).toBe('invalid_grant');
    // Its own client's failed attempt does: a code is good for one attempt.
    const retried = await token().type('form').send({ ...auth(), grant_type: 'authorization_code', code: wrongRedirect.code, redirect_uri: wrongRedirect.redirectUri, code_verifier: wrongRedirect.verifier });
    expect(retried.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/already been used/) });
    const late = await codeFor(web);
    await server.auth.context.db('authorization_codes').where({ client_id: web.clientId, consumed_at: null }).update({ expires_at: Date.now() - 1 });
    const expired = await token().type('form').send({ ...auth(), grant_type: 'authorization_code', code: late.code, redirect_uri: late.redirectUri, code_verifier: late.verifier });
    expect(expired.body).toMatchObject({ error: 'invalid_grant', error_description: expect.stringMatching(/expired/) });
  });
});

describe('pages', () => {
  async function pages() {
    const client = await makeClient(server, { name: 'Pages', isFirstParty: false, callbacks: ['https://pages.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const login = expectPage(await browser.request(flow.url.toString()));
    const consent = expectPage(await browser.submit(login, { email: USER.email, password: USER.password }));
    const error = expectPage(await browser.request(`${server.issuer}u/consent?tx=unknown`));
    return { login, consent, error, browser };
  }

  test('S8 and S11: no framing, no caching, no referrer, nothing from other origins', async () => {
    const { login, consent, error } = await pages();
    for (const page of [login, consent, error]) {
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.html).not.toMatch(/(src|href)="https?:\/\//);
    }
    expect(error.status).toBe(400);
  });

  test('S12: text from clients is escaped', async () => {
    const client = await makeClient(server, { name: 'Evil', isFirstParty: false, callbacks: ['https://evil-name.example/cb'] });
    await server.auth.context.db('clients').where({ client_id: client.clientId }).update({ name: '<img src=x onerror=alert(1)>' });
    // Written in SQL behind the server's back: forget the cached client rather than wait registryCacheMs.
    server.auth.context.registryCache.invalidate();
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const login = expectPage(await browser.request(flow.url.toString()));
    const consent = expectPage(await browser.submit(login, { email: USER.email, password: USER.password }));
    for (const page of [login, consent]) {
      expect(page.html).not.toContain('<img src=x');
      expect(page.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });

  test('S14: HttpOnly, SameSite=Lax, scoped to the mount path, and a new session id at login', async () => {
    const client = await makeClient(server, { name: 'Cookie', isFirstParty: false, callbacks: ['https://cookie.example/cb'] });
    const flow = await startFlow(server, client);
    const first = await fetch(flow.url, { redirect: 'manual' });
    const cookie = first.headers.getSetCookie().find((c) => c.startsWith('auth.sid='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toContain(`Path=${new URL(server.issuer).pathname}`);
    expect(cookie).not.toMatch(/Secure/);

    const browser = new TestBrowser(server.origin);
    const login = expectPage(await browser.request(flow.url.toString()));
    const before = browser.cookies.get('auth.sid');
    await browser.submit(login, { email: USER.email, password: USER.password });
    const after = browser.cookies.get('auth.sid');
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    // The old session id is dead: it grants nothing.
    const sid = decodeURIComponent(before ?? '').replace(/^s:/, '').split('.')[0];
    expect(await server.auth.context.db('sessions').where({ sid })).toHaveLength(0);
  });

  test('login errors are clear; a forged login POST is refused', async () => {
    const client = await makeClient(server, { name: 'Login errors', callbacks: ['https://login-errors.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const login = expectPage(await browser.request(flow.url.toString()));
    const empty = expectPage(await browser.submit(login, { email: '', password: '' }));
    expect(textOf(empty.html)).toContain('Enter your email and your password.');
    const forged = expectPage(await browser.submit(login, { email: USER.email, password: USER.password, csrf: 'forged' }));
    expect(forged.status).toBe(403);
    expect(browser.cookies.get('auth.sid')).toBeTruthy();
  });
});

test('S27: discovery names the issuer exactly, and every endpoint it lists answers', async () => {
  const metadata = (await request(server.issuer).get('.well-known/openid-configuration')).body as Record<string, unknown>;
  expect(metadata.issuer).toBe(server.issuer);
  for (const key of Object.keys(metadata).filter((k) => k.endsWith('_endpoint') || k === 'jwks_uri')) {
    const url = String(metadata[key]);
    expect(url.startsWith(server.issuer)).toBe(true);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).not.toBe(404);
    expect(res.status).toBeLessThan(500);
  }
  const jwks = (await request(server.issuer).get('.well-known/jwks.json')).body as { keys: Record<string, unknown>[] };
  expect(jwks.keys.length).toBeGreaterThan(0);
  for (const key of jwks.keys) {
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key[secret]).toBeUndefined();
  }
});
