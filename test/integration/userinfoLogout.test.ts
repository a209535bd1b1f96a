/** /userinfo claims by scope, and both logout endpoints with allowed and refused return URLs. */
import * as oidc from 'openid-client';
import request from 'supertest';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { USER, expectPage, expectRedirect, finishFlow, makeClient, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let userId: string;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  ({ userId } = await seedWorld(server));
  client = await makeClient(server, {
    name: 'Logout App',
    callbacks: ['https://logout-app.example/cb'],
    allowedLogoutUrls: ['https://logout-app.example/bye'],
  });
});
afterAll(async () => server?.close());

async function signedIn(scope: string) {
  const browser = new TestBrowser(server.origin);
  const flow = await startFlow(server, client, { scope });
  const tokens = await finishFlow(flow, expectRedirect(await signIn(browser, flow.url)));
  return { browser, flow, tokens };
}

describe('/userinfo', () => {
  test('profile and email scopes release their claims, through openid-client', async () => {
    const { flow, tokens } = await signedIn('openid profile email read:posts');
    const info = await oidc.fetchUserInfo(flow.config, tokens.access_token, userId);
    expect(info).toMatchObject({ sub: userId, email: USER.email, email_verified: true, name: USER.name, nickname: 'alice' });
  });

  test('without profile or email only sub is released', async () => {
    const { flow, tokens } = await signedIn('openid');
    const info = await oidc.fetchUserInfo(flow.config, tokens.access_token, userId);
    expect(info).toEqual({ sub: userId });
  });

  test('POST works too; a bad or missing token is 401 with WWW-Authenticate', async () => {
    const { tokens } = await signedIn('openid email');
    const posted = await request(server.issuer).post('userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(posted.status).toBe(200);
    expect(posted.body).toEqual({ sub: userId, email: USER.email, email_verified: true });
    const none = await request(server.issuer).get('userinfo');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const bad = await request(server.issuer).get('userinfo').set('Authorization', 'Bearer abc.def.ghi');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toContain('invalid_token');
  });

  test('a token for an API without openid cannot call /userinfo', async () => {
    const { tokens } = await signedIn('read:posts');
    const res = await request(server.issuer).get('userinfo').set('Authorization', `Bearer ${tokens.access_token}`);
    expect(res.status).toBe(401);
  });
});

describe('logout', () => {
  test('S14: RP-initiated logout with id_token_hint goes to a listed URL with the state, and ends the session', async () => {
    const { browser, flow, tokens } = await signedIn('openid');
    const url = oidc.buildEndSessionUrl(flow.config, {
      id_token_hint: tokens.id_token ?? '',
      post_logout_redirect_uri: 'https://logout-app.example/bye',
      state: 'see-you',
    });
    expect(url.href.startsWith(`${server.issuer}oidc/logout?`)).toBe(true);
    const target = new URL(expectRedirect(await browser.request(url.href)));
    expect(`${target.origin}${target.pathname}`).toBe('https://logout-app.example/bye');
    expect(target.searchParams.get('state')).toBe('see-you');
    const again = await startFlow(server, client);
    expect(expectPage(await browser.request(again.url.toString())).url).toContain('/u/login');
  });

  test('RP-initiated logout refuses an unlisted post_logout_redirect_uri and a forged hint', async () => {
    const { browser, tokens } = await signedIn('openid');
    const unlisted = `${server.issuer}oidc/logout?id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent('https://evil.example/')}`;
    const page = expectPage(await browser.request(unlisted));
    expect(page.status).toBe(400);
    expect(textOf(page.html)).toContain('not in the application');
    const forged = `${server.issuer}oidc/logout?id_token_hint=eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0.&post_logout_redirect_uri=${encodeURIComponent('https://logout-app.example/bye')}`;
    expect(expectPage(await browser.request(forged)).status).toBe(400);
  });

  test('/v2/logout follows a listed returnTo, refuses an unlisted one, and shows a page without one', async () => {
    const { browser } = await signedIn('openid');
    const refused = await request(server.issuer).get(`v2/logout?client_id=${client.clientId}&returnTo=${encodeURIComponent('https://evil.example/')}`);
    expect(refused.status).toBe(400);
    expect(refused.headers.location).toBeUndefined();
    const noClient = await request(server.issuer).get(`v2/logout?returnTo=${encodeURIComponent('https://logout-app.example/bye')}`);
    expect(noClient.status).toBe(400);

    const sid = decodeURIComponent(browser.cookies.get('auth.sid') ?? '').replace(/^s:/, '').split('.')[0];
    expect(await server.auth.context.db('sessions').where({ sid })).toHaveLength(1);
    const ok = await browser.request(`${server.issuer}v2/logout?client_id=${client.clientId}&returnTo=${encodeURIComponent('https://logout-app.example/bye')}`);
    expect(expectRedirect(ok)).toBe('https://logout-app.example/bye');
    expect(await server.auth.context.db('sessions').where({ sid })).toHaveLength(0);
    expect(browser.cookies.has('auth.sid')).toBe(false);

    const plain = expectPage(await new TestBrowser(server.origin).request(`${server.issuer}v2/logout`));
    expect(plain.status).toBe(200);
    expect(textOf(plain.html)).toContain('You are signed out');
  });
});
