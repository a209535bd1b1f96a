/// <reference lib="dom" />
/**
 * @auth0/auth0-spa-js 2.27.0, unmodified, in Chromium, in a page served from another origin than the
 * server (127.0.0.1 on another port: same site, so the session cookie still reaches a hidden iframe).
 * Login with redirect and the consent dialog, refresh tokens from the browser, silent authentication
 * through response_mode=web_message, CORS on the token endpoints, the refusals, and logout.
 *
 * The SDK builds every URL as `${domainUrl}${path}` where getDomain keeps a domain that starts with
 * http:// or https://, so `domain: 'http://127.0.0.1:PORT'` reaches the test issuer; the ID token's
 * expected issuer is then `${domainUrl}/` (an `issuer` option would be forced to https://). Its web
 * worker only forwards requests whose path is exactly /oauth/token, so the server is mounted at "/".
 */
import { decodeJwt } from 'jose';
import type { BrowserContext, Page, Request as PwRequest, Response as PwResponse } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { API, USER, allowOfflineAccess, managementFor, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium, listen, signInOnLoginPage, type RunningApp } from './harness.js';
import { createSpaApp } from './spa/spaApp.js';

type Mode = 'iframe' | 'refresh';
interface Outcome {
  token?: string;
  error?: string;
  description?: string;
}
interface SpaResult extends Outcome {
  mode?: Mode;
  user?: Record<string, unknown>;
}
interface WebMessage {
  origin: string;
  data: { type: string; response: Record<string, unknown> };
}
interface SpaWindow {
  spaState?: 'ready' | 'signed-in' | 'error';
  spaResult?: SpaResult;
  spaMessages: WebMessage[];
  spa: {
    start(mode: Mode): Promise<Mode>;
    login(): Promise<void>;
    token(options?: Record<string, unknown>): Promise<Outcome>;
    user(): Promise<Record<string, unknown> | undefined>;
    logout(returnTo: string): Promise<void>;
    rawFetch(url: string, init: RequestInit): Promise<Outcome & { status?: number; body?: string }>;
  };
}

const SCOPE = 'openid profile email read:posts';
const CONSENT_TEXT = 'is requesting access to your account';
const WAIT_MS = 20_000;

let server: TestServer;
let browser: Browser;
let spa: RunningApp;
let stranger: RunningApp;
let clientId: string;
let userId: string;

beforeAll(async () => {
  // At "/": the SDK's refresh-token worker refuses any token URL whose path is not exactly /oauth/token.
  server = await startTestServer({ companyName: 'Contoso' }, '/');
  ({ userId } = await seedWorld(server));
  const api = await managementFor(server);

  const registered = createSpaApp();
  const unregistered = createSpaApp();
  spa = await listen(registered.app);
  stranger = await listen(unregistered.app);

  // The stranger's callback is registered so that its requests get as far as the origin checks: only
  // allowed_origins / web_origins tell the two apps apart.
  const created = await api.post('clients', {
    name: 'Contoso SPA',
    app_type: 'spa',
    token_endpoint_auth_method: 'none',
    callbacks: [`${spa.origin}/`, `${stranger.origin}/`],
    allowed_origins: [spa.origin],
    web_origins: [spa.origin],
    allowed_logout_urls: [`${spa.origin}/`],
    grant_types: ['authorization_code', 'refresh_token'],
  });
  if (created.status !== 201) throw new Error(`client: ${created.status} ${JSON.stringify(created.body)}`);
  clientId = created.body.client_id as string;

  await allowOfflineAccess(server);

  const config = { domain: server.issuer.replace(/\/$/, ''), clientId, audience: API, scope: SCOPE, authorizeTimeoutInSeconds: 8 };
  registered.configure(config);
  unregistered.configure(config);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await spa?.close();
  await stranger?.close();
  await server?.close();
});

// ---------------------------------------------------------------------------------------------------
// Browser plumbing

interface Seen {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string | null;
}

/** Every request the page (its frames and its web worker) made to the server, with the answer. */
function recordServerTraffic(page: Page): { seen: Seen[]; settled(): Promise<void> } {
  const seen: Seen[] = [];
  const pending: Promise<void>[] = [];
  page.on('response', (response: PwResponse) => {
    if (!response.url().startsWith(server.origin)) return;
    const request: PwRequest = response.request();
    pending.push(
      (async () => {
        const json = (response.headers()['content-type'] ?? '').includes('json');
        seen.push({
          url: new URL(response.url()),
          method: request.method(),
          headers: await request.allHeaders(),
          body: request.postData(),
          status: response.status(),
          responseHeaders: await response.allHeaders(),
          responseBody: json ? await response.text().catch(() => null) : null,
        });
      })(),
    );
  });
  return { seen, settled: async () => void (await Promise.all(pending)) };
}

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  return { context, page };
}

async function waitForSpa(page: Page, states: NonNullable<SpaWindow['spaState']>[]): Promise<{ state: string; result: SpaResult }> {
  await page.waitForFunction((wanted: string[]) => wanted.includes((window as unknown as SpaWindow).spaState ?? ''), states, { timeout: WAIT_MS });
  return page.evaluate(() => ({ state: (window as unknown as SpaWindow).spaState ?? '', result: (window as unknown as SpaWindow).spaResult ?? {} }));
}

async function openApp(page: Page, app: RunningApp, mode: Mode): Promise<void> {
  await page.goto(`${app.origin}/`);
  await waitForSpa(page, ['ready']);
  await page.evaluate((m) => (window as unknown as SpaWindow).spa.start(m), mode);
}

/**
 * loginWithRedirect → our login page → (consent) → back at the app, which runs handleRedirectCallback,
 * getUser and getTokenSilently on load. Returns whether the consent dialog was shown.
 */
async function signInThroughSdk(page: Page, app: RunningApp, mode: Mode): Promise<{ consentShown: boolean; state: string; result: SpaResult }> {
  await openApp(page, app, mode);
  // Not awaited inside the page: the call navigates the page away.
  await page.evaluate(() => void (window as unknown as SpaWindow).spa.login());
  await page.waitForURL((url) => url.origin === server.origin && url.pathname.endsWith('/u/login'), { timeout: WAIT_MS });
  await signInOnLoginPage(page);
  await page.waitForURL((url) => url.origin === app.origin || url.pathname.endsWith('/u/consent'), { timeout: WAIT_MS });
  let consentShown = false;
  if (new URL(page.url()).pathname.endsWith('/u/consent')) {
    consentShown = true;
    await page.waitForSelector(`text=${CONSENT_TEXT}`, { timeout: WAIT_MS });
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((url) => url.origin === app.origin, { timeout: WAIT_MS });
  }
  const { state, result } = await waitForSpa(page, ['signed-in', 'error']);
  return { consentShown, state, result };
}

function webMessages(page: Page): Promise<WebMessage[]> {
  return page.evaluate(() => (window as unknown as SpaWindow).spaMessages);
}

function audiences(token: string): string[] {
  const { aud } = decodeJwt(token);
  return aud === undefined ? [] : Array.isArray(aud) ? aud : [aud];
}

function form(body: string | null): URLSearchParams {
  return new URLSearchParams(body ?? '');
}

function tokenCalls(seen: Seen[]): Seen[] {
  return seen.filter((s) => s.method === 'POST' && s.url.pathname === '/oauth/token');
}

function expectSignedIn(outcome: { state: string; result: SpaResult }): string {
  expect({ state: outcome.state, error: outcome.result.error, description: outcome.result.description }).toEqual({
    state: 'signed-in',
    error: undefined,
    description: undefined,
  });
  expect(outcome.result.user).toMatchObject({ sub: userId, email: USER.email });
  expect(typeof outcome.result.token).toBe('string');
  return outcome.result.token as string;
}

// ---------------------------------------------------------------------------------------------------
// CORS, checked from Node: exactly what a browser would send and must receive.

async function preflight(path: string, origin: string, method: string, requestHeaders: string): Promise<Response> {
  return fetch(`${server.issuer}${path}`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': requestHeaders },
  });
}

function listHeader(response: Response, name: string): string[] {
  return (response.headers.get(name) ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);
}

function expectPreflightAllowed(response: Response, origin: string, method: string, headers: string[]): void {
  const summary = {
    status: [200, 204].includes(response.status),
    allowOrigin: response.headers.get('access-control-allow-origin'),
    allowsMethod: listHeader(response, 'access-control-allow-methods').includes(method.toLowerCase()),
    allowsHeaders: headers.every((h) => listHeader(response, 'access-control-allow-headers').includes(h)),
  };
  expect(summary).toEqual({ status: true, allowOrigin: origin, allowsMethod: true, allowsHeaders: true });
  // A credentialed response may never name every origin.
  if (response.headers.get('access-control-allow-credentials') === 'true') expect(summary.allowOrigin).not.toBe('*');
}

function corsHeadersOf(response: Response): Record<string, string> {
  const cors: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name.startsWith('access-control-')) cors[name] = value;
  });
  return cors;
}

describe('CORS on the endpoints a browser calls', () => {
  test('OPTIONS /oauth/token: a registered origin may POST with content-type (and the SDK’s auth0-client)', async () => {
    expectPreflightAllowed(await preflight('oauth/token', spa.origin, 'POST', 'content-type'), spa.origin, 'POST', ['content-type']);
    // Chromium names only the non-safelisted header for the SDK's form-encoded POST: auth0-client.
    expectPreflightAllowed(await preflight('oauth/token', spa.origin, 'POST', 'auth0-client'), spa.origin, 'POST', ['auth0-client']);
  });

  test('OPTIONS /oauth/revoke: a registered origin may POST with content-type and auth0-client', async () => {
    expectPreflightAllowed(await preflight('oauth/revoke', spa.origin, 'POST', 'auth0-client,content-type'), spa.origin, 'POST', ['auth0-client', 'content-type']);
  });

  test('OPTIONS /userinfo: a registered origin may GET with an Authorization header', async () => {
    expectPreflightAllowed(await preflight('userinfo', spa.origin, 'GET', 'authorization'), spa.origin, 'GET', ['authorization']);
  });

  test('an origin no client lists gets no CORS headers at all, on any of the three', async () => {
    for (const [path, method, headers] of [
      ['oauth/token', 'POST', 'content-type'],
      ['oauth/revoke', 'POST', 'content-type'],
      ['userinfo', 'GET', 'authorization'],
    ] as const) {
      const response = await preflight(path, stranger.origin, method, headers);
      expect({ path, cors: corsHeadersOf(response) }).toEqual({ path, cors: {} });
    }
  });

  test('the POST itself carries Access-Control-Allow-Origin for a registered origin, errors included', async () => {
    const post = (origin: string) =>
      fetch(`${server.issuer}oauth/token`, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code: 'not-a-code', code_verifier: 'x'.repeat(43), redirect_uri: `${spa.origin}/` }),
      });
    // The SDK reads the error JSON (invalid_grant, login_required…); without the header it sees only "Failed to fetch".
    const registered = await post(spa.origin);
    expect({ status: registered.status, allowOrigin: registered.headers.get('access-control-allow-origin') }).toEqual({ status: 400, allowOrigin: spa.origin });
    const unknown = await post(stranger.origin);
    expect({ status: unknown.status, cors: corsHeadersOf(unknown) }).toEqual({ status: 400, cors: {} });
  });

  test('answers that differ by Origin say so (Vary: Origin), so no cache hands one origin’s answer to another', async () => {
    const response = await preflight('oauth/token', spa.origin, 'POST', 'content-type');
    expect(listHeader(response, 'vary')).toContain('origin');
  });
});

// ---------------------------------------------------------------------------------------------------
// The SDK in Chromium

describe('auth0-spa-js 2.27.0 in a page on another origin', () => {
  test('loginWithRedirect → login → consent → handleRedirectCallback; getUser and getTokenSilently', async () => {
    const { context, page } = await newPage();
    const traffic = recordServerTraffic(page);
    try {
      const outcome = await signInThroughSdk(page, spa, 'iframe');
      expect(outcome.consentShown).toBe(true);
      const token = expectSignedIn(outcome);
      expect(audiences(token)).toContain(API);
      expect(decodeJwt(token).sub).toBe(userId);

      await traffic.settled();
      const authorize = traffic.seen.find((s) => s.url.pathname === '/authorize');
      expect(authorize?.url.searchParams.get('client_id')).toBe(clientId);
      expect(authorize?.url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize?.url.searchParams.has('auth0Client')).toBe(true);
      const [exchange] = tokenCalls(traffic.seen);
      // The contract the server must meet: a form-encoded POST (useFormData defaults to true) with the
      // Auth0-Client telemetry header, which makes it a preflighted cross-origin request.
      expect(exchange?.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(JSON.parse(Buffer.from(exchange?.headers['auth0-client'] ?? '', 'base64').toString())).toEqual({ name: 'auth0-spa-js', version: '2.27.0' });
      expect(exchange?.headers.origin).toBe(spa.origin);
      expect(Object.fromEntries(form(exchange?.body ?? null))).toMatchObject({ grant_type: 'authorization_code', client_id: clientId, redirect_uri: `${spa.origin}/` });
      expect(exchange?.responseHeaders['access-control-allow-origin']).toBe(spa.origin);

      // The app's own call to /userinfo with the SDK's access token: a preflighted GET (Authorization).
      const userinfo = await page.evaluate(
        ([url, bearer]) => (window as unknown as SpaWindow).spa.rawFetch(url, { headers: { Authorization: `Bearer ${bearer}` } }),
        [`${server.issuer}userinfo`, token] as const,
      );
      expect({ status: userinfo.status, error: userinfo.error }).toEqual({ status: 200, error: undefined });
      expect(JSON.parse(userinfo.body ?? '{}')).toMatchObject({ sub: userId, email: USER.email });
    } finally {
      await context.close();
    }
  });

  test('useRefreshTokens: getTokenSilently({ cacheMode: "off" }) refreshes from the browser and the refresh token rotates', async () => {
    const { context, page } = await newPage();
    const traffic = recordServerTraffic(page);
    try {
      const outcome = await signInThroughSdk(page, spa, 'refresh');
      const first = expectSignedIn(outcome);
      expect(decodeJwt(first).scope).toEqual(expect.stringContaining('read:posts'));

      const second = await page.evaluate(() => (window as unknown as SpaWindow).spa.token({ cacheMode: 'off' }));
      expect(second.error ?? null).toBeNull();
      const third = await page.evaluate(() => (window as unknown as SpaWindow).spa.token({ cacheMode: 'off' }));
      expect(third.error ?? null).toBeNull();
      expect(new Set([first, second.token, third.token]).size).toBe(3);
      expect(audiences(third.token ?? '')).toContain(API);

      await traffic.settled();
      const calls = tokenCalls(traffic.seen);
      const code = calls.find((c) => form(c.body).get('grant_type') === 'authorization_code');
      const refreshes = calls.filter((c) => form(c.body).get('grant_type') === 'refresh_token');
      expect(code && refreshes.length).toBe(2);
      const issued = [code, ...refreshes].map((c) => JSON.parse(c?.responseBody ?? '{}').refresh_token as string | undefined);
      const presented = refreshes.map((c) => form(c.body).get('refresh_token'));
      // Each refresh presents the token the previous answer issued, and gets a new one back.
      expect(presented).toEqual([issued[0], issued[1]]);
      expect(new Set(issued).size).toBe(3);
      expect(issued.every((t) => typeof t === 'string' && t.length > 0)).toBe(true);
      for (const r of refreshes) expect(r.responseHeaders['access-control-allow-origin']).toBe(spa.origin);

      // Replaying a rotated token revokes the family: the SDK's next refresh gets the error itself
      // (readable only because the error response also carries Access-Control-Allow-Origin).
      const replay = await fetch(`${server.issuer}oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, refresh_token: issued[0] ?? '' }),
      });
      expect(replay.status).toBe(400);
      const afterReplay = await page.evaluate(() => (window as unknown as SpaWindow).spa.token({ cacheMode: 'off' }));
      expect({ token: afterReplay.token, error: afterReplay.error }).toEqual({ token: undefined, error: 'invalid_grant' });
    } finally {
      await context.close();
    }
  });

  test('without refresh tokens: getTokenSilently({ cacheMode: "off" }) uses a hidden iframe and response_mode=web_message', async () => {
    const { context, page } = await newPage();
    const traffic = recordServerTraffic(page);
    try {
      const first = expectSignedIn(await signInThroughSdk(page, spa, 'iframe'));
      const silent = await page.evaluate(() => (window as unknown as SpaWindow).spa.token({ cacheMode: 'off' }));
      expect({ error: silent.error, description: silent.description }).toEqual({ error: undefined, description: undefined });
      expect(silent.token).not.toBe(first);
      expect(audiences(silent.token ?? '')).toContain(API);

      await traffic.settled();
      const framed = traffic.seen.find((s) => s.url.pathname === '/authorize' && s.url.searchParams.get('response_mode') === 'web_message');
      expect(framed?.url.searchParams.get('prompt')).toBe('none');
      // The web_message page is the only one that may be framed, and only by the client's web origin.
      const csp = framed?.responseHeaders['content-security-policy'] ?? '';
      expect(csp).toMatch(new RegExp(`frame-ancestors ${spa.origin.replace(/[.:/]/g, '\\$&')}(;|$)`));
      expect(framed?.responseHeaders['x-frame-options']).toBeUndefined();
      const exchanges = tokenCalls(traffic.seen).filter((c) => form(c.body).get('grant_type') === 'authorization_code');
      expect(exchanges).toHaveLength(2);
      // What runIframe accepts: a message from the server's origin, { type, response: { code, state } }.
      const messages = await webMessages(page);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ origin: server.origin, data: { type: 'authorization_response', response: { code: expect.any(String), state: expect.any(String) } } });
      expect(messages[0]?.data.response.code).toBe(form(exchanges[1]?.body ?? null).get('code'));
      expect(messages[0]?.data.response.state).toBe(framed?.url.searchParams.get('state'));
    } finally {
      await context.close();
    }
  });

  test('an origin not in allowed_origins: the SDK gets a code but its token request is refused by CORS', async () => {
    const { context, page } = await newPage();
    const traffic = recordServerTraffic(page);
    try {
      const outcome = await signInThroughSdk(page, stranger, 'iframe');
      await traffic.settled();
      // The authorization response did reach the stranger (its callback is registered)…
      const callback = traffic.seen.find((s) => s.status === 302 && (s.responseHeaders.location ?? '').startsWith(`${stranger.origin}/?`));
      expect(new URL(callback?.responseHeaders.location ?? 'x:/').searchParams.get('code')).toBeTruthy();
      // …but the browser would not let the page read the token endpoint's answer.
      expect({ state: outcome.state, token: outcome.result.token, error: outcome.result.error }).toEqual({ state: 'error', token: undefined, error: 'TypeError' });
      expect(outcome.result.description).toMatch(/Failed to fetch/);

      const raw = await page.evaluate(
        ([url, id]) =>
          (window as unknown as SpaWindow).spa.rawFetch(url, {
            method: 'POST',
            headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Auth0-Client': btoa('{"name":"auth0-spa-js","version":"2.27.0"}') },
            body: `grant_type=refresh_token&client_id=${id}&refresh_token=nothing`,
          }),
        [`${server.issuer}oauth/token`, clientId] as const,
      );
      expect({ status: raw.status, error: raw.error }).toEqual({ status: undefined, error: 'TypeError' });
    } finally {
      await context.close();
    }
  });

  test('an origin not in web_origins: silent authentication fails with an error and no token', async () => {
    const { context, page } = await newPage();
    const traffic = recordServerTraffic(page);
    try {
      // Signed in at the server through the registered app, so only the stranger's origin is at fault.
      expectSignedIn(await signInThroughSdk(page, spa, 'iframe'));
      await openApp(page, stranger, 'iframe');
      const silent = await page.evaluate(() => (window as unknown as SpaWindow).spa.token({ cacheMode: 'off' }));
      // No message may reach an unregistered origin, so the SDK can only give up waiting for one.
      expect({ token: silent.token, error: silent.error }).toEqual({ token: undefined, error: 'timeout' });

      await traffic.settled();
      const framed = traffic.seen.filter((s) => s.url.pathname === '/authorize' && s.url.searchParams.get('redirect_uri') === `${stranger.origin}/`);
      expect(framed.length).toBeGreaterThan(0);
      // No code was handed to the stranger, by message, redirect or otherwise, and it may not frame the page.
      expect((await webMessages(page)).filter((m) => m.data.response.code !== undefined)).toEqual([]);
      for (const f of framed) expect(f.responseHeaders['content-security-policy'] ?? '').not.toContain(stranger.origin);
      expect(tokenCalls(traffic.seen).filter((c) => form(c.body).get('redirect_uri') === `${stranger.origin}/`)).toHaveLength(0);
    } finally {
      await context.close();
    }
  });

  test('logout({ logoutParams: { returnTo } }) ends the session: silent authentication then answers login_required', async () => {
    const { context, page } = await newPage();
    const traffic = recordServerTraffic(page);
    try {
      expectSignedIn(await signInThroughSdk(page, spa, 'iframe'));
      const before = await page.evaluate(() => (window as unknown as SpaWindow).spa.token({ cacheMode: 'off' }));
      expect(before.error ?? null).toBeNull();

      // Not awaited inside the page: logout navigates to /v2/logout, which redirects back to returnTo.
      await page.evaluate((returnTo) => void (window as unknown as SpaWindow).spa.logout(returnTo), `${spa.origin}/`);
      await page.waitForResponse((r) => new URL(r.url()).pathname === '/v2/logout', { timeout: WAIT_MS });
      await page.waitForURL(`${spa.origin}/`, { timeout: WAIT_MS });
      await waitForSpa(page, ['ready']);
      await page.evaluate(() => (window as unknown as SpaWindow).spa.start('iframe'));
      expect(await page.evaluate(() => (window as unknown as SpaWindow).spa.user())).toBeUndefined();
      const after = await page.evaluate(() => (window as unknown as SpaWindow).spa.token({ cacheMode: 'off' }));
      expect({ token: after.token, error: after.error }).toEqual({ token: undefined, error: 'login_required' });
      const [refusal] = await webMessages(page);
      expect(refusal).toMatchObject({ origin: server.origin, data: { type: 'authorization_response', response: { error: 'login_required', state: expect.any(String) } } });

      await traffic.settled();
      const logout = traffic.seen.find((s) => s.url.pathname === '/v2/logout');
      expect(Object.fromEntries(logout?.url.searchParams ?? [])).toMatchObject({ client_id: clientId, returnTo: `${spa.origin}/` });
      expect(logout?.status).toBe(302);
    } finally {
      await context.close();
    }
  });
});
