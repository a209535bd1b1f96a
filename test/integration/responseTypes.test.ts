/**
 * Every response type and mode at the authorization endpoint (issue 4 §4): openid-client validates the
 * flows it supports (code id_token, id_token); jose checks the others (nonce, at_hash, c_hash).
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { TestBrowser } from '../helpers/browser.js';
import { expectPage, expectRedirect, makeClient, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let userId: string;
let spa: Client;

beforeAll(async () => {
  server = await startTestServer();
  ({ userId } = await seedWorld(server));
  // A first-party SPA on an https callback: the API lets it skip consent, so each flow is login → response.
  spa = await makeClient(server, { name: 'SPA', appType: 'spa', callbacks: ['https://spa.example/cb'] });
});
afterAll(async () => server?.close());

const halfHash = (value: string) => createHash('sha256').update(value).digest().subarray(0, 16).toString('base64url');

/** Signs in with the browser and returns the parameters of the response, from wherever the mode put them. */
async function respond(extra: Record<string, string>): Promise<{ params: URLSearchParams; flow: Awaited<ReturnType<typeof startFlow>>; location: URL | null; formHtml: string | null }> {
  const flow = await startFlow(server, spa, { extra });
  const browser = new TestBrowser(server.origin);
  const visit = await signIn(browser, flow.url);
  if ('redirectedTo' in visit) {
    const location = new URL(visit.redirectedTo);
    const params = new URLSearchParams(location.hash ? location.hash.slice(1) : location.search);
    return { params, flow, location, formHtml: null };
  }
  const page = expectPage(visit);
  const params = new URLSearchParams();
  for (const m of page.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) params.append(m[1] ?? '', (m[2] ?? '').replace(/&#34;/g, '"').replace(/&amp;/g, '&'));
  return { params, flow, location: null, formHtml: page.html };
}

async function verifyIdToken(idToken: string, nonce: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${server.issuer}.well-known/jwks.json`));
  const { payload } = await jwtVerify(idToken, jwks, { issuer: server.issuer, audience: spa.clientId });
  expect(payload.nonce).toBe(nonce);
  expect(payload.sub).toBe(userId);
  return payload;
}

test.each([
  ['token', ['access_token', 'token_type', 'expires_in', 'scope', 'state', 'iss'], []],
  ['id_token', ['id_token', 'state', 'iss'], ['access_token', 'code']],
  ['id_token token', ['id_token', 'access_token', 'state'], ['code']],
  ['code id_token', ['code', 'id_token', 'state'], ['access_token']],
  ['code token', ['code', 'access_token', 'state'], ['id_token']],
  ['code id_token token', ['code', 'id_token', 'access_token', 'state'], []],
])('response_type=%s: default mode is the fragment, with the right parameters and hashes', async (responseType, present, absent) => {
  const { params, flow, location } = await respond({ response_type: responseType });
  expect(location?.search).toBe('');
  for (const name of present) expect(params.get(name)).toBeTruthy();
  for (const name of absent) expect(params.get(name)).toBeNull();
  expect(params.get('state')).toBe(flow.state);
  const idToken = params.get('id_token');
  if (idToken) {
    const payload = await verifyIdToken(idToken, flow.nonce);
    const accessToken = params.get('access_token');
    if (accessToken) expect(payload.at_hash).toBe(halfHash(accessToken));
    else expect(payload.at_hash).toBeUndefined();
    const code = params.get('code');
    if (code) expect(payload.c_hash).toBe(halfHash(code));
    else expect(payload.c_hash).toBeUndefined();
  }
  const accessToken = params.get('access_token');
  if (accessToken) {
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}.well-known/jwks.json`));
    const { payload } = await jwtVerify(accessToken, jwks, { issuer: server.issuer, audience: 'https://api.contoso.test/' });
    expect(payload.sub).toBe(userId);
  }
});

test('code id_token: openid-client validates the hybrid response (c_hash, nonce) and exchanges the code', async () => {
  const config = (await startFlow(server, spa)).config;
  oidc.useCodeIdTokenResponseType(config);
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: 'https://spa.example/cb',
    scope: 'openid profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
  });
  const browser = new TestBrowser(server.origin);
  const callback = new URL(expectRedirect(await signIn(browser, url)));
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state });
  expect(tokens.claims()?.sub).toBe(userId);
});

test('id_token: openid-client validates the implicit response, in the fragment and with form_post', async () => {
  for (const mode of ['fragment', 'form_post']) {
    const config = (await startFlow(server, spa)).config;
    oidc.useIdTokenResponseType(config);
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: 'https://spa.example/cb', scope: 'openid email', nonce, state, response_mode: mode });
    const browser = new TestBrowser(server.origin);
    const visit = await signIn(browser, url);
    let current: URL | Request;
    if (mode === 'fragment') current = new URL(expectRedirect(visit));
    else {
      const html = expectPage(visit).html;
      const body = new URLSearchParams();
      for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) body.append(m[1] ?? '', (m[2] ?? '').replace(/&amp;/g, '&'));
      current = new Request('https://spa.example/cb', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    }
    const claims = await oidc.implicitAuthentication(config, current, nonce, { expectedState: state });
    expect(claims.sub).toBe(userId);
    expect(claims.email).toBe('alice@example.com');
  }
});

test('a token is never put in a query string: response_mode=query with a token is refused, in the fragment', async () => {
  const flow = await startFlow(server, spa, { extra: { response_type: 'id_token token', response_mode: 'query' } });
  const location = new URL(expectRedirect(await new TestBrowser(server.origin).request(flow.url.toString())));
  expect(location.search).toBe('');
  const params = new URLSearchParams(location.hash.slice(1));
  expect(params.get('error')).toBe('invalid_request');
  expect(params.get('access_token')).toBeNull();
});

test('S7: an ID token from the authorization endpoint needs a nonce; errors come back in the fragment', async () => {
  const flow = await startFlow(server, spa, { extra: { response_type: 'id_token' } });
  const url = new URL(flow.url);
  url.searchParams.delete('nonce');
  const browser = new TestBrowser(server.origin);
  const location = new URL(expectRedirect(await browser.request(url.toString())));
  const params = new URLSearchParams(location.hash.slice(1));
  expect(params.get('error')).toBe('invalid_request');
  expect(params.get('error_description')).toMatch(/nonce/);
  expect(params.get('state')).toBe(flow.state);
});

test('tokens from /authorize need the implicit grant type: otherwise unauthorized_client', async () => {
  const codeOnly = await makeClient(server, { name: 'Code only', appType: 'spa', callbacks: ['https://code-only.example/cb'], grantTypes: ['authorization_code'] });
  const flow = await startFlow(server, codeOnly, { extra: { response_type: 'id_token token' } });
  const location = new URL(expectRedirect(await new TestBrowser(server.origin).request(flow.url.toString())));
  expect(new URLSearchParams(location.hash.slice(1)).get('error')).toBe('unauthorized_client');
});

test('form_post carries the tokens of a hybrid response in the form', async () => {
  const { params, formHtml, flow } = await respond({ response_type: 'code id_token token', response_mode: 'form_post' });
  expect(formHtml).toContain('action="https://spa.example/cb"');
  expect(params.get('code')).toBeTruthy();
  await verifyIdToken(params.get('id_token') ?? '', flow.nonce);
});
