/**
 * The authorization code flow end to end: openid-client (discovery, PKCE, state, nonce, code exchange,
 * ID token validation) against a listening server, through the login page and the consent dialog.
 */
import { jwtVerify, createRemoteJWKSet, decodeJwt, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';
import { TestBrowser, textOf } from '../helpers/browser.js';
import {
  API,
  USER,
  expectPage,
  expectRedirect,
  finishFlow,
  isConsentPage,
  makeClient,
  seedWorld,
  signIn,
  startFlow,
} from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';

let server: TestServer;
let userId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ userId } = await seedWorld(server));
});
afterAll(async () => server?.close());

const grantsOf = (clientId: string) => server.auth.context.db('user_grants').where({ client_id: clientId, user_id: userId });

describe('consent dialog for a third-party client', () => {
  test('S15: the dialog is shown; Accept records the grant and the client gets verified tokens', async () => {
    const client = await makeClient(server, { name: 'Fabrikam', isFirstParty: false, callbacks: ['https://fabrikam.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client, { scope: 'openid profile email read:posts write:posts' });

    const consent = await signIn(browser, flow.url);
    expect(isConsentPage(consent)).toBe(true);
    const page = expectPage(consent);
    const text = textOf(page.html);
    expect(text).toContain('Fabrikam is requesting access to your account');
    expect(text).toContain('Signed in as Alice Example');
    expect(text).toContain('Contoso API');
    expect(text).toContain('Read your posts');
    expect(text).toContain('Publish posts on your behalf');
    expect(text).toContain('Third-party application');
    expect(text).toContain('fabrikam.example');
    expect(await grantsOf(client.clientId)).toHaveLength(0);

    const callback = expectRedirect(await browser.submit(page, { action: 'accept' }));
    expect(browser.history.at(-1)?.status).toBe(303);
    const tokens = await finishFlow(flow, callback);
    const claims = tokens.claims();
    expect(claims?.sub).toBe(userId);
    expect(claims?.email).toBe(USER.email);
    expect(claims?.nonce).toBe(flow.nonce);
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile', 'read:posts', 'write:posts']);

    const jwks = createRemoteJWKSet(new URL(`${server.issuer}.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: server.issuer, audience: API });
    expect(payload.sub).toBe(userId);
    expect(payload.scope).toBe(tokens.scope);
    expect(payload.azp).toBe(client.clientId);

    const grants = await grantsOf(client.clientId);
    expect(grants).toHaveLength(1);
    expect(grants[0].audience).toBe(API);
    expect(String(grants[0].scope).split(' ').sort()).toEqual(['email', 'openid', 'profile', 'read:posts', 'write:posts']);
  });

  test('S13: Decline redirects with access_denied and the state, and records no grant', async () => {
    const client = await makeClient(server, { name: 'Decliner', isFirstParty: false, callbacks: ['https://decliner.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const consent = expectPage(await signIn(browser, flow.url));
    const callback = new URL(expectRedirect(await browser.submit(consent, { action: 'decline' })));
    expect(browser.history.at(-1)?.status).toBe(303);
    expect(`${callback.origin}${callback.pathname}`).toBe('https://decliner.example/cb');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('error_description')).toMatch(/denied/i);
    expect(callback.searchParams.get('state')).toBe(flow.state);
    expect(callback.searchParams.get('iss')).toBe(server.issuer);
    expect(await grantsOf(client.clientId)).toHaveLength(0);
    await expect(finishFlow(flow, callback.toString())).rejects.toMatchObject({ error: 'access_denied' });
  });

  test('S16: a remembered grant skips the dialog; prompt=consent forces it again', async () => {
    const client = await makeClient(server, { name: 'Rememberer', isFirstParty: false, callbacks: ['https://rememberer.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const first = await startFlow(server, client);
    const consent = expectPage(await signIn(browser, first.url));
    await finishFlow(first, expectRedirect(await browser.submit(consent, { action: 'accept' })));

    const second = await startFlow(server, client);
    const callback = expectRedirect(await browser.request(second.url.toString()));
    const tokens = await finishFlow(second, callback);
    expect(tokens.claims()?.sub).toBe(userId);

    const forced = await startFlow(server, client, { prompt: 'consent' });
    const again = await browser.request(forced.url.toString());
    expect(isConsentPage(again)).toBe(true);
    expect(textOf(expectPage(again).html)).toContain('Read your posts read:posts allowed before');
  });

  test('S16: a grant that covers only part of the request shows the dialog for the missing scopes only', async () => {
    const client = await makeClient(server, { name: 'Grower', isFirstParty: false, callbacks: ['https://grower.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const first = await startFlow(server, client, { scope: 'openid read:posts' });
    await finishFlow(first, expectRedirect(await browser.submit(expectPage(await signIn(browser, first.url)), { action: 'accept' })));

    const wider = await startFlow(server, client, { scope: 'openid read:posts write:posts' });
    const consent = expectPage(await browser.request(wider.url.toString()));
    expect(consent.html).toContain('value="write:posts"');
    expect(consent.html).not.toContain('value="read:posts"');
    const tokens = await finishFlow(wider, expectRedirect(await browser.submit(consent, { action: 'accept' })));
    expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'read:posts', 'write:posts']);
    const grants = await grantsOf(client.clientId);
    expect(String(grants[0].scope).split(' ').sort()).toEqual(['openid', 'read:posts', 'write:posts']);
  });

  test('S10: unticking a scope grants less; the token carries exactly what was granted', async () => {
    const client = await makeClient(server, { name: 'Narrower', isFirstParty: false, callbacks: ['https://narrower.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client, { scope: 'openid read:posts write:posts' });
    const consent = expectPage(await signIn(browser, flow.url));
    // Ticking a scope that was never requested must not widen the grant.
    const tokens = await finishFlow(flow, expectRedirect(await browser.submit(consent, { action: 'accept', scope: ['read:posts', 'delete:everything'] })));
    expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'read:posts']);
    expect(String((await grantsOf(client.clientId))[0].scope).split(' ').sort()).toEqual(['openid', 'read:posts']);
  });
});

describe('first-party clients', () => {
  test('S15: a first-party client on a real host skips the dialog when the API allows it', async () => {
    const client = await makeClient(server, { name: 'Contoso Web', callbacks: ['https://app.contoso.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const callback = expectRedirect(await signIn(browser, flow.url));
    const tokens = await finishFlow(flow, callback);
    expect(tokens.claims()?.sub).toBe(userId);
  });

  test.each(['http://localhost:8080/cb', 'http://127.0.0.1:9000/cb', 'http://app.localhost/cb', 'http://[::1]:7000/cb'])(
    'S15: a first-party client redirecting to %s still sees the dialog',
    async (callbackUrl) => {
      const client = await makeClient(server, { name: 'Local Dev', callbacks: [callbackUrl] });
      const browser = new TestBrowser(server.origin);
      const flow = await startFlow(server, client);
      expect(isConsentPage(await signIn(browser, flow.url))).toBe(true);
    },
  );

  test('S15: a first-party client sees the dialog for an API that does not allow skipping', async () => {
    await server.auth.admin.createResourceServer({ identifier: 'https://strict.test/', name: 'Strict API', scopes: [{ value: 'read', description: 'Read' }] });
    const client = await makeClient(server, { name: 'Strict Client', callbacks: ['https://strict-client.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client, { audience: 'https://strict.test/', scope: 'openid read' });
    expect(isConsentPage(await signIn(browser, flow.url))).toBe(true);
  });
});

describe('tokens', () => {
  test('RS256 ID tokens verify against the published JWKS', async () => {
    const client = await makeClient(server, { name: 'RS App', callbacks: ['https://rs.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const tokens = await finishFlow(flow, expectRedirect(await signIn(browser, flow.url)));
    expect(decodeProtectedHeader(tokens.id_token ?? '').alg).toBe('RS256');
    const jwks = createRemoteJWKSet(new URL(`${server.issuer}.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.id_token ?? '', jwks, { issuer: server.issuer, audience: client.clientId });
    expect(payload.nonce).toBe(flow.nonce);
    expect(typeof payload.auth_time).toBe('number');
    expect(typeof payload.at_hash).toBe('string');
  });

  test('HS256 ID tokens are signed with the client secret and verify with it', async () => {
    const client = await makeClient(server, { name: 'HS App', callbacks: ['https://hs.example/cb'], jwtAlg: 'HS256' });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const tokens = await finishFlow(flow, expectRedirect(await signIn(browser, flow.url)));
    expect(decodeProtectedHeader(tokens.id_token ?? '').alg).toBe('HS256');
    const { payload } = await jwtVerify(tokens.id_token ?? '', new TextEncoder().encode(client.clientSecret ?? ''), {
      issuer: server.issuer,
      audience: client.clientId,
    });
    expect(payload.sub).toBe(userId);
  });

  test('client_secret_basic authenticates at the token endpoint', async () => {
    const client = await makeClient(server, { name: 'Basic App', callbacks: ['https://basic.example/cb'], tokenEndpointAuthMethod: 'client_secret_basic' });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const tokens = await finishFlow(flow, expectRedirect(await signIn(browser, flow.url)));
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(86400);
  });

  test('a public (native) client uses PKCE with no secret', async () => {
    const client = await makeClient(server, { name: 'Phone App', appType: 'native', callbacks: ['com.contoso.app:/callback'] });
    expect(client.clientSecret).toBeNull();
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const consent = expectPage(await signIn(browser, flow.url));
    const tokens = await finishFlow(flow, expectRedirect(await browser.submit(consent, { action: 'accept' })));
    expect(decodeJwt(tokens.access_token).client_id).toBe(client.clientId);
  });

  test('S4: a wrong PKCE verifier is rejected', async () => {
    const client = await makeClient(server, { name: 'PKCE App', callbacks: ['https://pkce.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const callback = expectRedirect(await signIn(browser, flow.url));
    await expect(finishFlow({ ...flow, verifier: oidc.randomPKCECodeVerifier() }, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('S19: a replayed code is rejected', async () => {
    const client = await makeClient(server, { name: 'Replay App', callbacks: ['https://replay.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const callback = expectRedirect(await signIn(browser, flow.url));
    await finishFlow(flow, callback);
    await expect(finishFlow(flow, callback)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('a request without an audience gets a token for userinfo and asks no API scopes', async () => {
    const client = await makeClient(server, { name: 'Profile Only', callbacks: ['https://profile.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client, { audience: null, scope: 'openid profile read:posts' });
    const tokens = await finishFlow(flow, expectRedirect(await signIn(browser, flow.url)));
    expect(tokens.scope).toBe('openid profile');
    expect(decodeJwt(tokens.access_token).aud).toBe(`${server.issuer}userinfo`);
  });
});

describe('consent form protection', () => {
  test('S9: a forged consent POST (wrong CSRF token) grants nothing, and the real one still works once', async () => {
    const client = await makeClient(server, { name: 'Forged', isFirstParty: false, callbacks: ['https://forged.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const consent = expectPage(await signIn(browser, flow.url));

    const forged = expectPage(await browser.submit(consent, { action: 'accept', csrf: 'forged-token' }));
    expect(forged.status).toBe(400);
    expect(await grantsOf(client.clientId)).toHaveLength(0);

    // Another browser session cannot use this transaction, even with its CSRF token.
    const attacker = new TestBrowser(server.origin);
    const stolen = expectPage(await attacker.submit(consent, { action: 'accept' }));
    expect(stolen.status).toBe(400);
    expect(await grantsOf(client.clientId)).toHaveLength(0);

    const callback = expectRedirect(await browser.submit(consent, { action: 'accept' }));
    await finishFlow(flow, callback);
    // S10: single use: the same form again is refused.
    const replay = expectPage(await browser.submit(consent, { action: 'accept' }));
    expect(replay.status).toBe(400);
    expect(await grantsOf(client.clientId)).toHaveLength(1);
  });

  test('S10: a transaction older than 10 minutes is refused', async () => {
    const client = await makeClient(server, { name: 'Slow', isFirstParty: false, callbacks: ['https://slow.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const consent = expectPage(await signIn(browser, flow.url));
    await server.auth.context.db('authorization_transactions').where({ client_id: client.clientId }).update({ expires_at: Date.now() - 1 });
    const late = expectPage(await browser.submit(consent, { action: 'accept' }));
    expect(late.status).toBe(400);
    expect(textOf(late.html)).toContain('expired');
    expect(await grantsOf(client.clientId)).toHaveLength(0);
  });

  test('S9: a GET of the consent page never grants anything', async () => {
    const client = await makeClient(server, { name: 'Getter', isFirstParty: false, callbacks: ['https://getter.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const consent = expectPage(await signIn(browser, flow.url));
    expectPage(await browser.request(`${consent.url}&action=accept`));
    expect(await grantsOf(client.clientId)).toHaveLength(0);
  });
});

describe('response modes', () => {
  test('form_post delivers the code in an auto-submitting form to the redirect URI', async () => {
    const client = await makeClient(server, { name: 'Poster', callbacks: ['https://poster.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client, { extra: { response_mode: 'form_post' } });
    const page = expectPage(await signIn(browser, flow.url));
    expect(page.html).toContain('action="https://poster.example/cb"');
    expect(page.headers.get('content-security-policy')).toContain('https://poster.example');
    const code = /name="code" value="([^"]+)"/.exec(page.html)?.[1];
    expect(code).toBeTruthy();
    const state = /name="state" value="([^"]+)"/.exec(page.html)?.[1];
    expect(state).toBe(flow.state);
    const tokens = await finishFlow(flow, `https://poster.example/cb?code=${code}&state=${state}&iss=${encodeURIComponent(server.issuer)}`);
    expect(tokens.claims()?.sub).toBe(userId);
  });
});
