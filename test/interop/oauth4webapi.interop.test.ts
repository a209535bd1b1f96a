/**
 * oauth4webapi (panva), the strictest OAuth 2.0 / OIDC client library in the Node ecosystem, used as it
 * ships: every check on, only `allowInsecureRequests` because the test issuer is http://127.0.0.1.
 * RFC 8414 and OIDC discovery, the code flow with PKCE, state, nonce and RFC 9207's `iss`, RFC 9068
 * access tokens, userinfo, refresh and revocation; with the router at "/" and under "/auth".
 */
import * as oauth from 'oauth4webapi';
import type { Browser } from 'playwright-core';
import type { Client } from '../../src/index.js';
import { API, USER, allowOfflineAccess, makeClient, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium } from './harness.js';
import { startCallbackApp, type CallbackApp } from './node-clients/callbackApp.js';
import { signInAndAccept } from './node-clients/chromiumConsent.js';
import { startHostApp } from './node-clients/hostApp.js';

const insecure = { [oauth.allowInsecureRequests]: true } as const;
const ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'revocation_endpoint', 'jwks_uri'] as const;

/** Both discovery documents must send a client to the same endpoints. */
function endpoints(as: oauth.AuthorizationServer): Partial<oauth.AuthorizationServer> {
  return Object.fromEntries(ENDPOINTS.map((name) => [name, as[name]]));
}
const SCOPE = 'openid profile email offline_access read:posts';

let browser: Browser;
let callback: CallbackApp;
let root: TestServer;

beforeAll(async () => {
  [browser, callback, root] = await Promise.all([launchChromium(), startCallbackApp(), startTestServer({}, '/')]);
  await seedWorld(root);
  await allowOfflineAccess(root);
}, 60000);

afterAll(async () => {
  await browser?.close();
  await callback?.close();
  await root?.close();
});

async function discover(issuer: string, algorithm: 'oidc' | 'oauth2'): Promise<{ as: oauth.AuthorizationServer; url: string }> {
  const issuerUrl = new URL(issuer);
  const response = await oauth.discoveryRequest(issuerUrl, { algorithm, ...insecure });
  return { as: await oauth.processDiscoveryResponse(issuerUrl, response), url: response.url };
}

type AuthKind = 'client_secret_post' | 'client_secret_basic' | 'none';

async function thirdPartyClient(server: TestServer, kind: AuthKind): Promise<{ client: Client; auth: oauth.ClientAuth }> {
  const client = await makeClient(server, {
    name: `oauth4webapi ${kind}`,
    appType: kind === 'none' ? 'native' : 'regular_web',
    isFirstParty: false,
    tokenEndpointAuthMethod: kind,
    callbacks: [callback.redirectUri],
  });
  const secret = client.clientSecret ?? '';
  const auth = kind === 'client_secret_post' ? oauth.ClientSecretPost(secret) : kind === 'client_secret_basic' ? oauth.ClientSecretBasic(secret) : oauth.None();
  return { client, auth };
}

/** A resource server's view of a bearer token: RFC 9068 validation with the API as audience. */
function validateAtApi(as: oauth.AuthorizationServer, accessToken: string): Promise<oauth.JWTAccessTokenClaims> {
  const request = new Request(new URL('posts', API), { headers: { authorization: `Bearer ${accessToken}` } });
  return oauth.validateJwtAccessToken(as, request, API, insecure);
}

/**
 * The whole life of a grant as oauth4webapi sees it: authorization in Chromium, the code exchange,
 * the access token at the API, userinfo, a refresh, and revocation of the refresh token.
 */
async function fullFlow(as: oauth.AuthorizationServer, kind: AuthKind, server: TestServer): Promise<void> {
  const { client: registered, auth } = await thirdPartyClient(server, kind);
  const client: oauth.Client = { client_id: registered.clientId };
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();

  const authorizationUrl = new URL(as.authorization_endpoint ?? '');
  for (const [name, value] of Object.entries({
    client_id: client.client_id,
    redirect_uri: callback.redirectUri,
    response_type: 'code',
    scope: SCOPE,
    audience: API,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  })) {
    authorizationUrl.searchParams.set(name, value);
  }
  const { url: landed } = await signInAndAccept(browser, authorizationUrl, callback.redirectUri);
  const response = callback.received(state);
  expect(landed.href).toBe(response.href);
  expect(response.searchParams.get('iss')).toBe(server.issuer);

  // RFC 9207: the metadata announced `iss`, so oauth4webapi requires it and compares it to the issuer.
  const params = oauth.validateAuthResponse(as, client, response, state);
  const tokens = await oauth.processAuthorizationCodeResponse(
    as,
    client,
    await oauth.authorizationCodeGrantRequest(as, client, auth, params, callback.redirectUri, verifier, insecure),
    { expectedNonce: nonce, requireIdToken: true },
  );
  expect(tokens.token_type).toBe('bearer');
  expect(tokens.scope?.split(' ').sort()).toEqual(SCOPE.split(' ').sort());
  const idToken = oauth.getValidatedIdTokenClaims(tokens);
  expect(idToken?.aud).toBe(client.client_id);
  expect(idToken?.nonce).toBe(nonce);
  const sub = idToken?.sub ?? '';

  const accessClaims = await validateAtApi(as, tokens.access_token);
  expect(accessClaims.sub).toBe(sub);
  expect(accessClaims.client_id).toBe(client.client_id);
  expect(String(accessClaims.scope).split(' ')).toContain('read:posts');

  const userinfo = await oauth.processUserInfoResponse(as, client, sub, await oauth.userInfoRequest(as, client, tokens.access_token, insecure));
  expect(userinfo).toMatchObject({ sub, email: USER.email, name: USER.name });

  const refreshToken = tokens.refresh_token;
  expect(typeof refreshToken).toBe('string');
  const refreshed = await oauth.processRefreshTokenResponse(
    as,
    client,
    await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken ?? '', insecure),
  );
  expect((await validateAtApi(as, refreshed.access_token)).sub).toBe(sub);
  const rotated = refreshed.refresh_token ?? '';
  expect(rotated).not.toBe('');
  expect(rotated).not.toBe(refreshToken);

  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, rotated, insecure));
  const afterRevocation = oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, rotated, insecure));
  await expect(afterRevocation).rejects.toMatchObject({ error: 'invalid_grant', status: 400 });
}

describe('router at "/"', () => {
  test('RFC 8414 discovery at /.well-known/oauth-authorization-server and OIDC discovery describe the same issuer', async () => {
    const oauth2 = await discover(root.issuer, 'oauth2');
    const oidc = await discover(root.issuer, 'oidc');
    expect(oauth2.url).toBe(`${root.origin}/.well-known/oauth-authorization-server`);
    expect(oidc.url).toBe(`${root.origin}/.well-known/openid-configuration`);
    for (const { as } of [oauth2, oidc]) {
      expect(as.issuer).toBe(root.issuer);
      expect(as.code_challenge_methods_supported).toContain('S256');
      expect(as.authorization_response_iss_parameter_supported).toBe(true);
    }
    expect(endpoints(oauth2.as)).toEqual(endpoints(oidc.as));
  });

  test.each<[AuthKind, 'oidc' | 'oauth2']>([
    ['client_secret_post', 'oauth2'],
    ['client_secret_basic', 'oidc'],
    ['none', 'oauth2'],
  ])('code flow with PKCE, %s, metadata from %s discovery', async (kind, algorithm) => {
    await fullFlow((await discover(root.issuer, algorithm)).as, kind, root);
  });
});

describe('router under "/auth"', () => {
  let mounted: TestServer;
  let host: TestServer;

  beforeAll(async () => {
    [mounted, host] = await Promise.all([startTestServer({}, '/auth'), startHostApp('/auth')]);
    for (const server of [mounted, host]) {
      await seedWorld(server);
      await allowOfflineAccess(server);
    }
  }, 60000);

  afterAll(async () => {
    await mounted?.close();
    await host?.close();
  });

  test('OIDC discovery appends to the issuer path: the router alone serves it', async () => {
    const { as, url } = await discover(mounted.issuer, 'oidc');
    expect(url).toBe(`${mounted.origin}/auth/.well-known/openid-configuration`);
    expect(as.issuer).toBe(mounted.issuer);
    expect(as.authorization_response_iss_parameter_supported).toBe(true);
  });

  test('code flow with PKCE through the router under /auth (OIDC metadata)', async () => {
    await fullFlow((await discover(mounted.issuer, 'oidc')).as, 'client_secret_basic', mounted);
  });

  test('RFC 8414 path insertion (/.well-known/oauth-authorization-server/auth) is served when the host mounts auth.wellKnown at its root', async () => {
    const oauth2 = await discover(host.issuer, 'oauth2');
    expect(oauth2.url).toBe(`${host.origin}/.well-known/oauth-authorization-server/auth`);
    expect(oauth2.as.issuer).toBe(host.issuer);
    expect(oauth2.as.code_challenge_methods_supported).toContain('S256');
    expect(oauth2.as.authorization_response_iss_parameter_supported).toBe(true);
    expect(endpoints(oauth2.as)).toEqual(endpoints((await discover(host.issuer, 'oidc')).as));
  });

  test('code flow with PKCE through the RFC 8414 metadata of the issuer under /auth', async () => {
    await fullFlow((await discover(host.issuer, 'oauth2')).as, 'client_secret_post', host);
  });
});
