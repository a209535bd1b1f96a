/**
 * Consent, revocation and account state mean exactly what people chose (issue 11): unticking narrows,
 * refusals are remembered, revocation revokes at our endpoints and in introspection, blocked and
 * deleted users get nothing, no step of the flow can be skipped, and a raced code loses everything.
 */
import request from 'supertest';
import { TestBrowser, findForm, textOf, type Page } from '../helpers/browser.js';
import { API, USER, allowOfflineAccess, expectPage, expectRedirect, finishFlow, isConsentPage, makeClient, managementFor, seedWorld, signIn, startFlow, type Flow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let userId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ userId } = await seedWorld(server));
  await allowOfflineAccess(server);
});
afterAll(async () => server?.close());

const thirdParty = (name: string) => makeClient(server, { name, isFirstParty: false, callbacks: [`https://${name.toLowerCase().replace(/\W/g, '')}.example/cb`] });

/** Sign in (if needed) and answer the dialog with these scopes ticked (all of them when omitted). */
async function authorize(browser: TestBrowser, client: Client, scope: string, ticked?: string[], prompt?: string): Promise<{ flow: Flow; callback: string; consent: Page | null }> {
  const flow = await startFlow(server, client, { scope, ...(prompt ? { prompt } : {}) });
  let visit = await browser.request(flow.url.toString());
  if (!('redirectedTo' in visit) && visit.url.includes('/u/login')) visit = await browser.submit(visit, { email: USER.email, password: USER.password });
  if (!isConsentPage(visit)) return { flow, callback: expectRedirect(visit), consent: null };
  const fields: Record<string, string | string[]> = ticked ? { action: 'accept', scope: ticked } : { action: 'accept' };
  // Without the ticked list the browser sends the boxes that are checked, i.e. everything asked.
  const answer = ticked ? await browser.submit(withoutCheckedBoxes(visit), fields) : await browser.submit(visit, fields);
  return { flow, callback: expectRedirect(answer), consent: visit };
}

/** The page as if every box had been unticked: the test then names the ticked ones itself. */
function withoutCheckedBoxes(page: Page): Page {
  return { ...page, html: page.html.replace(/<input type="checkbox"[^>]*>/g, '') };
}

const token = () => request(server.issuer).post('oauth/token').type('form');
const userinfo = (accessToken: string) => request(server.issuer).get('userinfo').set('Authorization', `Bearer ${accessToken}`);

async function introspector(): Promise<(tokenValue: string) => Promise<request.Response>> {
  const rs = await makeClient(server, { name: 'Resource Server', appType: 'non_interactive', callbacks: [] });
  return (tokenValue) => request(server.issuer).post('oauth/introspect').auth(rs.clientId, rs.clientSecret ?? '').type('form').send({ token: tokenValue });
}

describe('the user\u2019s latest answer wins', () => {
  test('under prompt=consent, unticking a granted scope removes it from the grant, the token and the refresh tokens', async () => {
    const browser = new TestBrowser(server.origin);
    const client = await thirdParty('Narrowing App');
    const first = await authorize(browser, client, 'openid offline_access read:posts write:posts');
    const firstTokens = await finishFlow(first.flow, first.callback);
    expect(firstTokens.scope?.split(' ').sort()).toEqual(['offline_access', 'openid', 'read:posts', 'write:posts']);

    const second = await authorize(browser, client, 'openid offline_access read:posts write:posts', ['offline_access', 'read:posts'], 'consent');
    expect(second.consent).not.toBeNull();
    const secondTokens = await finishFlow(second.flow, second.callback);
    expect(secondTokens.scope?.split(' ').sort()).toEqual(['offline_access', 'openid', 'read:posts']);
    const [grant] = await server.auth.context.db('user_grants').where({ client_id: client.clientId });
    expect(String(grant.scope).split(' ').sort()).toEqual(['offline_access', 'openid', 'read:posts']);
    expect(grant.rejected_scope).toBe('write:posts');

    // The refresh token from before carries write:posts, which the user took back.
    const stale = await token().send({ grant_type: 'refresh_token', refresh_token: firstTokens.refresh_token, client_id: client.clientId, client_secret: client.clientSecret });
    expect(stale.status).toBe(400);
    expect(stale.body.error).toBe('invalid_grant');
    const fresh = await token().send({ grant_type: 'refresh_token', refresh_token: secondTokens.refresh_token, client_id: client.clientId, client_secret: client.clientSecret });
    expect(fresh.status).toBe(200);
  });

  test('a refused scope is not asked again and never reaches a token; prompt=consent asks again', async () => {
    const browser = new TestBrowser(server.origin);
    const client = await thirdParty('Refused Scope App');
    const first = await authorize(browser, client, 'openid read:posts write:posts', ['read:posts']);
    expect((await finishFlow(first.flow, first.callback)).scope?.split(' ').sort()).toEqual(['openid', 'read:posts']);

    const again = await authorize(browser, client, 'openid read:posts write:posts');
    expect(again.consent).toBeNull();
    expect((await finishFlow(again.flow, again.callback)).scope?.split(' ').sort()).toEqual(['openid', 'read:posts']);

    const forced = await authorize(browser, client, 'openid read:posts write:posts', undefined, 'consent');
    expect(textOf(forced.consent?.html ?? '')).toContain('Publish posts on your behalf');
    expect((await finishFlow(forced.flow, forced.callback)).scope?.split(' ').sort()).toEqual(['openid', 'read:posts', 'write:posts']);
    const [grant] = await server.auth.context.db('user_grants').where({ client_id: client.clientId });
    expect(grant.rejected_scope).toBe('');
  });
});

describe('revocation revokes, at our endpoints and in introspection (RFC 7662)', () => {
  test('after Revoke on the account page, /userinfo and introspection refuse the access token, and the page says what revoking does', async () => {
    const browser = new TestBrowser(server.origin);
    const client = await thirdParty('Revoked From Page');
    const { flow, callback } = await authorize(browser, client, 'openid profile read:posts');
    const tokens = await finishFlow(flow, callback);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    const introspect = await introspector();
    expect((await introspect(tokens.access_token)).body).toMatchObject({ active: true, client_id: client.clientId, sub: `auth0|${userId.replace(/^auth0\|/, '')}`, scope: 'openid profile read:posts' });

    const page = expectPage(await browser.request(`${server.issuer}u/account/apps`));
    const section = page.html.slice(page.html.indexOf('Revoked From Page'));
    expect(textOf(section)).toMatch(/An access token it already holds may work elsewhere until it expires, within 24 hours/);
    expect(findForm(section, 'revoke').action).toContain('revoke');
    expectPage(await browser.submit({ ...page, html: section }, {}, 'revoke'));

    const refused = await userinfo(tokens.access_token);
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('invalid_token');
    expect((await introspect(tokens.access_token)).body).toEqual({ active: false });
  });

  test('DELETE /api/v2/grants/{id} and a deleted client end their tokens at /userinfo', async () => {
    const browser = new TestBrowser(server.origin);
    const api = await managementFor(server);
    for (const how of ['grant', 'client'] as const) {
      const client = await thirdParty(`Deleted ${how}`);
      const { flow, callback } = await authorize(browser, client, 'openid profile');
      const tokens = await finishFlow(flow, callback);
      expect((await userinfo(tokens.access_token)).status).toBe(200);
      if (how === 'grant') {
        const [grant] = await server.auth.context.db('user_grants').where({ client_id: client.clientId });
        expect((await api.delete(`grants/${grant.id}`)).status).toBe(204);
      } else {
        expect((await api.delete(`clients/${client.clientId}`)).status).toBe(204);
      }
      expect([how, (await userinfo(tokens.access_token)).status]).toEqual([how, 401]);
    }
  });

  test('introspection needs an authenticated confidential client; refresh tokens only the caller\u2019s own', async () => {
    const browser = new TestBrowser(server.origin);
    const client = await thirdParty('Introspected');
    const { flow, callback } = await authorize(browser, client, 'openid offline_access read:posts');
    const tokens = await finishFlow(flow, callback);
    expect((await request(server.issuer).post('oauth/introspect').type('form').send({ token: tokens.access_token })).status).toBe(401);
    const introspect = await introspector();
    expect((await introspect(tokens.refresh_token ?? '')).body).toEqual({ active: false });
    const own = await request(server.issuer).post('oauth/introspect').type('form').send({ token: tokens.refresh_token, client_id: client.clientId, client_secret: client.clientSecret });
    expect(own.body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: client.clientId });
    expect((await introspect('garbage.garbage.garbage')).body).toEqual({ active: false });
    const discovery = await request(server.issuer).get('.well-known/openid-configuration');
    expect(discovery.body.introspection_endpoint).toBe(`${server.issuer}oauth/introspect`);
  });

  test('an access token revoked at /oauth/revoke (RFC 7009) stops at once; another client cannot revoke it', async () => {
    const browser = new TestBrowser(server.origin);
    const client = await thirdParty('Self Revoker');
    const other = await thirdParty('Other Revoker');
    const { flow, callback } = await authorize(browser, client, 'openid profile');
    const tokens = await finishFlow(flow, callback);
    expect((await request(server.issuer).post('oauth/revoke').type('form').send({ token: tokens.access_token, client_id: other.clientId, client_secret: other.clientSecret })).status).toBe(200);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    expect((await request(server.issuer).post('oauth/revoke').type('form').send({ token: tokens.access_token, token_type_hint: 'access_token', client_id: client.clientId, client_secret: client.clientSecret })).status).toBe(200);
    expect((await userinfo(tokens.access_token)).status).toBe(401);
    expect((await (await introspector())(tokens.access_token)).body).toEqual({ active: false });
  });
});

describe('blocked and deleted users get nothing', () => {
  async function secondUser(email: string) {
    const api = await managementFor(server);
    const created = await api.post('users', { connection: 'Username-Password-Authentication', email, password: USER.password, name: email });
    return { api, id: created.body.user_id as string, credentials: { email, password: USER.password, name: email } };
  }

  test.each(['blocked', 'deleted'] as const)('a %s user: session, refresh tokens, access tokens and requests in flight all end', async (what) => {
    const { api, id, credentials } = await secondUser(`${what}@example.com`);
    const client = await thirdParty(`For ${what}`);
    const browser = new TestBrowser(server.origin);
    const first = await startFlow(server, client, { scope: 'openid offline_access read:posts' });
    const consent = expectPage(await signIn(browser, first.url, credentials));
    const tokens = await finishFlow(first, expectRedirect(await browser.submit(consent, { action: 'accept' })));
    // A second request waits on its consent page while the user is blocked or deleted.
    const pending = await startFlow(server, client, { scope: 'openid offline_access read:posts write:posts' });
    const waiting = expectPage(await browser.request(pending.url.toString()));
    expect(isConsentPage(waiting)).toBe(true);

    if (what === 'blocked') expect((await api.patch(`users/${encodeURIComponent(id)}`, { blocked: true })).status).toBe(200);
    else expect((await api.delete(`users/${encodeURIComponent(id)}`)).status).toBe(204);

    const accepted = await browser.submit(waiting, { action: 'accept' });
    expect('redirectedTo' in accepted).toBe(false);
    expect(textOf(expectPage(accepted).html)).toMatch(/expired|signed out/);
    const silent = await startFlow(server, client, { scope: 'openid', prompt: 'none' });
    expect(new URL(expectRedirect(await browser.request(silent.url.toString()))).searchParams.get('error')).toBe('login_required');
    expect((await token().send({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token, client_id: client.clientId, client_secret: client.clientSecret })).body.error).toBe('invalid_grant');
    expect((await userinfo(tokens.access_token)).status).toBe(401);
    expect(await server.auth.context.db('user_grants').where({ user_id: id }).whereNot('scope', 'like', '%write:posts%')).toHaveLength(what === 'blocked' ? 1 : 0);
    expect(await server.auth.context.db('user_grants').where({ user_id: id }).where('scope', 'like', '%write:posts%')).toHaveLength(0);
  });
});

describe('no step of the flow can be skipped', () => {
  test.each([
    ['prompt=login', { prompt: 'login' }],
    ['max_age=0', { extra: { max_age: '0' } }],
  ])('%s: opening /u/consent directly issues nothing without a new sign-in', async (_name, params) => {
    const browser = new TestBrowser(server.origin);
    const client = await thirdParty(`Skipper ${_name}`);
    const first = await authorize(browser, client, 'openid read:posts');
    await finishFlow(first.flow, first.callback);
    // max_age counts whole seconds: let one pass since that sign-in.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    // A request that demands a fresh sign-in, then a straight jump to its consent page.
    const flow = await startFlow(server, client, { scope: 'openid read:posts write:posts', ...params });
    const login = expectPage(await browser.request(flow.url.toString()));
    expect(login.url).toContain('/u/login');
    const tx = new URL(login.url).searchParams.get('tx') ?? '';
    const jumped = expectPage(await browser.request(`${server.issuer}u/consent?tx=${encodeURIComponent(tx)}`));
    expect(isConsentPage(jumped)).toBe(false);
    expect(jumped.status).toBe(400);
    const resumed = expectPage(await browser.request(`${server.issuer}authorize/resume?tx=${encodeURIComponent(tx)}`));
    expect(resumed.url).toContain('/u/login');
  });
});

test('two exchanges of one code at once: neither keeps a working refresh token (RFC 6749 §4.1.2)', async () => {
  const browser = new TestBrowser(server.origin);
  const client = await thirdParty('Raced Code');
  const { flow, callback } = await authorize(browser, client, 'openid offline_access read:posts');
  const code = new URL(callback).searchParams.get('code');
  const exchange = () => token().send({ grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: flow.verifier, client_id: client.clientId, client_secret: client.clientSecret });
  const results = await Promise.all([exchange(), exchange()]);
  const winners = results.filter((r) => r.status === 200);
  expect(winners.length).toBeLessThanOrEqual(1);
  for (const winner of winners) {
    const refreshed = await token().send({ grant_type: 'refresh_token', refresh_token: winner.body.refresh_token, client_id: client.clientId, client_secret: client.clientSecret });
    expect(refreshed.body.error).toBe('invalid_grant');
    expect((await userinfo(winner.body.access_token as string)).status).toBe(401);
  }
  expect(await server.auth.context.db('refresh_tokens').where({ client_id: client.clientId }).whereNull('revoked_at')).toHaveLength(0);
});

test('scope names that are JavaScript object members are plain unknown scopes', async () => {
  const browser = new TestBrowser(server.origin);
  const client = await thirdParty('Prototype Scopes');
  const flow = await startFlow(server, client, { scope: 'openid constructor __proto__ toString hasOwnProperty read:posts' });
  const consent = expectPage(await signIn(browser, flow.url));
  expect(consent.html).not.toContain('native code');
  expect(consent.html).not.toMatch(/constructor|__proto__|toString/);
  const tokens = await finishFlow(flow, expectRedirect(await browser.submit(consent, { action: 'accept' })));
  expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'read:posts']);
});

test('a third-party app never gets a code for a user who has not approved it, even asking for no scope', async () => {
  const browser = new TestBrowser(server.origin);
  const client = await thirdParty('No Scope App');
  const flow = await startFlow(server, client, { scope: '', audience: null });
  const consent = await signIn(browser, flow.url);
  expect(isConsentPage(consent)).toBe(true);
  const silent = await startFlow(server, client, { scope: '', audience: null, prompt: 'none' });
  expect(new URL(expectRedirect(await browser.request(silent.url.toString()))).searchParams.get('error')).toBe('consent_required');
  expectRedirect(await browser.submit(expectPage(consent), { action: 'accept' }));
  const after = await startFlow(server, client, { scope: '', audience: null, prompt: 'none' });
  expect(new URL(expectRedirect(await browser.request(after.url.toString()))).searchParams.get('code')).toBeTruthy();
});
