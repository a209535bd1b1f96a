/**
 * What real clients broke on (issue: every real client works on every browser path), shown at the
 * HTTP level; the same paths are walked with the real libraries and Chromium in test/interop/.
 */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { API, USER, expectPage, expectRedirect, finishFlow, isConsentPage, makeClient, managementFor, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

const SPA_ORIGIN = 'https://spa.example';
let server: TestServer;
let spa: Client;
let web: Client;

beforeAll(async () => {
  server = await startTestServer({ dynamicClientRegistration: true });
  await seedWorld(server);
  spa = await makeClient(server, { name: 'Single Page', appType: 'spa', callbacks: [`${SPA_ORIGIN}/`], allowedOrigins: [SPA_ORIGIN], webOrigins: [SPA_ORIGIN] });
  web = await makeClient(server, { name: 'Web', callbacks: ['https://web.example/cb'] });
});
afterAll(async () => server?.close());

/** A signed-in browser whose grant covers `scope` for the client, so a silent request can succeed. */
async function signedInWithGrant(client: Client, scope = 'openid profile'): Promise<TestBrowser> {
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client, { scope, audience: null });
  const afterLogin = await signIn(browser, flow.url);
  if (isConsentPage(afterLogin)) expectRedirect(await browser.submit(afterLogin, { action: 'accept' }));
  else expectRedirect(afterLogin);
  return browser;
}

describe('the login page lets its form lead back to the application (CSP form-action)', () => {
  test("an https callback's origin is in form-action, since a returning user's sign-in ends there", async () => {
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, web);
    const login = expectPage(await browser.request(flow.url.toString()));
    const csp = login.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/form-action 'self' https:\/\/web\.example(;|$)/);
    expect(csp).toContain("frame-ancestors 'none'");
  });

  test("a native app's custom scheme is named as a scheme source", async () => {
    const native = await makeClient(server, { name: 'Native', appType: 'native', callbacks: ['com.example.app:/callback'] });
    const flow = await startFlow(server, native, { redirectUri: 'com.example.app:/callback' });
    const login = expectPage(await new TestBrowser(server.origin).request(flow.url.toString()));
    expect(login.headers.get('content-security-policy')).toMatch(/form-action 'self' com\.example\.app:(;|$)/);
  });
});

describe('CORS for single-page apps on /oauth/token, /oauth/revoke and /userinfo', () => {
  test.each(['oauth/token', 'oauth/revoke', 'userinfo'])('a preflight to %s from an allowed origin is answered; an unknown origin gets no CORS headers', async (path) => {
    const ok = await request(server.issuer).options(path).set('Origin', SPA_ORIGIN).set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', 'content-type, authorization, auth0-client, x-evil');
    expect(ok.status).toBe(204);
    expect(ok.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    expect(ok.headers['access-control-allow-methods']).toContain('POST');
    expect(ok.headers['access-control-allow-headers']).toBe('content-type, authorization, auth0-client');
    expect(ok.headers['access-control-allow-credentials']).toBeUndefined();
    expect(ok.headers.vary).toMatch(/Origin/);
    const unknown = await request(server.issuer).options(path).set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(unknown.headers['access-control-allow-origin']).toBeUndefined();
    expect(unknown.headers['access-control-allow-methods']).toBeUndefined();
  });

  test("the token endpoint allows exactly the requesting client's origins, on errors too", async () => {
    const send = (origin: string, clientId: string) =>
      request(server.issuer).post('oauth/token').set('Origin', origin).send({ grant_type: 'authorization_code', client_id: clientId, code: 'nope', redirect_uri: `${SPA_ORIGIN}/`, code_verifier: 'x'.repeat(43) });
    const allowed = await send(SPA_ORIGIN, spa.clientId);
    expect(allowed.status).toBe(400);
    expect(allowed.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    // The origin of another client is not this client's.
    expect((await send('https://evil.example', spa.clientId)).headers['access-control-allow-origin']).toBeUndefined();
    expect((await send(SPA_ORIGIN, web.clientId)).headers['access-control-allow-origin']).toBeUndefined();
  });

  test('a code exchanged from the browser, then /userinfo and /oauth/revoke, each readable by the origin', async () => {
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, spa, { scope: 'openid profile offline_access', audience: null });
    const consent = expectPage(await signIn(browser, flow.url));
    const callback = new URL(expectRedirect(await browser.submit(consent, { action: 'accept' })));
    const tokens = await request(server.issuer).post('oauth/token').set('Origin', SPA_ORIGIN).send({
      grant_type: 'authorization_code', client_id: spa.clientId, code: callback.searchParams.get('code'), redirect_uri: flow.redirectUri, code_verifier: flow.verifier,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const userinfo = await request(server.issuer).get('userinfo').set('Origin', SPA_ORIGIN).set('Authorization', `Bearer ${tokens.body.access_token}`);
    expect(userinfo.status).toBe(200);
    expect(userinfo.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
    const elsewhere = await request(server.issuer).get('userinfo').set('Origin', 'https://evil.example').set('Authorization', `Bearer ${tokens.body.access_token}`);
    expect(elsewhere.headers['access-control-allow-origin']).toBeUndefined();
    const revoked = await request(server.issuer).post('oauth/revoke').set('Origin', SPA_ORIGIN).type('form').send({ client_id: spa.clientId, token: tokens.body.refresh_token });
    expect(revoked.status).toBe(200);
    expect(revoked.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
  });
});

describe('response_mode=web_message (Auth0 silent authentication)', () => {
  const silent = async (browser: TestBrowser, client: Client, extra: Record<string, string> = {}) => {
    const flow = await startFlow(server, client, { scope: 'openid profile', audience: null, prompt: 'none', extra: { response_mode: 'web_message', ...extra } });
    return { flow, page: expectPage(await browser.request(flow.url.toString())) };
  };

  test('with a session and a grant: a page framable only by the web origin posts the code to it', async () => {
    const browser = await signedInWithGrant(spa);
    const { flow, page } = await silent(browser, spa);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors ${SPA_ORIGIN}`);
    expect(page.headers.get('x-frame-options')).toBeNull();
    const message = /var message = (\{.*\});/.exec(page.html)?.[1] ?? '';
    const parsed = JSON.parse(message) as { type: string; response: Record<string, string> };
    expect(parsed.type).toBe('authorization_response');
    expect(parsed.response).toMatchObject({ state: flow.state, iss: server.issuer, code: expect.any(String) });
    expect(page.html).toContain(`postMessage(message, "${SPA_ORIGIN}")`);
    const tokens = await finishFlow(flow, `${flow.redirectUri}?${new URLSearchParams(parsed.response).toString()}`);
    expect(tokens.access_token).toEqual(expect.any(String));
  });

  test('without a session: login_required, posted the same way', async () => {
    const { page } = await silent(new TestBrowser(server.origin), spa);
    expect(page.html).toContain('"error":"login_required"');
    expect(page.headers.get('content-security-policy')).toContain(`frame-ancestors ${SPA_ORIGIN}`);
  });

  test('only with prompt=none, and only to an origin the client lists in web_origins', async () => {
    const browser = new TestBrowser(server.origin);
    const interactive = await startFlow(server, spa, { audience: null, extra: { response_mode: 'web_message' } });
    const refused = expectPage(await browser.request(interactive.url.toString()));
    expect(refused.html).toContain('"error":"invalid_request"');
    const noOrigins = await makeClient(server, { name: 'No origins', appType: 'spa', callbacks: ['https://no-origins.example/'] });
    const { page } = await silent(browser, noOrigins);
    expect(page.status).toBe(400);
    expect(textOf(page.html)).toContain('Allowed Web Origins');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.html).not.toContain('postMessage');
  });
});

describe('behind a TLS-terminating proxy', () => {
  test('with an https issuer and no trustProxy, a page over plain HTTP says why sign-in cannot work', async () => {
    const https = await startTestServer({ issuer: 'https://id.example.test/' });
    try {
      const res = await request(https.origin).get(`${https.mountPath === '/' ? '' : https.mountPath}/u/login?tx=x`);
      expect(res.status).toBe(400);
      expect(textOf(res.text)).toMatch(/plain HTTP.*trustProxy/);
    } finally {
      await https.close();
    }
  });

  test('with trustProxy, the forwarded scheme makes the session cookie Secure, and the forwarded address is logged', async () => {
    const proxied = await startTestServer({ issuer: 'https://id.example.test/', trustProxy: 'loopback' });
    try {
      // Made in code: the Management API fixtures would fetch discovery from the https issuer.
      const client = await proxied.auth.admin.createClient({ name: 'Proxied', appType: 'regular_web', callbacks: ['https://proxied.example/cb'] });
      const base = `${proxied.origin}${proxied.mountPath === '/' ? '' : proxied.mountPath}`;
      const res = await request(base)
        .get(`/authorize?client_id=${client.clientId}&response_type=code&redirect_uri=${encodeURIComponent('https://proxied.example/cb')}&scope=openid`)
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-For', '203.0.113.7');
      expect(res.status).toBe(302);
      expect(String(res.headers['set-cookie'])).toMatch(/auth\.sid=.*; Secure/);
      // No client grant for that API: a failed exchange, logged (feccft) with the address it came from.
      const failed = await request(base).post('/oauth/token').set('X-Forwarded-For', '203.0.113.9').type('form').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret, audience: API });
      expect(failed.status).toBe(403);
      await proxied.auth.context.audit.flush();
      const logged = (await proxied.auth.context.db('logs').where({ client_id: client.clientId }).select('ip')) as { ip: string }[];
      expect(logged.map((row) => row.ip)).toContain('203.0.113.9');
      // Only the loopback hop is trusted: a forwarded header from anywhere else is not believed.
      expect(proxied.auth.context.options.trustProxy?.('127.0.0.1', 0)).toBe(true);
      expect(proxied.auth.context.options.trustProxy?.('198.51.100.1', 0)).toBe(false);
    } finally {
      await proxied.close();
    }
  });
});

describe('RFC 8414 metadata', () => {
  test('/.well-known/oauth-authorization-server is the same document as OIDC discovery', async () => {
    const oauth = await request(server.issuer).get('.well-known/oauth-authorization-server');
    const oidc = await request(server.issuer).get('.well-known/openid-configuration');
    expect(oauth.status).toBe(200);
    expect(oauth.body).toEqual(oidc.body);
    for (const doc of [oauth.body, oidc.body]) {
      expect(doc.code_challenge_methods_supported).toEqual(['S256']);
      expect(doc.authorization_response_iss_parameter_supported).toBe(true);
      expect(doc.response_modes_supported).toContain('web_message');
    }
  });

  test('for an issuer with a path, the host mounts auth.wellKnown at its root (path insertion, RFC 8414 §3.1)', async () => {
    const express = (await import('express')).default;
    const app = express();
    const prefixed = await startTestServer({}, '/tenant');
    try {
      app.use(prefixed.auth.wellKnown);
      const res = await request(app).get('/.well-known/oauth-authorization-server/tenant');
      expect(res.status).toBe(200);
      expect(res.body.issuer).toBe(prefixed.issuer);
      expect((await request(app).get('/.well-known/openid-configuration/tenant')).body.issuer).toBe(prefixed.issuer);
      expect((await request(app).get('/.well-known/oauth-authorization-server/other')).status).toBe(404);
    } finally {
      await prefixed.close();
    }
  });
});

describe('refresh tokens for clients that cannot send an audience', () => {
  test('offline_access without an audience: a refresh token for the userinfo audience (OIDC Core §11)', async () => {
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, web, { scope: 'openid profile offline_access', audience: null });
    const consent = expectPage(await signIn(browser, flow.url));
    expect(textOf(consent.html)).toContain('Keep access when you are not using the application');
    const tokens = await finishFlow(flow, expectRedirect(await browser.submit(consent, { action: 'accept' })));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(decodeJwt(tokens.access_token).aud).toBe(`${server.issuer}userinfo`);
    const refreshed = await request(server.issuer).post('oauth/token').type('form').send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: web.clientId, client_secret: web.clientSecret });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope.split(' ')).toContain('offline_access');
  });

  test('the defaultAudience option is used by /authorize, the password grant and client_credentials when none is sent', async () => {
    const tenant = await startTestServer({ defaultAudience: API });
    try {
      await seedWorld(tenant);
      const api = await managementFor(tenant);
      const client = await makeClient(tenant, { name: 'No audience', isFirstParty: false, callbacks: ['https://no-audience.example/cb'], grantTypes: ['authorization_code', 'password', 'client_credentials'] });
      const browser = new TestBrowser(tenant.origin);
      const flow = await startFlow(tenant, client, { scope: 'openid read:posts', audience: null });
      const afterLogin = await signIn(browser, flow.url);
      const consent = expectPage(afterLogin);
      expect(textOf(consent.html)).toContain('Read your posts');
      const tokens = await finishFlow(flow, expectRedirect(await browser.submit(consent, { action: 'accept' })));
      expect(decodeJwt(tokens.access_token).aud).toEqual([API, `${tenant.issuer}userinfo`]);
      const password = await request(tenant.issuer).post('oauth/token').type('form').send({ grant_type: 'password', username: USER.email, password: USER.password, scope: 'read:posts', client_id: client.clientId, client_secret: client.clientSecret });
      expect(decodeJwt(password.body.access_token as string).aud).toBe(API);
      expect((await api.post('client-grants', { client_id: client.clientId, audience: API, scope: ['read:posts'] })).status).toBe(201);
      const m2m = await request(tenant.issuer).post('oauth/token').type('form').send({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret });
      expect(m2m.status).toBe(200);
      expect(decodeJwt(m2m.body.access_token as string).aud).toBe(API);
    } finally {
      await tenant.close();
    }
  });
});

describe('Dynamic Client Registration', () => {
  test('client_name is optional (RFC 7591 §2): the app is named after the host it redirects to', async () => {
    const res = await request(server.issuer).post('oidc/register').send({ redirect_uris: ['https://unnamed.example/cb'] });
    expect(res.status).toBe(201);
    expect(res.body.client_name).toBe('unnamed.example');
  });

  test('a client registered for response_types ["code"] never gets tokens from the authorization endpoint', async () => {
    const res = await request(server.issuer).post('oidc/register').send({ client_name: 'Code only', redirect_uris: ['https://code-only.example/cb'], grant_types: ['authorization_code', 'implicit'] });
    expect(res.body.grant_types).toEqual(['authorization_code']);
    const authorize = await request(server.issuer).get('authorize').query({ client_id: res.body.client_id, redirect_uri: 'https://code-only.example/cb', response_type: 'id_token token', scope: 'openid', nonce: 'n', state: 's' });
    expect(new URLSearchParams(new URL(authorize.headers.location as string).hash.slice(1)).get('error')).toBe('unauthorized_client');
  });

  test("a registered client authenticates with the method it registered, and no other", async () => {
    const res = await request(server.issuer).post('oidc/register').send({ client_name: 'Basic only', redirect_uris: ['https://basic-only.example/cb'], token_endpoint_auth_method: 'client_secret_basic' });
    const { client_id: id, client_secret: secret } = res.body as { client_id: string; client_secret: string };
    const viaPost = await request(server.issuer).post('oauth/token').type('form').send({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://basic-only.example/cb', client_id: id, client_secret: secret });
    expect(viaPost.status).toBe(401);
    expect(viaPost.body.error_description).toMatch(/registered for client_secret_basic/);
    const viaBasic = await request(server.issuer).post('oauth/token').auth(id, secret).type('form').send({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'https://basic-only.example/cb' });
    expect(viaBasic.body.error).toBe('invalid_grant');
  });
});

describe('smaller protocol points', () => {
  test('a bare "Authorization: Basic" is 401 with WWW-Authenticate', async () => {
    for (const header of ['Basic', 'Basic ', 'basic']) {
      const res = await request(server.issuer).post('oauth/token').set('Authorization', header).type('form').send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic/);
    }
  });

  test.each([
    ['request', 'request_not_supported'],
    ['request_uri', 'request_uri_not_supported'],
  ])('%s is refused with %s at the redirect URI, keeping the state (OIDC Core §6)', async (param, error) => {
    const flow = await startFlow(server, web, { extra: { [param]: param === 'request' ? 'eyJhbGciOiJub25lIn0.e30.' : 'https://web.example/request.jwt' } });
    const res = await request(server.issuer).get(flow.url.toString().slice(server.issuer.length));
    const location = new URL(res.headers.location as string);
    expect(location.origin).toBe('https://web.example');
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe(flow.state);
  });

  test('a malformed prompt is invalid_request, not ignored', async () => {
    const flow = await startFlow(server, web, { extra: { prompt: 'login\u0001' } });
    const res = await request(server.issuer).get(flow.url.toString().slice(server.issuer.length));
    expect(new URL(res.headers.location as string).searchParams.get('error')).toBe('invalid_request');
  });

  test('a native loopback redirect may vary its port and nothing else (RFC 8252 §7.3)', async () => {
    const native = await makeClient(server, { name: 'Loopback', appType: 'native', callbacks: ['http://127.0.0.1/callback'] });
    const tryUri = async (uri: string) => {
      const res = await request(server.issuer).get('authorize').query({ client_id: native.clientId, redirect_uri: uri, response_type: 'code', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeKt8URQaVGzX_x0ud6Q', code_challenge_method: 'S256' });
      return res.status === 302 && !String(res.headers.location).includes('/u/login') ? 'redirected' : res.status === 302 ? 'login' : 'refused';
    };
    expect(await tryUri('http://127.0.0.1:50123/callback')).toBe('login');
    for (const uri of [
      'http://user@127.0.0.1:50123/callback',
      'http://127.0.0.1:50123/callback#x',
      'http://127.1:50123/callback',
      'http://2130706433:50123/callback',
      'http://127.0.0.1:50123/./callback',
      'http://127.0.0.1:50123\\callback',
      'http://127.0.0.1:50123/callback/',
      'http://localhost:50123/callback',
    ]) {
      expect([uri, await tryUri(uri)]).toEqual([uri, 'refused']);
    }
  });
});
