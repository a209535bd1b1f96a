/**
 * Who may use the dashboard and the Management API as a person: only holders of the administrator
 * role, checked again on every request; every change needs the form's CSRF token; administrators'
 * actions are logged with their user id.
 */
import { jest } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { Administrators } from '../../src/index.js';
import { managementAudience, MANAGEMENT_SCOPES } from '../../src/domain/managementApi.js';
import { isStop, textOf } from '../helpers/browser.js';
import { ADMIN, PLAIN_USER, csrfOf, signInToDashboard, startDashboardServer, type DashboardServer } from './dashboardServer.js';

jest.setTimeout(30000);
let server: DashboardServer;

beforeAll(async () => {
  server = await startDashboardServer();
});
afterAll(async () => {
  await server?.close();
});

/** A token as the dashboard mints it, for any subject: what a stolen or stale one would look like. */
async function userToken(sub: string): Promise<string> {
  const { token } = await server.auth.context.signer.accessToken({ subject: sub, clientId: 'dashboard', audience: managementAudience(server.issuer), scopes: MANAGEMENT_SCOPES, lifetimeSeconds: 300 });
  return token;
}

async function getClients(token: string): Promise<Response> {
  return fetch(`${server.issuer}api/v2/clients`, { headers: { authorization: `Bearer ${token}` } });
}

test('an administrator signs in through /authorize and sees the dashboard', async () => {
  const { page } = await signInToDashboard(server, ADMIN);
  expect(page.url).toBe(server.dashboard);
  expect(page.status).toBe(200);
  expect(textOf(page.html)).toContain('Overview');
  expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(page.headers.get('x-frame-options')).toBe('DENY');
  expect(page.headers.get('cache-control')).toContain('no-store');
});

test('a user without the role is refused the dashboard', async () => {
  const { page, browser } = await signInToDashboard(server, PLAIN_USER);
  expect(page.status).toBe(403);
  expect(textOf(page.html)).toContain('does not hold the administrator role');
  const again = await browser.request(`${server.dashboard}applications`);
  // Signed in at the server, so the dashboard signs in again at once, and refuses again.
  expect(isStop(again) ? 0 : again.status).toBe(403);
  expect(isStop(again) ? '' : again.html).not.toContain('Create application');
});

test('/authorize never issues Management API scopes to a user flow', async () => {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${server.issuer}authorize`);
  url.search = new URLSearchParams({
    client_id: 'dashboard',
    response_type: 'code',
    redirect_uri: `${server.dashboard}callback`,
    scope: 'openid read:users',
    audience: managementAudience(server.issuer),
    state: 's',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location') ?? '';
  expect(location).toContain('error=');
  expect(location).not.toContain('code=');
});

test("a non-administrator's user token is refused by the Management API", async () => {
  const res = await getClients(await userToken(server.plainUserId));
  expect(res.status).toBe(401);
  expect(((await res.json()) as { message: string }).message).toMatch(/administrator/);
});

test("a token signed by someone else for an administrator is refused", async () => {
  const { privateKey } = await import('node:crypto').then((c) => c.generateKeyPairSync('rsa', { modulusLength: 2048 }));
  const forged = await new SignJWT({ scope: MANAGEMENT_SCOPES.join(' '), azp: 'dashboard' })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: server.auth.context.keys.current().kid })
    .setIssuer(server.issuer).setSubject(server.adminId).setAudience(managementAudience(server.issuer)).setIssuedAt().setExpirationTime('5m')
    .sign(privateKey);
  expect((await getClients(forged)).status).toBe(401);
});

test("a revoked administrator's token stops working at once, and so does their dashboard session", async () => {
  const { browser } = await signInToDashboard(server, ADMIN);
  const token = await userToken(server.adminId);
  expect((await getClients(token)).status).toBe(200);
  const administrators = new Administrators(server.auth.context.db);
  await administrators.revoke(server.adminId);
  try {
    expect((await getClients(token)).status).toBe(401);
    const page = await browser.request(`${server.dashboard}applications`);
    expect(isStop(page) ? 0 : page.status).toBe(403);
    expect(isStop(page) ? '' : textOf(page.html)).toContain('administrator access has ended');
  } finally {
    await administrators.grant(server.adminId);
  }
});

test("a blocked administrator's token stops working", async () => {
  const token = await userToken(server.adminId);
  const users = server.auth.context.repos.users;
  const admin = await users.findById(server.adminId.slice('auth0|'.length));
  if (!admin) throw new Error('admin missing');
  await users.update({ ...admin, blocked: true });
  try {
    expect((await getClients(token)).status).toBe(401);
  } finally {
    await users.update({ ...admin, blocked: false });
  }
});

test('a change without the CSRF token is refused, with it goes through and is logged with the administrator', async () => {
  const { browser } = await signInToDashboard(server, ADMIN);
  const form = await browser.request(`${server.dashboard}applications/new`);
  if (isStop(form)) throw new Error('expected the form');
  const refused = await browser.request(`${server.dashboard}applications`, { method: 'POST', body: new URLSearchParams({ name: 'No CSRF', app_type: 'spa' }) });
  expect(isStop(refused) ? 0 : refused.status).toBe(403);
  const wrong = await browser.request(`${server.dashboard}applications`, { method: 'POST', body: new URLSearchParams({ name: 'Bad CSRF', app_type: 'spa', _csrf: 'x'.repeat(43) }) });
  expect(isStop(wrong) ? 0 : wrong.status).toBe(403);
  const { clients } = await server.auth.context.repos.clients.list({}, { offset: 0, limit: 100 });
  expect(clients.map((c) => c.name)).not.toContain('No CSRF');

  const created = await browser.request(`${server.dashboard}applications`, { method: 'POST', body: new URLSearchParams({ name: 'With CSRF', app_type: 'spa', _csrf: csrfOf(form, '/applications') }) });
  expect(isStop(created) ? '' : created.url).toMatch(/\/applications\/[^/]+\/quickstart\?notice=created$/);
  await server.auth.context.audit.flush();
  const { events } = await server.auth.context.repos.logs.search({ type: 'sapi' }, { offset: 0, limit: 10, ascending: false });
  const post = events.find((e) => e.description === 'POST /api/v2/clients');
  expect(post?.userId).toBe(server.adminId);
  expect(post?.clientId).toBe('dashboard');
});

test('bad input gets a page with a message, not a 500', async () => {
  const { browser } = await signInToDashboard(server, ADMIN);
  const form = await browser.request(`${server.dashboard}applications/new`);
  if (isStop(form)) throw new Error('expected the form');
  const bad = await browser.request(`${server.dashboard}applications`, { method: 'POST', body: new URLSearchParams({ name: '', app_type: 'bogus', _csrf: csrfOf(form, '/applications') }) });
  expect(isStop(bad) ? 0 : bad.status).toBe(400);
  expect(isStop(bad) ? '' : textOf(bad.html)).toContain('That did not work');
  for (const path of ['applications/nope/settings', 'applications/x/unknown-tab', 'users/auth0%7Cnobody', 'logs/zzz', 'logs?before=%00&page=-5']) {
    const page = await browser.request(`${server.dashboard}${path}`);
    expect([200, 400, 404]).toContain(isStop(page) ? 0 : page.status);
  }
});
