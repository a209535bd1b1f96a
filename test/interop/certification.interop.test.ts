/**
 * The OpenID Foundation's certification plans Basic OP, Config OP and Form Post OP, module by module:
 * what each module of the conformance suite checks, walked end to end against our server (Chromium
 * where a person would see a page, openid-client, jose and fetch otherwise). A module name in a test
 * title is the suite's name for it, so a failure here points at the certification result it predicts.
 */
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import type { Client } from '../../src/index.js';
import { API, USER, allowOfflineAccess, discover, makeClient, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium } from './harness.js';
import { describePage, openTab, paramsOf, screenshot, startCallbackApp, walk, type CallbackApp, type Tab } from './browser-paths/walk.js';

let browser: Browser;
let server: TestServer;
let app: CallbackApp;
let userId: string;
/** The suite's client: confidential, client_secret_basic, third-party (so consent is part of the flow). */
let basic: Client;
let basicConfig: oidc.Configuration;
let jwks: JSONWebKeySet;
const tabs: Tab[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  server = await startTestServer({}, '/');
  ({ userId } = await seedWorld(server));
  // oidcc-refresh-token: offline_access is granted only for an API that allows it.
  await allowOfflineAccess(server);
  app = await startCallbackApp();
  basic = await makeClient(server, { name: 'Conformance RP', isFirstParty: false, callbacks: [app.callback], tokenEndpointAuthMethod: 'client_secret_basic' });
  basicConfig = await discover(server, basic);
  jwks = (await (await fetch(`${server.issuer}.well-known/jwks.json`)).json()) as JSONWebKeySet;
}, 60000);

afterAll(async () => {
  await Promise.all(tabs.map((tab) => tab.close().catch(() => undefined)));
  await browser?.close();
  await app?.close();
  await server?.close();
});

async function tab(): Promise<Tab> {
  const opened = await openTab(browser);
  tabs.push(opened);
  return opened;
}

interface Request {
  /** In the order they go in the URL (oidcc-alternate-happy-flow reorders them). */
  params: [string, string][];
  state: string;
  nonce: string | null;
  verifier: string | null;
}

/** The suite's default request: code, scope openid, state and nonce, no PKCE. */
function request(extra: Record<string, string> = {}, options: { client?: Client; nonce?: boolean; order?: 'normal' | 'reversed' } = {}): Request {
  const state = oidc.randomState();
  const nonce = options.nonce === false ? null : oidc.randomNonce();
  const params: Record<string, string> = {
    client_id: (options.client ?? basic).clientId,
    redirect_uri: app.callback,
    response_type: 'code',
    scope: 'openid',
    state,
    ...(nonce ? { nonce } : {}),
    ...extra,
  };
  const entries = Object.entries(params);
  return { params: options.order === 'reversed' ? entries.reverse() : entries, state, nonce, verifier: null };
}

function authorizeUrl(req: Request): string {
  return `${server.issuer}authorize?${new URLSearchParams(req.params).toString()}`;
}

/** Runs the request in the tab, signing in and accepting as needed; returns what reached the callback. */
async function authorize(t: Tab, req: Request, shots?: string): Promise<{ url: URL; pages: string[] }> {
  const done = await walk(t, authorizeUrl(req), app.callback, { consent: 'accept', ...(shots ? { shots } : {}) });
  expect(t.csp).toEqual([]);
  return { url: done.url, pages: done.pages };
}

type Tokens = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

async function exchange(req: Request, callback: URL, config = basicConfig): Promise<Tokens> {
  return oidc.authorizationCodeGrant(config, callback, {
    expectedState: req.state,
    idTokenExpected: true,
    ...(req.nonce ? { expectedNonce: req.nonce } : {}),
    ...(req.verifier ? { pkceCodeVerifier: req.verifier } : {}),
  });
}

/** The ID token checks every module makes (OIDC Core §3.1.3.7), with our keys. */
async function idTokenClaims(tokens: Tokens, client: Client = basic, nonce: string | null = null): Promise<JWTPayload> {
  const idToken = tokens.id_token ?? '';
  const { payload } = await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: server.issuer, audience: client.clientId, algorithms: ['RS256'] });
  expect(payload.sub).toBe(userId);
  expect(typeof payload.iat).toBe('number');
  expect(typeof payload.exp).toBe('number');
  if (nonce) expect(payload.nonce).toBe(nonce);
  return payload;
}

async function userinfo(accessToken: string, how: 'get' | 'post-header' | 'post-body' = 'get'): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = `${server.issuer}userinfo`;
  const res =
    how === 'get'
      ? await fetch(url, { headers: { authorization: `Bearer ${accessToken}` } })
      : how === 'post-header'
        ? await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } })
        : await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ access_token: accessToken }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A full happy flow in a new browser: sign in (and consent if asked), exchange, check the ID token. */
async function happyFlow(extra: Record<string, string> = {}, options: Parameters<typeof request>[1] = {}): Promise<{ t: Tab; tokens: Tokens; claims: JWTPayload }> {
  const t = await tab();
  const req = request(extra, options);
  const { url } = await authorize(t, req);
  expect(paramsOf(url).get('state')).toBe(req.state);
  expect(paramsOf(url).get('error')).toBeNull();
  const tokens = await exchange(req, url);
  const claims = await idTokenClaims(tokens, options.client ?? basic, req.nonce);
  return { t, tokens, claims };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Basic OP', () => {
  test('oidcc-server: code flow, ID token, access token, userinfo for the same subject', async () => {
    const t = await tab();
    const req = request();
    const { url, pages } = await authorize(t, req, 'cert-oidcc-server');
    expect(pages).toEqual(['login', 'consent']);
    expect(paramsOf(url).get('iss')).toBe(server.issuer);
    const tokens = await exchange(req, url);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    const claims = await idTokenClaims(tokens, basic, req.nonce);
    expect(claims.aud).toBe(basic.clientId);
    const info = await userinfo(tokens.access_token);
    expect(info.status).toBe(200);
    expect(info.body.sub).toBe(claims.sub);
  });

  test('oidcc-response-type-missing: an error is returned to the client (or shown), never a code', async () => {
    const t = await tab();
    const req = request();
    req.params = req.params.filter(([name]) => name !== 'response_type');
    await t.page.goto(authorizeUrl(req));
    await t.page.waitForURL(`${app.callback}?**`, { timeout: 15000 }).catch(async () => {
      throw new Error(`No error response at the callback.\n${await describePage(t)}`);
    });
    const params = paramsOf(new URL(t.page.url()));
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('state')).toBe(req.state);
    expect(params.get('code')).toBeNull();
  });

  test('oidcc-idtoken-signature: RS256, and the kid names a key in the JWKS that verifies it', async () => {
    const { tokens } = await happyFlow();
    const header = decodeProtectedHeader(tokens.id_token ?? '');
    expect(header.alg).toBe('RS256');
    const key = jwks.keys.find((k) => k.kid === header.kid);
    expect(key).toBeDefined();
    await expect(jwtVerify(tokens.id_token ?? '', await importJWK(key ?? {}, 'RS256'))).resolves.toBeDefined();
  });

  test.each([
    ['oidcc-userinfo-get', 'get'],
    ['oidcc-userinfo-post-header', 'post-header'],
    ['oidcc-userinfo-post-body', 'post-body'],
  ] as const)('%s: userinfo answers for the ID token subject', async (_module, how) => {
    const { tokens, claims } = await happyFlow({ scope: 'openid profile email' });
    const info = await userinfo(tokens.access_token, how);
    expect(info.status).toBe(200);
    expect(info.body.sub).toBe(claims.sub);
    expect(info.body.email).toBe(USER.email);
  });

  test('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
    const { claims } = await happyFlow({}, { nonce: false });
    expect(claims.nonce).toBeUndefined();
  });

  test('oidcc-scope-profile: the profile claims at userinfo, not the email', async () => {
    const { tokens } = await happyFlow({ scope: 'openid profile' });
    const info = await userinfo(tokens.access_token);
    expect(info.body).toMatchObject({ sub: userId, name: USER.name });
    expect(info.body).toHaveProperty('updated_at');
    expect(info.body.email).toBeUndefined();
  });

  test('oidcc-scope-email: email and email_verified at userinfo, not the profile', async () => {
    const { tokens } = await happyFlow({ scope: 'openid email' });
    const info = await userinfo(tokens.access_token);
    expect(info.body).toMatchObject({ sub: userId, email: USER.email, email_verified: true });
    expect(info.body.name).toBeUndefined();
  });

  test('oidcc-alternate-happy-flow: reversed scope order and parameter order make no difference', async () => {
    const { tokens } = await happyFlow({ scope: 'email openid' }, { order: 'reversed' });
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid']);
    const info = await userinfo(tokens.access_token);
    expect(info.body).toMatchObject({ sub: userId, email: USER.email });
  });

  test.each([
    ['oidcc-display-page', { display: 'page' }],
    ['oidcc-display-popup', { display: 'popup' }],
    ['oidcc-ensure-request-with-unknown-parameter-succeeds', { extra: 'foobar' }],
    ['oidcc-ui-locales', { ui_locales: 'se' }],
    ['oidcc-claims-locales', { claims_locales: 'se' }],
    ['oidcc-ensure-request-with-acr-values-succeeds', { acr_values: '1 2' }],
  ] as const)('%s: the parameter does not make the request fail', async (_module, extra) => {
    const { tokens } = await happyFlow({ ...extra });
    expect(tokens.access_token).toBeTruthy();
  });

  test('oidcc-prompt-login: the login page is shown again, and the new auth_time is later', async () => {
    const { t, claims: first } = await happyFlow();
    await sleep(1100);
    const req = request({ prompt: 'login' });
    const { url, pages } = await authorize(t, req);
    expect(pages).toEqual(['login']);
    const second = await idTokenClaims(await exchange(req, url), basic, req.nonce);
    expect(typeof second.auth_time).toBe('number');
    expect(Number(second.auth_time)).toBeGreaterThan(Number(first.auth_time));
  });

  test('oidcc-prompt-none-not-logged-in: error=login_required with the state, no page', async () => {
    const t = await tab();
    const req = request({ prompt: 'none' });
    const { url, pages } = await authorize(t, req);
    expect(pages).toEqual([]);
    expect(paramsOf(url).get('error')).toBe('login_required');
    expect(paramsOf(url).get('state')).toBe(req.state);
  });

  test('oidcc-prompt-none-logged-in: a code without any page, same auth_time', async () => {
    const { t, claims: first } = await happyFlow();
    const req = request({ prompt: 'none' });
    const { url, pages } = await authorize(t, req);
    expect(pages).toEqual([]);
    const second = await idTokenClaims(await exchange(req, url), basic, req.nonce);
    expect(second.auth_time).toBe(first.auth_time);
  });

  test('oidcc-max-age-1: after more than a second the login page is shown again; auth_time is later', async () => {
    const { t, claims: first } = await happyFlow();
    await sleep(2100);
    const req = request({ max_age: '1' });
    const { url, pages } = await authorize(t, req);
    expect(pages).toEqual(['login']);
    const second = await idTokenClaims(await exchange(req, url), basic, req.nonce);
    expect(typeof second.auth_time).toBe('number');
    expect(Number(second.auth_time)).toBeGreaterThan(Number(first.auth_time));
  });

  test('oidcc-max-age-10000: no login page; auth_time is the first sign-in', async () => {
    const { t, claims: first } = await happyFlow();
    const req = request({ max_age: '10000' });
    const { url, pages } = await authorize(t, req);
    expect(pages).toEqual([]);
    const second = await idTokenClaims(await exchange(req, url), basic, req.nonce);
    expect(second.auth_time).toBe(first.auth_time);
  });

  test('oidcc-id-token-hint: prompt=none with the ID token as hint gives a code for the same subject', async () => {
    const { t, tokens } = await happyFlow();
    const req = request({ prompt: 'none', id_token_hint: tokens.id_token ?? '' });
    const { url, pages } = await authorize(t, req);
    expect(pages).toEqual([]);
    expect(paramsOf(url).get('error')).toBeNull();
    const second = await idTokenClaims(await exchange(req, url), basic, req.nonce);
    expect(second.sub).toBe(decodeJwt(tokens.id_token ?? '').sub);
  });

  test('oidcc-login-hint: the login page comes with the hinted email filled in', async () => {
    const t = await tab();
    const req = request({ login_hint: USER.email });
    await t.page.goto(authorizeUrl(req));
    await t.page.waitForSelector('input[name="email"]', { timeout: 15000 });
    expect(await t.page.inputValue('input[name="email"]')).toBe(USER.email);
    await screenshot(t.page, 'cert-oidcc-login-hint');
    const done = await walk(t, null, app.callback, { consent: 'accept' });
    await idTokenClaims(await exchange(req, done.url), basic, req.nonce);
  });

  test('oidcc-codereuse: a code is good once; the second exchange is invalid_grant', async () => {
    const t = await tab();
    const req = request();
    const { url } = await authorize(t, req);
    await exchange(req, url);
    const res = await fetch(`${server.issuer}oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(basic.clientId)}:${encodeURIComponent(basic.clientSecret ?? '')}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: paramsOf(url).get('code') ?? '', redirect_uri: app.callback }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
  });

  test('oidcc-ensure-registered-redirect-uri: an unregistered redirect_uri gets an error page, no redirect', async () => {
    const t = await tab();
    const req = request({ redirect_uri: `${app.origin}/not-registered` });
    const response = await t.page.goto(authorizeUrl(req));
    expect(response?.status()).toBe(400);
    expect(t.page.url().startsWith(`${server.issuer}authorize`)).toBe(true);
    expect(await t.page.locator('h1').innerText()).toBe('Callback URL mismatch');
    expect(t.requests.some((url) => url.startsWith(app.origin))).toBe(false);
    await screenshot(t.page, 'cert-oidcc-ensure-registered-redirect-uri');
  });

  test('oidcc-ensure-post-request-succeeds: the authorization request sent as a form POST', async () => {
    const t = await tab();
    const req = request();
    await t.page.goto(app.postPage(`${server.issuer}authorize`, Object.fromEntries(req.params)));
    const done = await walk(t, null, app.callback, { consent: 'accept' });
    expect(t.requests.some((url) => url === `${server.issuer}authorize`)).toBe(true);
    expect(t.csp).toEqual([]);
    await idTokenClaims(await exchange(req, done.url), basic, req.nonce);
  });

  test('oidcc-server-client-secret-post: the same flow, the client authenticating in the body', async () => {
    const client = await makeClient(server, { name: 'Conformance RP (post)', isFirstParty: false, callbacks: [app.callback], tokenEndpointAuthMethod: 'client_secret_post' });
    const config = await discover(server, client);
    const t = await tab();
    const req = request({}, { client });
    const { url } = await authorize(t, req);
    const tokens = await exchange(req, url, config);
    await idTokenClaims(tokens, client, req.nonce);
  });

  test('oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported: error=request_uri_not_supported', async () => {
    const t = await tab();
    const req = request({ request_uri: `${app.origin}/request-object.jwt` });
    await t.page.goto(authorizeUrl(req));
    await t.page.waitForURL(`${app.callback}?**`, { timeout: 15000 }).catch(async () => {
      throw new Error(`No error response at the callback.\n${await describePage(t)}`);
    });
    const params = paramsOf(new URL(t.page.url()));
    expect(params.get('error')).toBe('request_uri_not_supported');
    expect(params.get('state')).toBe(req.state);
    expect(params.get('code')).toBeNull();
  });

  test('oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported: error=request_not_supported', async () => {
    const t = await tab();
    const req = request();
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const requestObject = `${b64({ alg: 'none' })}.${b64({ ...Object.fromEntries(req.params), iss: basic.clientId, aud: server.issuer })}.`;
    req.params.push(['request', requestObject]);
    await t.page.goto(authorizeUrl(req));
    await t.page.waitForURL(`${app.callback}?**`, { timeout: 15000 }).catch(async () => {
      throw new Error(`No error response at the callback.\n${await describePage(t)}`);
    });
    const params = paramsOf(new URL(t.page.url()));
    expect(params.get('error')).toBe('request_not_supported');
    expect(params.get('state')).toBe(req.state);
    expect(params.get('code')).toBeNull();
  });

  test('oidcc-refresh-token: offline_access gives a refresh token that yields new tokens for the same subject', async () => {
    const t = await tab();
    const req = request({ scope: 'openid offline_access read:posts', audience: API });
    const { url, pages } = await authorize(t, req);
    expect(pages).toContain('consent');
    const tokens = await exchange(req, url);
    const first = await idTokenClaims(tokens, basic, req.nonce);
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(basicConfig, tokens.refresh_token ?? '');
    expect(refreshed.access_token).toBeTruthy();
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(decodeJwt(refreshed.access_token)).toMatchObject({ sub: first.sub, iss: server.issuer });
    if (refreshed.id_token) {
      const again = await idTokenClaims(refreshed, basic);
      expect(again.sub).toBe(first.sub);
    }
    // Rotation: the refresh token used is spent.
    await expect(oidc.refreshTokenGrant(basicConfig, tokens.refresh_token ?? '')).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('oidcc-ensure-request-with-valid-pkce-succeeds: S256 challenge and verifier', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const t = await tab();
    const req = request({ code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    req.verifier = verifier;
    const { url } = await authorize(t, req);
    await idTokenClaims(await exchange(req, url), basic, req.nonce);
  });
});

describe('Config OP', () => {
  test('oidcc-discovery-endpoint-verification', async () => {
    const res = await fetch(`${server.issuer}.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const meta = (await res.json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(server.issuer);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
      expect(String(meta[endpoint])).toMatch(new RegExp(`^${server.issuer.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
    const jwksRes = await fetch(String(meta.jwks_uri));
    expect(jwksRes.status).toBe(200);
    const keys = ((await jwksRes.json()) as JSONWebKeySet).keys;
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.kid).toBeTruthy();
      expect(key.kty).toBe('RSA');
      expect(key).not.toHaveProperty('d');
      await expect(importJWK(key, 'RS256')).resolves.toBeDefined();
    }
    expect(meta.scopes_supported).toEqual(expect.arrayContaining(['openid']));
    expect(meta.response_types_supported).toEqual(expect.arrayContaining(['code', 'id_token', 'code id_token']));
    expect(meta.subject_types_supported).toEqual(expect.arrayContaining(['public']));
    expect(meta.id_token_signing_alg_values_supported).toEqual(expect.arrayContaining(['RS256']));
    expect(meta.id_token_signing_alg_values_supported).not.toContain('none');
    expect(meta.claims_supported).toEqual(expect.arrayContaining(['sub', 'iss', 'auth_time', 'name', 'email']));
    expect(typeof meta.claims_parameter_supported).toBe('boolean');
    expect(typeof meta.request_parameter_supported).toBe('boolean');
    expect(typeof meta.request_uri_parameter_supported).toBe('boolean');
    // We refuse request objects (see the two request-object modules above), and must say so.
    expect(meta.request_parameter_supported).toBe(false);
    expect(meta.request_uri_parameter_supported).toBe(false);
    expect(Array.isArray(meta.code_challenge_methods_supported)).toBe(true);
    expect(meta.code_challenge_methods_supported).toContain('S256');
  });
});

describe('Form Post OP', () => {
  test('oidcc-server (response_mode=form_post): the code and state arrive in a POST to the callback', async () => {
    const t = await tab();
    const req = request({ response_mode: 'form_post' });
    const before = app.posts.length;
    await walk(t, authorizeUrl(req), app.callback, { consent: 'accept' });
    expect(t.csp).toEqual([]);
    expect(app.posts.length).toBe(before + 1);
    const body = app.posts[before] ?? {};
    expect(body.state).toBe(req.state);
    expect(body.code).toBeTruthy();
    // Nothing in the query: the response went in the body only.
    expect(new URL(t.page.url()).search).toBe('');
    const tokens = await exchange(req, new URL(`${app.callback}?${new URLSearchParams(body).toString()}`));
    const claims = await idTokenClaims(tokens, basic, req.nonce);
    expect((await userinfo(tokens.access_token)).body.sub).toBe(claims.sub);
  });
});
