/**
 * Issue 16, the database connection's account flows, end to end with a real SMTP server on 127.0.0.1:
 * sign-up (page and POST /dbconnections/signup), email verification (link, page and Management job),
 * password reset (single-use, expiring, ends sessions and refresh tokens), no account enumeration,
 * disable_signup, the rate limits, and Argon2id with the rehash of scrypt hashes.
 */
import * as oidc from 'openid-client';
import { decodeEntities, TestBrowser, textOf, type Page } from '../helpers/browser.js';
import { API, expectPage, expectRedirect, finishFlow, isConsentPage, makeClient, managementFor, seedWorld, signIn, startFlow, USER } from '../helpers/fixtures.js';
import { linkIn, SmtpInbox } from '../helpers/smtpInbox.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import { DEFAULT_CONNECTION_NAME } from '../../src/domain/users.js';
import { hashPasswordScrypt } from '../../src/services/passwords.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let inbox: SmtpInbox;
let client: Client;

beforeAll(async () => {
  inbox = new SmtpInbox();
  await inbox.start();
  // Every request here comes from 127.0.0.1: the limits are tested on a server of their own below.
  const roomy = { limit: 1000 };
  server = await startTestServer({
    mail: { smtpUrl: inbox.url, from: 'Accounts <no-reply@example.com>' },
    abuseLimits: { signupsPerAddress: roomy, passwordResetsPerAddress: roomy, passwordResetsPerEmail: roomy, verificationEmailsPerAddress: roomy, verificationEmailsPerEmail: roomy },
  });
  await seedWorld(server);
  client = await makeClient(server, { name: 'Accounts App', isFirstParty: false, callbacks: ['https://accounts-app.example/cb'] });
  await server.auth.admin.createResourceServer({ identifier: 'https://offline.accounts.test/', name: 'Offline', allowOfflineAccess: true, scopes: [{ value: 'sync', description: 'Sync' }] });
});
afterAll(async () => {
  await server?.close();
  await inbox?.stop();
});

async function storedUser(email: string) {
  const connection = await server.auth.context.repos.connections.findByName(DEFAULT_CONNECTION_NAME);
  return server.auth.context.repos.users.findByEmail(connection?.id ?? '', email);
}

function linkOnPage(page: Page, path: string): string {
  const href = [...page.html.matchAll(/href="([^"]+)"/g)].map((m) => decodeEntities(m[1] ?? '')).find((h) => h.includes(path));
  if (!href) throw new Error(`No link to ${path} on ${page.url}:\n${page.html.slice(0, 800)}`);
  return new URL(href, page.url).toString();
}

async function logTypes(): Promise<string[]> {
  const { events } = await server.auth.context.audit.search({}, { offset: 0, limit: 100, ascending: true });
  return events.map((e) => e.type);
}

async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('sign-up from the login page', () => {
  test('sign up, verify the email from the mail, sign in, consent: the ID token says email_verified', async () => {
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const login = expectPage(await browser.request(flow.url.toString()));
    const signup = expectPage(await browser.request(linkOnPage(login, '/u/signup')));
    expect(signup.html).toContain('Create your account');

    const sent = expectPage(await browser.submit(signup, { email: 'Newcomer@Example.com', password: 'a fresh passphrase' }));
    expect(sent.status).toBe(200);
    expect(textOf(sent.html)).toContain('We sent a message to newcomer@example.com');
    const stored = await storedUser('newcomer@example.com');
    expect(stored?.emailVerified).toBe(false);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    const mail = await inbox.waitFor('newcomer@example.com');
    expect(mail.subject).toContain('Verify your email');
    const verified = expectPage(await browser.request(linkIn(mail, '/u/email-verification')));
    expect(verified.status).toBe(200);
    expect(textOf(verified.html)).toContain('newcomer@example.com is verified');
    expect((await storedUser('newcomer@example.com'))?.emailVerified).toBe(true);

    const loginAgain = expectPage(await browser.request(linkOnPage(verified, '/u/login')));
    const consent = await browser.submit(loginAgain, { email: 'newcomer@example.com', password: 'a fresh passphrase' });
    expect(isConsentPage(consent)).toBe(true);
    const tokens = await finishFlow(flow, expectRedirect(await browser.submit(expectPage(consent), { action: 'accept' })));
    expect(tokens.claims()).toMatchObject({ email: 'newcomer@example.com', email_verified: true });
    const userinfo = await oidc.fetchUserInfo(flow.config, tokens.access_token, tokens.claims()?.sub ?? '');
    expect(userinfo).toMatchObject({ email: 'newcomer@example.com', email_verified: true });

    // The link was single-use.
    const again = expectPage(await browser.request(linkIn(mail, '/u/email-verification')));
    expect(again.status).toBe(400);
    expect(await logTypes()).toEqual(expect.arrayContaining(['ss', 'svr', 'sv', 'fv']));
  });

  test('an address that has an account gets the same page, and its owner a mail instead (no enumeration)', async () => {
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const signupFor = async (email: string) => {
      const login = expectPage(await browser.request(flow.url.toString()));
      const signup = expectPage(await browser.request(linkOnPage(login, '/u/signup')));
      return expectPage(await browser.submit(signup, { email, password: 'another passphrase' }));
    };
    const before = (await storedUser(USER.email))?.passwordHash;
    const existing = await signupFor(USER.email);
    const fresh = await signupFor('brand-new@example.com');
    expect(existing.status).toBe(fresh.status);
    expect(textOf(existing.html).replace(USER.email, 'X')).toBe(textOf(fresh.html).replace('brand-new@example.com', 'X'));
    expect((await storedUser(USER.email))?.passwordHash).toBe(before);

    const mail = await inbox.waitFor(USER.email);
    expect(mail.subject).toContain('Someone tried to sign up');
    expect(linkIn(mail, '/u/reset-password/confirm')).toContain('token=');
  });

  test('a password outside the policy is refused on the page, and the address stays free', async () => {
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const login = expectPage(await browser.request(flow.url.toString()));
    const signup = expectPage(await browser.request(linkOnPage(login, '/u/signup')));
    const short = expectPage(await browser.submit(signup, { email: 'weak@example.com', password: 'short' }));
    expect(short.status).toBe(400);
    expect(textOf(short.html)).toContain('at least 8 characters');
    const common = expectPage(await browser.submit(short, { email: 'weak@example.com', password: 'Password123' }));
    expect(common.status).toBe(400);
    expect(textOf(common.html)).toContain('too common');
    expect(await storedUser('weak@example.com')).toBeNull();
  });
});

describe('POST /dbconnections/signup (Auth0 Authentication API)', () => {
  test("Auth0's request and response; an existing address answers the same shape", async () => {
    const res = await postJson('dbconnections/signup', {
      client_id: client.clientId,
      email: 'api-user@example.com',
      password: 'api user passphrase',
      connection: DEFAULT_CONNECTION_NAME,
      user_metadata: { plan: 'free' },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ _id: expect.any(String), email_verified: false, email: 'api-user@example.com' });
    const user = await storedUser('api-user@example.com');
    expect(user?.id).toBe(body._id);
    expect(user?.userMetadata).toEqual({ plan: 'free' });
    expect((await inbox.waitFor('api-user@example.com')).subject).toContain('Verify your email');

    const again = await postJson('dbconnections/signup', { client_id: client.clientId, email: 'api-user@example.com', password: 'other passphrase', connection: DEFAULT_CONNECTION_NAME });
    expect(again.status).toBe(200);
    const second = (await again.json()) as Record<string, unknown>;
    expect(Object.keys(second).sort()).toEqual(['_id', 'email', 'email_verified']);
    expect(second._id).not.toBe(body._id);
  });

  test("the email is in the language of the request's Accept-Language", async () => {
    const res = await fetch(`${server.issuer}dbconnections/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'fr-FR,fr;q=0.9' },
      body: JSON.stringify({ client_id: client.clientId, email: 'francoise@example.com', password: 'une phrase de passe', connection: DEFAULT_CONNECTION_NAME }),
    });
    expect(res.status).toBe(200);
    const mail = await inbox.waitFor('francoise@example.com');
    expect(mail.body).toContain('Confirmez que francoise@example.com est bien votre adresse');
  });

  test('refusals in Auth0 shape, never a 500', async () => {
    const weak = await postJson('dbconnections/signup', { client_id: client.clientId, email: 'w@example.com', password: 'qwertyuiop', connection: DEFAULT_CONNECTION_NAME });
    expect(weak.status).toBe(400);
    expect(await weak.json()).toMatchObject({ name: 'PasswordStrengthError', code: 'invalid_password', statusCode: 400 });
    const noClient = await postJson('dbconnections/signup', { email: 'w@example.com', password: 'a good passphrase', connection: DEFAULT_CONNECTION_NAME });
    expect(noClient.status).toBe(400);
    const badConnection = await postJson('dbconnections/signup', { client_id: client.clientId, email: 'w@example.com', password: 'a good passphrase', connection: 'nope' });
    expect(await badConnection.json()).toMatchObject({ code: 'invalid_connection' });
    const nul = await postJson('dbconnections/signup', { client_id: client.clientId, email: 'nul\u0000@example.com', password: 'a good passphrase', connection: DEFAULT_CONNECTION_NAME });
    expect(nul.status).toBe(400);
    expect(await nul.json()).toMatchObject({ code: 'invalid_request' });
    const malformed = await fetch(`${server.issuer}dbconnections/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: 'invalid_request', statusCode: 400 });
  });

  test('disable_signup on the connection refuses sign-up, on the API and on the page', async () => {
    const api = await managementFor(server);
    const connection = await server.auth.context.repos.connections.findByName(DEFAULT_CONNECTION_NAME);
    const before = new TestBrowser(server.origin);
    const openLogin = expectPage(await before.request((await startFlow(server, client)).url.toString()));
    const openForm = expectPage(await before.request(linkOnPage(openLogin, '/u/signup')));
    expect(openForm.html).toContain('<form');
    const patched = await api.patch(`connections/${connection?.id ?? ''}`, { options: { disable_signup: true } });
    expect(patched.status).toBe(200);
    try {
      const res = await postJson('dbconnections/signup', { client_id: client.clientId, email: 'closed@example.com', password: 'a good passphrase', connection: DEFAULT_CONNECTION_NAME });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'operation_not_allowed' });

      const browser = new TestBrowser(server.origin);
      const flow = await startFlow(server, client);
      const login = expectPage(await browser.request(flow.url.toString()));
      const signup = expectPage(await browser.request(linkOnPage(login, '/u/signup')));
      expect(textOf(signup.html)).toContain('Sign-up is not available');
      expect(signup.html).not.toContain('<form');
      // A form kept from before the change is refused too.
      const refused = expectPage(await before.submit(openForm, { email: 'closed@example.com', password: 'a good passphrase' }));
      expect(refused.status).toBe(403);
      expect(textOf(refused.html)).toContain('Sign-up is not available');
      expect(await storedUser('closed@example.com')).toBeNull();
    } finally {
      await api.patch(`connections/${connection?.id ?? ''}`, { options: { disable_signup: false } });
    }
  });
});

describe('password reset', () => {
  async function signInWithOfflineAccess(email: string, password: string) {
    const offline = await makeClient(server, { name: `Offline ${email}`, isFirstParty: false, callbacks: ['https://offline-app.example/cb'] });
    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, offline, { scope: 'openid offline_access sync', audience: 'https://offline.accounts.test/' });
    const consent = expectPage(await signIn(browser, flow.url, { email, password, name: '' }));
    const tokens = await finishFlow(flow, expectRedirect(await browser.submit(consent, { action: 'accept' })));
    return { flow, refreshToken: tokens.refresh_token ?? '' };
  }

  test('forgot password → mail → new password: single-use link, other sessions and refresh tokens ended, logged', async () => {
    await server.auth.admin.createUser({ email: 'forgetful@example.com', password: 'the old passphrase', emailVerified: false });
    const elsewhere = await signInWithOfflineAccess('forgetful@example.com', 'the old passphrase');
    const subject = `auth0|${(await storedUser('forgetful@example.com'))?.id ?? ''}`;
    const sessionsBefore = Number(((await server.auth.context.db('sessions').where({ user_id: subject }).count({ n: '*' }).first()) as { n: unknown }).n);
    expect(sessionsBefore).toBe(1);

    const browser = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    const login = expectPage(await browser.request(flow.url.toString()));
    const forgot = expectPage(await browser.request(linkOnPage(login, '/u/reset-password')));
    const sent = expectPage(await browser.submit(forgot, { email: 'forgetful@example.com' }));
    expect(textOf(sent.html)).toContain('If an account exists for forgetful@example.com');

    const mail = await inbox.waitFor('forgetful@example.com');
    expect(mail.subject).toContain('Reset your');
    const link = linkIn(mail, '/u/reset-password/confirm');
    expect(link).toMatch(/token=[A-Za-z0-9_-]{43}$/);
    // Only the token's hash is stored.
    const token = new URL(link).searchParams.get('token') ?? '';
    expect(JSON.stringify(await server.auth.context.db('account_tokens').select())).not.toContain(token);

    const form = expectPage(await browser.request(link));
    expect(textOf(form.html)).toContain('for forgetful@example.com');
    const weak = expectPage(await browser.submit(form, { password: 'password1' }));
    expect(weak.status).toBe(400);
    const done = expectPage(await browser.submit(weak, { password: 'the new passphrase' }));
    expect(done.status).toBe(200);
    expect(textOf(done.html)).toContain('Your password was changed');

    const reused = expectPage(await browser.request(link));
    expect(reused.status).toBe(400);
    expect(textOf(reused.html)).toContain('This link cannot be used');

    const sessionsAfter = Number(((await server.auth.context.db('sessions').where({ user_id: subject }).count({ n: '*' }).first()) as { n: unknown }).n);
    expect(sessionsAfter).toBe(0);
    await expect(oidc.refreshTokenGrant(elsewhere.flow.config, elsewhere.refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });

    // The old password no longer works, the new one does, and the reset proved the address.
    const loginAgain = expectPage(await browser.request(linkOnPage(done, '/u/login')));
    const wrong = expectPage(await browser.submit(loginAgain, { email: 'forgetful@example.com', password: 'the old passphrase' }));
    expect(wrong.status).toBe(401);
    expect(isConsentPage(await browser.submit(wrong, { email: 'forgetful@example.com', password: 'the new passphrase' }))).toBe(true);
    expect((await storedUser('forgetful@example.com'))?.emailVerified).toBe(true);
    expect(await logTypes()).toEqual(expect.arrayContaining(['scpr', 'fcp', 'scp']));
  });

  test('an expired link cannot be used; a newer link replaces an older one', async () => {
    await server.auth.admin.createUser({ email: 'slow@example.com', password: 'slow passphrase', emailVerified: true });
    const forgot = async () => {
      const res = await postJson('dbconnections/change_password', { client_id: client.clientId, email: 'slow@example.com', connection: DEFAULT_CONNECTION_NAME });
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("We've just sent you an email to reset your password.");
    };
    await forgot();
    const first = linkIn(await inbox.waitFor('slow@example.com', 1), '/u/reset-password/confirm');
    await forgot();
    const second = linkIn(await inbox.waitFor('slow@example.com', 2), '/u/reset-password/confirm');
    const browser = new TestBrowser(server.origin);
    expect(expectPage(await browser.request(first)).status).toBe(400);
    expect(expectPage(await browser.request(second)).status).toBe(200);

    await server.auth.context.db('account_tokens').update({ expires_at: Date.now() - 1000 });
    const expired = expectPage(await browser.request(second));
    expect(expired.status).toBe(400);
    const post = expectPage(await browser.request(new URL('u/reset-password/confirm', server.issuer).toString(), {
      method: 'POST',
      body: new URLSearchParams({ token: new URL(second).searchParams.get('token') ?? '', password: 'a brand new passphrase' }),
    }));
    expect(post.status).toBe(400);
    const browser2 = new TestBrowser(server.origin);
    const flow = await startFlow(server, client);
    expect(isConsentPage(await signIn(browser2, flow.url, { email: 'slow@example.com', password: 'slow passphrase', name: '' }))).toBe(true);
  });

  test('change_password answers the same for an unknown address, and sends nothing', async () => {
    const res = await postJson('dbconnections/change_password', { client_id: client.clientId, email: 'nobody@example.com', connection: DEFAULT_CONNECTION_NAME });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("We've just sent you an email to reset your password.");
    await postJson('dbconnections/change_password', { client_id: client.clientId, email: USER.email, connection: DEFAULT_CONNECTION_NAME });
    await inbox.waitFor(USER.email, 2);
    expect(inbox.to('nobody@example.com')).toHaveLength(0);
    expect(await logTypes()).toContain('fcpr');
  });
});

describe('email verification on demand', () => {
  test('the Management job sends the link (Auth0 job shape); following it sets email_verified', async () => {
    const created = await server.auth.admin.createUser({ email: 'unverified@example.com', password: 'unverified passphrase', emailVerified: false });
    const api = await managementFor(server);
    const job = await api.post('jobs/verification-email', { user_id: created.userId });
    expect(job.status).toBe(201);
    expect(job.body).toEqual({ type: 'verification_email', status: 'completed', created_at: expect.any(String), id: expect.stringMatching(/^job_/) });
    const mail = await inbox.waitFor('unverified@example.com');
    const page = expectPage(await new TestBrowser(server.origin).request(linkIn(mail, '/u/email-verification')));
    expect(page.status).toBe(200);
    expect((await api.get(`users/${encodeURIComponent(created.userId)}`)).body).toMatchObject({ email_verified: true });

    expect((await api.post('jobs/verification-email', { user_id: created.userId })).status).toBe(400);
    expect((await api.post('jobs/verification-email', { user_id: 'auth0|nobody' })).status).toBe(404);
    expect((await api.post('jobs/verification-email', { user_id: created.userId, extra: 1 })).status).toBe(400);
  });

  test('the resend page sends a new link to an unverified address, and answers the same for any other', async () => {
    await server.auth.admin.createUser({ email: 'resend@example.com', password: 'resend passphrase', emailVerified: false });
    const browser = new TestBrowser(server.origin);
    const form = expectPage(await browser.request(new URL('u/email-verification/resend', server.issuer).toString()));
    const sent = expectPage(await browser.submit(form, { email: 'resend@example.com' }));
    const other = expectPage(await browser.submit(form, { email: 'not-a-user@example.com' }));
    expect(sent.status).toBe(other.status);
    expect(textOf(sent.html).replace('resend@example.com', 'X')).toBe(textOf(other.html).replace('not-a-user@example.com', 'X'));
    const mail = await inbox.waitFor('resend@example.com');
    expect(expectPage(await browser.request(linkIn(mail, '/u/email-verification'))).status).toBe(200);
    expect((await storedUser('resend@example.com'))?.emailVerified).toBe(true);
  });
});

test('the mail option is checked at start', async () => {
  const { createAuthServer } = await import('../../src/index.js');
  await expect(createAuthServer({ issuer: 'http://127.0.0.1:1/', mail: { smtpUrl: 'http://mail.example.com' } })).rejects.toThrow(/mail\.smtpUrl: must be an smtp:\/\/ or smtps:\/\/ URL/);
});

describe('password hashing', () => {
  test('an scrypt hash of earlier versions still signs in, and becomes Argon2id at that sign-in', async () => {
    await server.auth.admin.createUser({ email: 'legacy@example.com', password: 'legacy passphrase' });
    const user = await storedUser('legacy@example.com');
    if (!user) throw new Error('no user');
    await server.auth.context.repos.users.update({ ...user, passwordHash: await hashPasswordScrypt('legacy passphrase', 2 ** 10) });
    expect((await storedUser('legacy@example.com'))?.passwordHash).toMatch(/^scrypt\$/);

    const flow = await startFlow(server, client);
    expect(isConsentPage(await signIn(new TestBrowser(server.origin), flow.url, { email: 'legacy@example.com', password: 'legacy passphrase', name: '' }))).toBe(true);
    const rehashed = (await storedUser('legacy@example.com'))?.passwordHash ?? '';
    expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const again = await startFlow(server, client);
    expect(isConsentPage(await signIn(new TestBrowser(server.origin), again.url, { email: 'legacy@example.com', password: 'legacy passphrase', name: '' }))).toBe(true);
    expect((await storedUser('legacy@example.com'))?.passwordHash).toBe(rehashed);
  });
});

describe('rate limits (429 with Retry-After)', () => {
  let limited: TestServer;
  let limitedClient: Client;
  beforeAll(async () => {
    limited = await startTestServer({
      mail: { smtpUrl: inbox.url },
      abuseLimits: { signupsPerAddress: { limit: 2 }, passwordResetsPerAddress: { limit: 4 }, passwordResetsPerEmail: { limit: 2 }, verificationEmailsPerAddress: { limit: 2 } },
    });
    limitedClient = await makeClient(limited, { name: 'Limited', callbacks: ['https://limited.example/cb'] });
  });
  afterAll(async () => limited?.close());

  const post = (path: string, body: unknown) => fetch(`${limited.issuer}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('sign-ups per address', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await post('dbconnections/signup', { client_id: limitedClient.clientId, email: `burst${i}@example.com`, password: 'burst passphrase', connection: DEFAULT_CONNECTION_NAME });
      expect(res.status).toBe(200);
    }
    const refused = await post('dbconnections/signup', { client_id: limitedClient.clientId, email: 'burst9@example.com', password: 'burst passphrase', connection: DEFAULT_CONNECTION_NAME });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ statusCode: 429 });

    const browser = new TestBrowser(limited.origin);
    const flow = await startFlow(limited, limitedClient, { audience: null, scope: 'openid' });
    const login = expectPage(await browser.request(flow.url.toString()));
    const signup = expectPage(await browser.request(linkOnPage(login, '/u/signup')));
    const page = expectPage(await browser.submit(signup, { email: 'burst10@example.com', password: 'burst passphrase' }));
    expect(page.status).toBe(429);
    expect(page.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(textOf(page.html)).toContain('Too many requests');
  });

  test('reset requests per email, then per address', async () => {
    const ask = (email: string) => post('dbconnections/change_password', { email, connection: DEFAULT_CONNECTION_NAME });
    expect((await ask('target@example.com')).status).toBe(200);
    expect((await ask('target@example.com')).status).toBe(200);
    const perEmail = await ask('target@example.com');
    expect(perEmail.status).toBe(429);
    expect(perEmail.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await ask('someone-else@example.com')).status).toBe(200);
    expect((await ask('third@example.com')).status).toBe(200);
    expect((await ask('fourth@example.com')).status).toBe(429);
  });

  test('verification requests per address', async () => {
    const browser = new TestBrowser(limited.origin);
    const form = expectPage(await browser.request(new URL('u/email-verification/resend', limited.issuer).toString()));
    expect(expectPage(await browser.submit(form, { email: 'v1@example.com' })).status).toBe(200);
    expect(expectPage(await browser.submit(form, { email: 'v2@example.com' })).status).toBe(200);
    const refused = expectPage(await browser.submit(form, { email: 'v3@example.com' }));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

test('the login page links to sign-up and to the forgotten password', async () => {
  const flow = await startFlow(server, client, { audience: API });
  const login = expectPage(await new TestBrowser(server.origin).request(flow.url.toString()));
  expect(linkOnPage(login, '/u/signup')).toContain('tx=');
  expect(linkOnPage(login, '/u/reset-password')).toContain('tx=');
});
