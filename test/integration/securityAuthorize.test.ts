/** The authorization endpoint's security behaviour, item by item of the checklist (S1–S7). */
import request from 'supertest';
import { decodeJwt } from 'jose';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { USER, expectPage, expectRedirect, finishFlow, isConsentPage, makeClient, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let web: Client;
let native: Client;
const CALLBACK = 'https://web.example/callback';

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server);
  web = await makeClient(server, { name: 'Web', callbacks: [CALLBACK] });
  native = await makeClient(server, { name: 'Native', appType: 'native', callbacks: ['http://127.0.0.1/cb'] });
});
afterAll(async () => server?.close());

function authorizeQuery(params: Record<string, string | string[]>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) q.append(k, one);
  return `authorize?${q.toString()}`;
}
const base = () => ({ client_id: web.clientId, redirect_uri: CALLBACK, response_type: 'code', scope: 'openid', state: 'st' });

async function expectErrorPage(path: string): Promise<string> {
  const res = await request(server.issuer).get(path);
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/html/);
  return textOf(res.text);
}

async function expectErrorRedirect(path: string): Promise<URLSearchParams> {
  const res = await request(server.issuer).get(path);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.location ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);
  return location.hash ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
}

describe('S1: untrusted client or redirect URI → an error page, never a redirect', () => {
  test.each([
    ['missing client_id', { redirect_uri: CALLBACK, response_type: 'code' }],
    ['unknown client_id', { client_id: 'nope', redirect_uri: CALLBACK, response_type: 'code' }],
  ])('%s', async (_name, params) => {
    expect(await expectErrorPage(authorizeQuery(params))).toMatch(/client|application/i);
  });

  test('missing, unregistered and duplicated redirect_uri; duplicated client_id', async () => {
    expect(await expectErrorPage(authorizeQuery({ client_id: web.clientId, response_type: 'code' }))).toMatch(/redirect/i);
    expect(await expectErrorPage(authorizeQuery({ ...base(), redirect_uri: 'https://evil.example/callback' }))).toMatch(/Callback URL mismatch/);
    expect(await expectErrorPage(authorizeQuery({ ...base(), redirect_uri: [CALLBACK, CALLBACK] }))).toMatch(/redirect/i);
    expect(await expectErrorPage(authorizeQuery({ ...base(), client_id: [web.clientId, web.clientId] }))).toMatch(/client/i);
  });
});

describe('S2: exact redirect URI matching', () => {
  test.each([
    `${CALLBACK}/`,
    'https://WEB.example/callback',
    `${CALLBACK}/extra`,
    `${CALLBACK}?x=1`,
    `${CALLBACK}#frag`,
    'https://web.example@evil.example/callback',
    'http://web.example/callback',
  ])('%s is refused', async (redirect) => {
    await expectErrorPage(authorizeQuery({ ...base(), redirect_uri: redirect }));
  });

  test('a native app may vary the port of its loopback redirect; a web app may not', async () => {
    const res = await request(server.issuer).get(
      authorizeQuery({ client_id: native.clientId, redirect_uri: 'http://127.0.0.1:53123/cb', response_type: 'code', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.location).toContain('/u/login');
    const loopbackWeb = await makeClient(server, { name: 'Loopback web', callbacks: ['http://127.0.0.1/cb'] });
    await expectErrorPage(authorizeQuery({ client_id: loopbackWeb.clientId, redirect_uri: 'http://127.0.0.1:53123/cb', response_type: 'code' }));
  });
});

describe('S3: other errors redirect with error, error_description, the exact state and iss', () => {
  test('a 128-character state comes back exactly', async () => {
    const state = 'S'.repeat(64) + '-._~+/=%&'.repeat(7) + 'x';
    const params = await expectErrorRedirect(authorizeQuery({ ...base(), response_type: 'unknown', state }));
    expect(params.get('error')).toBe('unsupported_response_type');
    expect(params.get('error_description')).toBeTruthy();
    expect(params.get('state')).toBe(state);
    expect(params.get('iss')).toBe(server.issuer);
  });

  test.each(['scope', 'response_type', 'state', 'nonce', 'audience', 'prompt', 'code_challenge'])('a repeated %s → invalid_request', async (name) => {
    const params = await expectErrorRedirect(authorizeQuery({ ...base(), [name]: ['a', 'b'] }));
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toContain(name);
  });

  test('unknown parameters are ignored', async () => {
    const res = await request(server.issuer).get(authorizeQuery({ ...base(), frobnicate: 'yes' }));
    expect(res.status).toBe(302);
    expect(res.headers.location).toContain('/u/login');
  });

  test.each([
    [{ response_type: 'code code' }, 'unsupported_response_type'],
    [{ response_type: 'code', audience: 'https://unknown.example/' }, 'invalid_request'],
    [{ response_type: 'code', audience: 'SYSTEM' }, 'invalid_request'],
    [{ response_type: 'code', scope: 'openid "bad' }, 'invalid_scope'],
    [{ response_type: 'code', prompt: 'sometimes' }, 'invalid_request'],
    [{ response_type: 'code', max_age: '-1' }, 'invalid_request'],
    [{ response_type: 'code', response_mode: 'telepathy' }, 'invalid_request'],
  ] as [Record<string, string>, string][])('%j → %s', async (extra, error) => {
    const params = await expectErrorRedirect(
      authorizeQuery({ ...base(), ...extra, ...(extra.audience === 'SYSTEM' ? { audience: `${server.issuer}api/v2/` } : {}) }),
    );
    expect(params.get('error')).toBe(error);
    expect(params.get('state')).toBe('st');
  });

  test('errors of a fragment response come back in the fragment', async () => {
    const params = await expectErrorRedirect(authorizeQuery({ ...base(), response_mode: 'fragment', prompt: 'none' }));
    expect(params.get('error')).toBe('login_required');
  });
});

describe('S4: PKCE', () => {
  test('a public client must send a code_challenge; only S256 is accepted', async () => {
    const spa = await makeClient(server, { name: 'SPA pkce', appType: 'spa', callbacks: ['https://spa-pkce.example/cb'] });
    const res = await request(server.issuer).get(authorizeQuery({ client_id: spa.clientId, redirect_uri: 'https://spa-pkce.example/cb', response_type: 'code', state: 's' }));
    expect(new URL(res.headers.location ?? '').searchParams.get('error')).toBe('invalid_request');
    const plain = await expectErrorRedirect(authorizeQuery({ ...base(), code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'plain' }));
    expect(plain.get('error')).toBe('invalid_request');
    const short = await expectErrorRedirect(authorizeQuery({ ...base(), code_challenge: 'short', code_challenge_method: 'S256' }));
    expect(short.get('error')).toBe('invalid_request');
  });

  test('a code_verifier for a code issued without a challenge is refused (downgrade)', async () => {
    const browser = new TestBrowser(server.origin);
    const res = await browser.request(`${server.issuer}${authorizeQuery({ ...base(), scope: 'openid' })}`);
    const callback = new URL(expectRedirect(await browser.submit(expectPage(res), { email: USER.email, password: USER.password })));
    const token = await request(server.issuer)
      .post('oauth/token')
      .type('form')
      .send({ grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: CALLBACK, client_id: web.clientId, client_secret: web.clientSecret ?? '', code_verifier: 'x'.repeat(43) });
    expect(token.status).toBe(400);
    expect(token.body.error).toBe('invalid_grant');
  });
});

describe('S5: prompt=none never shows a page', () => {
  test('no session → login_required; a session without consent → consent_required; none with another value → invalid_request', async () => {
    const noSession = await expectErrorRedirect(authorizeQuery({ ...base(), prompt: 'none' }));
    expect(noSession.get('error')).toBe('login_required');

    const third = await makeClient(server, { name: 'Third none', isFirstParty: false, callbacks: ['https://third-none.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const first = await startFlow(server, third);
    expect(isConsentPage(await signIn(browser, first.url))).toBe(true);
    const silent = await startFlow(server, third, { prompt: 'none' });
    const location = new URL(expectRedirect(await browser.request(silent.url.toString())));
    expect(location.searchParams.get('error')).toBe('consent_required');
    expect(location.searchParams.get('state')).toBe(silent.state);

    const mixed = await expectErrorRedirect(authorizeQuery({ ...base(), prompt: 'none login' }));
    expect(mixed.get('error')).toBe('invalid_request');
  });

  test('with a session and a covering grant, prompt=none answers with a code', async () => {
    const client = await makeClient(server, { name: 'Silent ok', callbacks: ['https://silent-ok.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const first = await startFlow(server, client);
    await finishFlow(first, expectRedirect(await signIn(browser, first.url)));
    const silent = await startFlow(server, client, { prompt: 'none' });
    const tokens = await finishFlow(silent, expectRedirect(await browser.request(silent.url.toString())));
    expect(tokens.access_token).toBeTruthy();
  });
});

describe('S6: prompt=login and max_age force a fresh login; auth_time is in the ID token', () => {
  test.each([{ prompt: 'login' }, { extra: { max_age: '0' } }])('%j', async (option) => {
    const client = await makeClient(server, { name: 'Fresh', callbacks: ['https://fresh.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const first = await startFlow(server, client);
    const firstTokens = await finishFlow(first, expectRedirect(await signIn(browser, first.url)));
    const firstAuthTime = Number(decodeJwt(firstTokens.id_token ?? '').auth_time);
    await new Promise((r) => setTimeout(r, 1100));
    const again = await startFlow(server, client, option);
    const login = expectPage(await browser.request(again.url.toString()));
    expect(login.url).toContain('/u/login');
    const tokens = await finishFlow(again, expectRedirect(await browser.submit(login, { email: USER.email, password: USER.password })));
    expect(Number(decodeJwt(tokens.id_token ?? '').auth_time)).toBeGreaterThan(firstAuthTime);
  });
});

describe('S22: malformed input is an OAuth error or a 400 page, never a 500', () => {
  test.each([
    'authorize',
    'authorize?client_id[]=x',
    'authorize?client_id=%ff%fe&redirect_uri=%ff',
    `authorize?client_id=${'x'.repeat(10000)}`,
    'authorize/resume?tx=does-not-exist',
    'authorize/resume',
    'u/login?tx=nope',
    'u/consent?tx=nope',
    'u/login',
  ])('GET %s', async (path) => {
    const res = await request(server.issuer).get(path);
    expect(res.status).toBeGreaterThanOrEqual(300);
    expect(res.status).toBeLessThan(500);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  });

  test('malformed query values for a known client redirect with invalid_request', async () => {
    const res = await request(server.issuer).get(`authorize?client_id=${web.clientId}&redirect_uri=${encodeURIComponent(CALLBACK)}&response_type=code&state=st&nonce=${'n'.repeat(5000)}`);
    expect(res.status).toBe(302);
    expect(new URL(res.headers.location ?? '').searchParams.get('error')).toBe('invalid_request');
  });

  test('POST /authorize works like GET; POSTs to the pages with garbage bodies are 400 pages', async () => {
    const res = await request(server.issuer).post('authorize').type('form').send(base());
    expect(res.status).toBe(303);
    for (const path of ['u/login', 'u/consent']) {
      const garbage = await request(server.issuer).post(path).type('form').send('tx=%ff&csrf[]=1');
      expect(garbage.status).toBe(400);
    }
  });
});
