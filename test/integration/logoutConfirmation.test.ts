/**
 * Issue 12, item 7: logout URLs are validated like callbacks, a stored unsafe one is never followed,
 * and a logout that cannot be tied to the client (a cross-site GET without a valid id_token_hint)
 * asks "Sign out of <company>?" with a CSRF-protected POST instead of ending the session.
 */
import request from 'supertest';
import { findForm, TestBrowser, textOf } from '../helpers/browser.js';
import { expectRedirect, finishFlow, makeClient, managementFor, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let client: Client;
const BYE = 'https://logout-app.example/bye';

beforeAll(async () => {
  server = await startTestServer({ companyName: 'Contoso' });
  await seedWorld(server);
  client = await makeClient(server, { name: 'Logout App', callbacks: ['https://logout-app.example/cb'], allowedLogoutUrls: [BYE] });
});
afterAll(async () => server?.close());

async function signedIn(): Promise<{ browser: TestBrowser; idToken: string }> {
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client, { scope: 'openid email' });
  const tokens = await finishFlow(flow, expectRedirect(await signIn(browser, flow.url)));
  return { browser, idToken: tokens.id_token ?? '' };
}

/** A GET as a browser sends it from another site's link, or from our own page. */
function visit(browser: TestBrowser, path: string, fetchSite: 'cross-site' | 'same-site' | 'same-origin' | null): Promise<Response> {
  return fetch(new URL(path, server.issuer), {
    redirect: 'manual',
    headers: { cookie: browser.cookieHeader(), ...(fetchSite ? { 'sec-fetch-site': fetchSite } : {}) },
  });
}

async function sessionAlive(browser: TestBrowser): Promise<boolean> {
  const sid = decodeURIComponent(browser.cookies.get('auth.sid') ?? '').replace(/^s:/, '').split('.')[0] ?? '';
  return (await server.auth.context.db('sessions').where({ sid }).first()) !== undefined;
}

describe('allowed_logout_urls are validated by the Management API', () => {
  test.each([['javascript:alert(document.domain)'], ['data:text/html,<script>alert(1)</script>'], ['not a url'], ['https://a.example/bye#frag'], ['vbscript:msgbox']])(
    'create and update refuse %s with a 400',
    async (bad) => {
      const api = await managementFor(server);
      const created = await api.post('clients', { name: 'Bad logout', allowed_logout_urls: [bad] });
      expect(created.status).toBe(400);
      expect(created.body.errorCode).toBe('invalid_body');
      const updated = await api.patch(`clients/${client.clientId}`, { allowed_logout_urls: [BYE, bad] });
      expect(updated.status).toBe(400);
    },
  );

  test('web pages and an app scheme in reverse-domain form are accepted', async () => {
    const api = await managementFor(server);
    const created = await api.post('clients', { name: 'Good logout', allowed_logout_urls: ['https://a.example/bye', 'http://localhost:3000/', 'com.example.app:/logout'] });
    expect(created.status).toBe(201);
  });

  test('a javascript: URL stored before validation existed is refused, never put in a Location', async () => {
    const stored = await server.auth.context.repos.clients.findById(client.clientId);
    if (!stored) throw new Error('client missing');
    const evil = 'javascript:alert(1)//';
    await server.auth.context.repos.clients.update({ ...stored, allowedLogoutUrls: [BYE, evil] });
    try {
      const res = await request(server.issuer).get(`v2/logout?client_id=${client.clientId}&returnTo=${encodeURIComponent(evil)}`);
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    } finally {
      await server.auth.context.repos.clients.update({ ...stored, allowedLogoutUrls: [BYE] });
    }
  });
});

describe('cross-site logout asks for confirmation', () => {
  test('a cross-site GET /v2/logout shows "Sign out of Contoso?" and keeps the session', async () => {
    const { browser } = await signedIn();
    const res = await visit(browser, 'v2/logout', 'cross-site');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(textOf(html)).toContain('Sign out of Contoso?');
    expect(html).toMatch(/<form method="post"/);
    expect(await sessionAlive(browser)).toBe(true);
  });

  test('a cross-site GET with client_id and a listed returnTo asks too; confirming ends the session and goes there', async () => {
    const { browser } = await signedIn();
    const res = await visit(browser, `v2/logout?client_id=${client.clientId}&returnTo=${encodeURIComponent(BYE)}`, 'cross-site');
    expect(res.status).toBe(200);
    const page = { url: res.url, status: res.status, html: await res.text(), headers: res.headers };
    expect(await sessionAlive(browser)).toBe(true);
    const done = await browser.submit(page, {});
    expect(expectRedirect(done)).toBe(BYE);
    expect(await sessionAlive(browser)).toBe(false);
  });

  test('a forged confirmation (no or wrong CSRF token) changes nothing', async () => {
    const { browser } = await signedIn();
    const asked = await visit(browser, 'v2/logout', 'cross-site');
    const form = findForm(await asked.text());
    for (const csrf of [undefined, 'forged']) {
      const res = await fetch(new URL(form.action, server.origin), {
        method: 'POST',
        redirect: 'manual',
        headers: { cookie: browser.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(csrf ? { csrf } : {}),
      });
      expect(res.status).toBe(400);
      expect(await sessionAlive(browser)).toBe(true);
    }
  });

  test('a same-origin GET, or one tied to the client that is not cross-site, ends the session at once', async () => {
    const first = await signedIn();
    const sameOrigin = await visit(first.browser, 'v2/logout', 'same-origin');
    expect(sameOrigin.status).toBe(200);
    expect(textOf(await sameOrigin.text())).toContain('You are signed out');
    expect(await sessionAlive(first.browser)).toBe(false);

    const second = await signedIn();
    const tied = await visit(second.browser, `v2/logout?client_id=${client.clientId}&returnTo=${encodeURIComponent(BYE)}`, null);
    expect(tied.status).toBe(302);
    expect(tied.headers.get('location')).toBe(BYE);
    expect(await sessionAlive(second.browser)).toBe(false);
  });

  test('/oidc/logout: a valid id_token_hint ends it at once even cross-site; without one, it asks', async () => {
    const hinted = await signedIn();
    const direct = await visit(hinted.browser, `oidc/logout?id_token_hint=${hinted.idToken}&post_logout_redirect_uri=${encodeURIComponent(BYE)}&state=s1`, 'cross-site');
    expect(direct.status).toBe(302);
    expect(direct.headers.get('location')).toBe(`${BYE}?state=s1`);
    expect(await sessionAlive(hinted.browser)).toBe(false);

    const bare = await signedIn();
    const asked = await visit(bare.browser, `oidc/logout?client_id=${client.clientId}&post_logout_redirect_uri=${encodeURIComponent(BYE)}`, 'cross-site');
    expect(asked.status).toBe(200);
    expect(textOf(await asked.text())).toContain('Sign out of Contoso?');
    expect(await sessionAlive(bare.browser)).toBe(true);
  });

  test('without a session there is nothing to confirm', async () => {
    const res = await visit(new TestBrowser(server.origin), `v2/logout?client_id=${client.clientId}&returnTo=${encodeURIComponent(BYE)}`, 'cross-site');
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(BYE);
  });
});
