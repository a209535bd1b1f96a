/**
 * OpenID Connect connections (issue 16): Auth0's connection options through the Management API, and
 * signing in through a real upstream provider (oidc-provider on 127.0.0.1) end to end: "Continue
 * with …", connection=, refusals at the provider, tampered state, disabled connections, blocked users.
 */
import * as oidc from 'openid-client';
import { expectPage, expectRedirect, finishFlow, isConsentPage, managementFor, startFlow } from '../helpers/fixtures.js';
import { isStop, type Page } from '../helpers/browser.js';
import { CONNECTION, CONNECTION_LABEL, oidcOptions, startUpstreamWorld, TwoSiteBrowser, upstreamLinks, type UpstreamWorld } from '../helpers/upstream.js';

let world: UpstreamWorld;
let api: Awaited<ReturnType<typeof managementFor>>;
const SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

beforeAll(async () => {
  world = await startUpstreamWorld({ secretEncryptionKey: SECRET_KEY });
  api = await managementFor(world.server);
}, 30000);
afterAll(async () => world?.close());

interface ConnectionJson {
  id: string;
  name: string;
  strategy: string;
  display_name?: string;
  enabled_clients: string[];
  options: Record<string, unknown>;
}

async function connectionNamed(name: string): Promise<ConnectionJson> {
  const res = await api.get(`connections?name=${encodeURIComponent(name)}`);
  const found = (res.body as ConnectionJson[])[0];
  if (!found) throw new Error(`no connection ${name}`);
  return found;
}

/** Our login page for a new authorization request of the world's client. */
async function loginPage(browser: TwoSiteBrowser, extra: Record<string, string> = {}) {
  const flow = await startFlow(world.server, world.client, { extra });
  return { flow, page: expectPage(await browser.open(flow.url.toString())) };
}

/** "Continue with …" → the provider's login page. */
async function continueWithUpstream(browser: TwoSiteBrowser, page: Page): Promise<Page> {
  const href = upstreamLinks(page).get(CONNECTION);
  if (!href) throw new Error(`no "Continue with" link on ${page.url}`);
  const upstreamLogin = expectPage(await browser.open(new URL(href, page.url).toString()));
  expect(upstreamLogin.url.startsWith(world.upstream.issuer)).toBe(true);
  return upstreamLogin;
}

async function logsOf(q: string): Promise<{ type: string; connection: string | null; user_id: string | null; description?: string }[]> {
  // Written off the request's path: poll, boundedly.
  for (let i = 0; i < 40; i++) {
    const res = await api.get(`logs?q=${encodeURIComponent(q)}&per_page=100`);
    if (res.status === 200 && (res.body as unknown[]).length > 0) return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  return [];
}

describe('Management API: connection options', () => {
  it('creates an OIDC connection with Auth0 options, never returning the client secret, sealed at rest', async () => {
    const created = await connectionNamed(CONNECTION);
    expect(created).toMatchObject({ strategy: 'oidc', display_name: CONNECTION_LABEL, enabled_clients: [world.client.clientId] });
    expect(created.options).toEqual({
      type: 'back_channel',
      discovery_url: `${world.upstream.issuer}/.well-known/openid-configuration`,
      client_id: world.upstream.clientId,
      scope: 'openid profile email',
    });
    const row = (await world.server.auth.context.db('connections').where({ id: created.id }).first()) as { options: string };
    expect(row.options).not.toContain(world.upstream.clientSecret);
    expect(row.options).toContain('enc:v1:');
  });

  it('refuses incomplete or malformed OIDC options with Auth0-shaped 400s', async () => {
    const post = (options: Record<string, unknown>) => api.post('connections', { name: 'broken-idp', strategy: 'oidc', options });
    const cases: Record<string, unknown>[] = [
      oidcOptions(world.upstream, { discovery_url: undefined }),
      oidcOptions(world.upstream, { client_id: undefined }),
      oidcOptions(world.upstream, { client_secret: undefined }),
      oidcOptions(world.upstream, { type: 'sideways' }),
      oidcOptions(world.upstream, { discovery_url: 'ftp://example.com/' }),
      oidcOptions(world.upstream, { not_an_auth0_option: true }),
    ];
    for (const options of cases) {
      const res = await post(options);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request', errorCode: 'invalid_body' });
    }
    expect((await api.post('connections', { name: 'broken-idp', strategy: 'oidc' })).status).toBe(400);
    expect((await api.get('connections?name=broken-idp')).body).toEqual([]);
  });

  it('accepts the Auth0 options it does not act on, without storing them', async () => {
    const res = await api.post('connections', {
      name: 'front-idp',
      strategy: 'oidc',
      options: { type: 'front_channel', issuer: world.upstream.issuer, client_id: 'spa', icon_url: 'https://example.com/i.png', connection_settings: { pkce: 'auto' } },
    });
    expect(res.status).toBe(201);
    expect(res.body.options).toEqual({ type: 'front_channel', issuer: world.upstream.issuer, client_id: 'spa', scope: 'openid profile email' });
    expect((await api.delete(`connections/${res.body.id as string}`)).status).toBe(204);
  });

  it('stores disable_signup on a database connection and ignores the other Auth0 database options', async () => {
    const res = await api.post('connections', { name: 'Partners', strategy: 'auth0', options: { disable_signup: true, passwordPolicy: 'good', brute_force_protection: true } });
    expect(res.status).toBe(201);
    expect(res.body.options).toEqual({ disable_signup: true });
    const connection = await world.server.auth.context.repos.connections.findById(res.body.id as string);
    expect(connection?.options).toEqual({ disable_signup: true });
    const patched = await api.patch(`connections/${res.body.id as string}`, { options: { disable_signup: false } });
    expect(patched.status).toBe(200);
    expect(patched.body.options).toEqual({ disable_signup: false });
    expect((await api.patch(`connections/${res.body.id as string}`, { options: { disable_signup: 'yes' } })).status).toBe(400);
  });

  it('keeps the stored client secret when a PATCH of the options leaves it out', async () => {
    const created = await connectionNamed(CONNECTION);
    const { client_secret: _secret, ...withoutSecret } = oidcOptions(world.upstream);
    const patched = await api.patch(`connections/${created.id}`, { options: withoutSecret, display_name: CONNECTION_LABEL });
    expect(patched.status).toBe(200);
    const stored = await world.server.auth.context.repos.connections.findById(created.id);
    expect(stored?.strategy === 'oidc' && stored.options.client_secret).toBe(world.upstream.clientSecret);
  });
});

describe('signing in through the upstream provider', () => {
  it('"Continue with …" → the provider → our consent → a code; the user is oidc|<connection>|<sub> with the profile', async () => {
    const browser = new TwoSiteBrowser(world);
    const { flow, page } = await loginPage(browser);
    expect(page.html).toContain(`Continue with ${CONNECTION_LABEL}`);
    const upstreamLogin = await continueWithUpstream(browser, page);
    // PKCE, state and nonce went to the provider.
    const authorizeAtUpstream = browser.theirs.history.find((h) => h.url.includes('/auth?'))?.url ?? '';
    const sent = new URL(authorizeAtUpstream).searchParams;
    expect(sent.get('code_challenge_method')).toBe('S256');
    expect(sent.get('state')).toBeTruthy();
    expect(sent.get('nonce')).toBeTruthy();

    const consent = await browser.signInUpstream(upstreamLogin, 'carol@upstream.example');
    expect(isConsentPage(consent)).toBe(true);
    const callback = expectRedirect(await browser.ours.submit(consent as Page, { action: 'accept' }));
    const tokens = await finishFlow(flow, callback);
    const subject = `oidc|${CONNECTION}|carol@upstream.example`;
    expect(tokens.claims()).toMatchObject({ sub: subject, email: 'carol@upstream.example', email_verified: true, name: 'Carol Upstream' });

    const info = await oidc.fetchUserInfo(flow.config, tokens.access_token, subject);
    expect(info).toMatchObject({ email: 'carol@upstream.example', name: 'Carol Upstream' });
    const user = await api.get(`users/${encodeURIComponent(subject)}`);
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ user_id: subject, email: 'carol@upstream.example', identities: [{ connection: CONNECTION, provider: 'oidc', user_id: 'carol@upstream.example' }] });
    const events = await logsOf(`type:s AND user_id:"${subject}"`);
    expect(events[0]).toMatchObject({ type: 's', connection: CONNECTION });
  });

  it('connection=<name> at /authorize goes straight to the provider; the same person is the same user', async () => {
    const browser = new TwoSiteBrowser(world);
    const flow = await startFlow(world.server, world.client, { extra: { connection: CONNECTION } });
    const first = await browser.ours.request(flow.url.toString());
    expect(isStop(first) && first.redirectedTo.startsWith(world.upstream.issuer)).toBe(true);
    const upstreamLogin = expectPage(await browser.follow(first));
    const consent = await browser.signInUpstream(upstreamLogin, 'carol@upstream.example');
    const callback = isConsentPage(consent) ? expectRedirect(await browser.ours.submit(consent, { action: 'accept' })) : expectRedirect(consent);
    expect((await finishFlow(flow, callback)).claims()?.sub).toBe(`oidc|${CONNECTION}|carol@upstream.example`);
    const users = await api.get(`users?q=${encodeURIComponent('email:"carol@upstream.example"')}&search_engine=v3`);
    expect((users.body as unknown[]).length).toBe(1);
  });

  it('a refusal at the provider reaches the client as access_denied, and is logged as a failed login', async () => {
    const browser = new TwoSiteBrowser(world);
    const { flow, page } = await loginPage(browser);
    const upstreamLogin = await continueWithUpstream(browser, page);
    const cancel = /<a href="([^"]+)">\[ Cancel \]<\/a>/.exec(upstreamLogin.html)?.[1];
    if (!cancel) throw new Error('no Cancel link at the provider');
    const back = await browser.open(new URL(cancel.replace(/&amp;/g, '&'), upstreamLogin.url).toString());
    const callback = new URL(expectRedirect(back));
    expect(callback.origin + callback.pathname).toBe(flow.redirectUri);
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('state')).toBe(flow.state);
    const events = await logsOf(`type:f AND connection:"${CONNECTION}"`);
    expect(events.length).toBeGreaterThan(0);
  });

  it('refuses a callback whose state was tampered with (our error page, nothing sent to the client)', async () => {
    const browser = new TwoSiteBrowser(world);
    const { page } = await loginPage(browser);
    const upstreamLogin = await continueWithUpstream(browser, page);
    const toUs = await browser.theirs.submit(upstreamLogin, { login: 'mallory', password: 'x' });
    if (!isStop(toUs)) throw new Error('expected the provider to send the browser back');
    const tampered = new URL(toUs.redirectedTo);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state') ?? ''}x`);
    const refused = expectPage(await browser.ours.request(tampered.toString()));
    expect(refused.status).toBe(400);
    expect(refused.html).toContain('This sign-in request has expired');
    // The genuine answer still works once; replayed, it is refused too.
    const genuine = new URL(toUs.redirectedTo);
    tampered.searchParams.set('state', genuine.searchParams.get('state') ?? '');
    expect(isConsentPage(await browser.ours.request(tampered.toString()))).toBe(true);
    expect(expectPage(await browser.ours.request(tampered.toString())).status).toBe(400);
    const stranger = expectPage(await new TwoSiteBrowser(world).ours.request(`${world.server.issuer}u/upstream/callback?code=x&state=y`));
    expect(stranger.status).toBe(400);
  });

  it('a blocked upstream user stays blocked', async () => {
    const subject = `oidc|${CONNECTION}|dave@upstream.example`;
    const browser = new TwoSiteBrowser(world);
    const { page } = await loginPage(browser);
    expect(isConsentPage(await browser.signInUpstream(await continueWithUpstream(browser, page), 'dave@upstream.example'))).toBe(true);
    expect((await api.patch(`users/${encodeURIComponent(subject)}`, { blocked: true })).status).toBe(200);

    const again = new TwoSiteBrowser(world);
    const second = await loginPage(again);
    const back = new URL(expectRedirect(await again.signInUpstream(await continueWithUpstream(again, second.page), 'dave@upstream.example')));
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('error_description')).toBe('user is blocked');
  });

  it('a provider that cannot be reached, or refuses our client secret, ends at the client with server_error, never a 500', async () => {
    const create = async (name: string, overrides: Record<string, unknown>) => {
      const res = await api.post('connections', { name, strategy: 'oidc', enabled_clients: [world.client.clientId], options: oidcOptions(world.upstream, overrides) });
      expect(res.status).toBe(201);
      return res.body as ConnectionJson;
    };
    const unreachable = await create('gone-idp', { discovery_url: 'http://127.0.0.1:9/.well-known/openid-configuration' });
    const wrongSecret = await create('wrong-secret-idp', { client_secret: 'not-the-secret' });

    const browser = new TwoSiteBrowser(world);
    const direct = await startFlow(world.server, world.client, { extra: { connection: 'gone-idp' } });
    const gone = new URL(expectRedirect(await browser.open(direct.url.toString())));
    expect(gone.searchParams.get('error')).toBe('server_error');

    const other = await startFlow(world.server, world.client, { extra: { connection: 'wrong-secret-idp' } });
    const upstreamLogin = expectPage(await browser.open(other.url.toString()));
    const refused = new URL(expectRedirect(await browser.signInUpstream(upstreamLogin, 'erin')));
    expect(refused.searchParams.get('error')).toBe('server_error');
    expect(refused.searchParams.get('state')).toBe(other.state);
    await api.delete(`connections/${unreachable.id}`);
    await api.delete(`connections/${wrongSecret.id}`);
  });

  it('a connection the client is not enabled on is not offered, and connection= naming it is refused', async () => {
    const connection = await connectionNamed(CONNECTION);
    expect((await api.patch(`connections/${connection.id}/clients`, [{ client_id: world.client.clientId, status: false }])).status).toBe(204);
    try {
      const browser = new TwoSiteBrowser(world);
      const { page } = await loginPage(browser);
      expect(upstreamLinks(page).size).toBe(0);
      expect(page.html).not.toContain('Continue with');
      const direct = await startFlow(world.server, world.client, { extra: { connection: CONNECTION } });
      const refused = new URL(expectRedirect(await browser.open(direct.url.toString())));
      expect(refused.searchParams.get('error')).toBe('invalid_request');
    } finally {
      await api.patch(`connections/${connection.id}/clients`, [{ client_id: world.client.clientId, status: true }]);
    }
  });

  it('connection= naming the database connection shows our login page', async () => {
    const browser = new TwoSiteBrowser(world);
    const { page } = await loginPage(browser, { connection: 'Username-Password-Authentication' });
    expect(page.url).toContain('/u/login');
  });
});
