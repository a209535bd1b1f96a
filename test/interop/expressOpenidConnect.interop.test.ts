/**
 * express-openid-connect 3.4 (Auth0's SDK for regular web apps) against our server, in Chromium:
 * its default configuration (id_token + form_post), the code flow with an API and refresh tokens, a
 * second sign-in that goes straight back (the path CSP form-action once broke), and both logouts.
 */
import { decodeJwt } from 'jose';
import type { Browser } from 'playwright-core';
import { API, allowOfflineAccess, seedWorld } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { launchChromium } from './harness.js';
import { startEocApp, type EocApp, type EocConfig, type SignedInState, type TokenState } from './browser-paths/eocApp.js';
import { describePage, openTab, screenshot, walk, type Tab } from './browser-paths/walk.js';

let browser: Browser;
let server: TestServer;
let userId: string;
const apps: EocApp[] = [];
const tabs: Tab[] = [];

beforeAll(async () => {
  browser = await launchChromium();
  // At "/": auth0Logout builds new URL('/v2/logout', issuer), which drops an issuer's path.
  server = await startTestServer({}, '/');
  ({ userId } = await seedWorld(server));
  await allowOfflineAccess(server);
}, 60000);

afterAll(async () => {
  await Promise.all(tabs.map((tab) => tab.close().catch(() => undefined)));
  await browser?.close();
  await Promise.all(apps.map((app) => app.close()));
  await server?.close();
});

async function tab(): Promise<Tab> {
  const opened = await openTab(browser);
  tabs.push(opened);
  return opened;
}

async function app(name: string, config: EocConfig = {}): Promise<EocApp> {
  const started = await startEocApp(server, name, config);
  apps.push(started);
  return started;
}

/** The JSON an app route printed, or a failure that says what the browser shows instead. */
async function readJson<T>(t: Tab): Promise<T> {
  const text = await t.page
    .locator('#json')
    .innerText({ timeout: 5000 })
    .catch(async () => {
      throw new Error(`The app did not answer with its JSON page.\n${await describePage(t)}`);
    });
  return JSON.parse(text) as T;
}

/** Opens the app's protected /profile: the SDK sends the browser to us, and it comes back signed in. */
async function signInThroughApp(t: Tab, rp: EocApp, consent?: 'accept'): Promise<{ pages: string[]; state: SignedInState }> {
  const done = await walk(t, `${rp.origin}/profile`, `${rp.origin}/profile`, consent ? { consent } : {});
  return { pages: done.pages.filter((kind) => kind !== 'form_post'), state: await readJson<SignedInState>(t) };
}

const CODE_FLOW = {
  authorizationParams: { response_type: 'code', audience: API, scope: 'openid profile email read:posts offline_access' },
};

test('default configuration (id_token, form_post): sign in, consent, and the app shows req.oidc.user', async () => {
  const rp = await app('EOC default');
  const t = await tab();
  const { pages, state } = await signInThroughApp(t, rp, 'accept');
  expect(pages).toEqual(['login', 'consent']);
  expect(t.csp).toEqual([]);
  expect(state).toMatchObject({ authenticated: true, user: { sub: userId } });
  // The form_post went to the SDK's callback (POST /callback), which then redirected to /profile.
  expect(t.requests).toContain(`${rp.origin}/callback`);
  await screenshot(t.page, 'eoc-default-signed-in');
});

describe('code flow with an API and offline_access', () => {
  let rp: EocApp;

  beforeAll(async () => {
    rp = await app('EOC code flow', CODE_FLOW);
  });

  test('consent, then req.oidc.accessToken is an API token and accessToken.refresh() works', async () => {
    const t = await tab();
    const { pages, state } = await signInThroughApp(t, rp, 'accept');
    expect(pages).toEqual(['login', 'consent']);
    expect(t.csp).toEqual([]);
    expect(state).toMatchObject({ authenticated: true, user: { sub: userId } });

    await t.page.goto(`${rp.origin}/token`);
    const token = await readJson<TokenState>(t);
    expect(token.accessToken).toBeTruthy();
    expect(token.tokenType).toMatch(/^bearer$/i);
    expect(token.refreshToken).toBe(true);
    const claims = decodeJwt(token.accessToken ?? '');
    expect(claims).toMatchObject({ iss: server.issuer, sub: userId });
    expect([claims.aud].flat()).toContain(API);
    expect(String(claims.scope).split(' ')).toEqual(expect.arrayContaining(['read:posts', 'offline_access']));

    await t.page.goto(`${rp.origin}/refresh`);
    const refreshed = await readJson<TokenState>(t);
    expect(refreshed.accessToken).toBeTruthy();
    expect(refreshed.accessToken).not.toBe(token.accessToken);
    expect(decodeJwt(refreshed.accessToken ?? '')).toMatchObject({ sub: userId });
    expect(refreshed.refreshToken).toBe(true);
  });

  test('a second sign-in in a new browser: no consent, the login POST leads straight back, no CSP violation', async () => {
    const t = await tab();
    const { pages, state } = await signInThroughApp(t, rp);
    expect(pages).toEqual(['login']);
    expect(t.navigations.some((url) => url.includes('/u/consent'))).toBe(false);
    expect(t.csp).toEqual([]);
    expect(state).toMatchObject({ authenticated: true, user: { sub: userId } });
    await t.page.goto(`${rp.origin}/token`);
    expect((await readJson<TokenState>(t)).accessToken).toBeTruthy();
  });
});

describe.each([
  { style: 'idpLogout (OIDC RP-initiated, /oidc/logout)', config: { idpLogout: true }, endpoint: 'oidc/logout' },
  { style: 'auth0Logout (/v2/logout)', config: { idpLogout: true, auth0Logout: true }, endpoint: 'v2/logout' },
])('$style', ({ config, endpoint }) => {
  test('logout ends both sessions and returns to the app; the next login shows the login page', async () => {
    const rp = await app(`EOC logout ${endpoint}`, config);
    const t = await tab();
    const first = await signInThroughApp(t, rp, 'accept');
    expect(first.state.authenticated).toBe(true);

    await t.page.goto(`${rp.origin}/logout`);
    await t.page.waitForURL(`${rp.loggedOut}**`, { timeout: 15000 }).catch(async () => {
      throw new Error(`Logout did not return to ${rp.loggedOut}.\n${await describePage(t)}`);
    });
    expect(t.requests.some((url) => url.startsWith(`${server.issuer}${endpoint}?`))).toBe(true);
    expect(await readJson<SignedInState>(t)).toEqual({ authenticated: false });
    await t.page.goto(`${rp.origin}/`);
    expect(await readJson<SignedInState>(t)).toMatchObject({ authenticated: false });

    // Our session is gone too: signing in again asks for the password (the grant remains, so no consent).
    const again = await signInThroughApp(t, rp);
    expect(again.pages).toEqual(['login']);
    expect(again.state).toMatchObject({ authenticated: true, user: { sub: userId } });
    expect(t.csp).toEqual([]);
  });
});

test('a logout URL the client did not register is refused, not followed', async () => {
  const rp = await app('EOC unlisted logout', { idpLogout: true, routes: { postLogoutRedirect: '/elsewhere' } });
  const t = await tab();
  await signInThroughApp(t, rp, 'accept');
  await t.page.goto(`${rp.origin}/logout`);
  expect(t.page.url().startsWith(`${server.issuer}oidc/logout`)).toBe(true);
  expect(await t.page.locator('h1').innerText()).toBe('Logout URL not allowed');
});
