/**
 * The consent audit events (our extension of Auth0's types): Accept is consent_given, Decline is
 * consent_declined, and a grant revoked on the account page or through the Management API (by id or all
 * of a user's) is grant_revoked; each read back through GET /api/v2/logs with its user, application,
 * audience and scopes.
 */
import { TestBrowser } from '../helpers/browser.js';
import { API, USER, expectPage, expectRedirect, finishFlow, makeClient, seededSuite, signIn, startFlow } from '../helpers/fixtures.js';
import type { Client } from '../../src/index.js';

const suite = seededSuite();

interface LogJson {
  log_id: string;
  type: string;
  description: string;
  client_id: string | null;
  client_name: string | null;
  user_id: string | null;
  user_name: string | null;
  audience: string | null;
  scope: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

async function eventsOf(type: string, client: Client): Promise<LogJson[]> {
  const res = await suite.api.get(`logs?q=${encodeURIComponent(`type:"${type}" AND client_id:"${client.clientId}"`)}`);
  expect(res.status).toBe(200);
  return res.body as LogJson[];
}

const sorted = (scope: string | null) => (scope ?? '').split(' ').sort();

/** Signs Alice in for `client` and answers the dialog with `answer` (the consent form's fields). */
async function answerConsent(browser: TestBrowser, client: Client, answer: Record<string, string | string[]>): Promise<string> {
  const flow = await startFlow(suite.server, client);
  const visit = browser.cookies.size > 0 ? await browser.request(flow.url.toString()) : await signIn(browser, flow.url);
  const callback = expectRedirect(await browser.submit(expectPage(visit), answer));
  if (answer.action === 'accept') await finishFlow(flow, callback);
  return callback;
}

async function grantOf(client: Client): Promise<{ id: string } | undefined> {
  return suite.server.auth.context.db('user_grants').where({ client_id: client.clientId, user_id: suite.userId }).first();
}

test('Accept is consent_given: who, which application and API, the scopes ticked, the grant and what was refused', async () => {
  const client = await makeClient(suite.server, { name: 'Consenting App', isFirstParty: false, callbacks: ['https://consenting.example/cb'] });
  // Alice unticks "email": it is refused, and recorded as such.
  await answerConsent(new TestBrowser(suite.server.origin), client, { action: 'accept', scope: ['profile', 'read:posts'] });

  const [event, ...more] = await eventsOf('consent_given', client);
  expect(more).toEqual([]);
  const grant = await grantOf(client);
  expect(event).toMatchObject({
    description: 'Consent Given',
    client_name: 'Consenting App',
    user_id: suite.userId,
    user_name: USER.email,
    audience: API,
    details: { grantId: grant?.id, refused: ['email'] },
  });
  expect(sorted(event?.scope ?? null)).toEqual(['openid', 'profile', 'read:posts']);
  expect(sorted((event?.details.asked as string[]).join(' '))).toEqual(['email', 'openid', 'profile', 'read:posts']);
  expect(event?.ip).toBeTruthy();
  expect(await eventsOf('consent_declined', client)).toEqual([]);
});

test('Decline is consent_declined with the scopes asked, and no grant', async () => {
  const client = await makeClient(suite.server, { name: 'Declined App', isFirstParty: false, callbacks: ['https://declined.example/cb'] });
  const callback = await answerConsent(new TestBrowser(suite.server.origin), client, { action: 'decline' });
  expect(new URL(callback).searchParams.get('error')).toBe('access_denied');

  const events = await eventsOf('consent_declined', client);
  expect(events).toEqual([
    expect.objectContaining({ description: 'Consent Declined', client_name: 'Declined App', user_id: suite.userId, user_name: USER.email, audience: API, details: expect.objectContaining({ grantId: null, accepted: [] }) }),
  ]);
  expect(sorted(events[0]?.scope ?? null)).toEqual(['email', 'openid', 'profile', 'read:posts']);
  expect(await grantOf(client)).toBeUndefined();
  expect(await eventsOf('consent_given', client)).toEqual([]);
});

test('revoking on the account page is grant_revoked, by the user', async () => {
  const client = await makeClient(suite.server, { name: 'Revoked Here', isFirstParty: false, callbacks: ['https://revoked-here.example/cb'] });
  const browser = new TestBrowser(suite.server.origin);
  await answerConsent(browser, client, { action: 'accept' });
  const grant = await grantOf(client);
  const apps = expectPage(await browser.request(`${suite.server.issuer}u/account/apps`));
  const fromHere = apps.html.slice(apps.html.indexOf('Revoked Here'));
  expectPage(await browser.submit({ ...apps, html: fromHere }, {}, 'revoke'));
  expect(await grantOf(client)).toBeUndefined();

  const [event, ...more] = await eventsOf('grant_revoked', client);
  expect(more).toEqual([]);
  expect(event).toMatchObject({ description: 'Grant Revoked', client_name: 'Revoked Here', user_id: suite.userId, user_name: USER.email, audience: API, details: { grantId: grant?.id, revokedBy: { via: 'account' } } });
  expect(sorted(event?.scope ?? null)).toEqual(['email', 'openid', 'profile', 'read:posts']);
});

test('DELETE /api/v2/grants/{id} is grant_revoked, naming the Management API caller; an unknown id logs nothing', async () => {
  const client = await makeClient(suite.server, { name: 'Revoked By Admin', isFirstParty: false, callbacks: ['https://revoked-admin.example/cb'] });
  await answerConsent(new TestBrowser(suite.server.origin), client, { action: 'accept' });
  const grant = await grantOf(client);
  expect((await suite.api.delete(`grants/${grant?.id}`)).status).toBe(204);
  expect((await suite.api.delete(`grants/${grant?.id}`)).status).toBe(404);

  expect(await eventsOf('grant_revoked', client)).toEqual([
    expect.objectContaining({
      client_name: 'Revoked By Admin',
      user_id: suite.userId,
      user_name: USER.email,
      audience: API,
      details: { grantId: grant?.id, revokedBy: { via: 'management_api', clientId: 'fixtures-management-client', userId: null } },
    }),
  ]);
});

test('DELETE /api/v2/grants?user_id= is one grant_revoked per grant, each with its application', async () => {
  const first = await makeClient(suite.server, { name: 'Bulk One', isFirstParty: false, callbacks: ['https://bulk-one.example/cb'] });
  const second = await makeClient(suite.server, { name: 'Bulk Two', isFirstParty: false, callbacks: ['https://bulk-two.example/cb'] });
  const browser = new TestBrowser(suite.server.origin);
  await answerConsent(browser, first, { action: 'accept' });
  await answerConsent(browser, second, { action: 'accept', scope: ['read:posts'] });
  const before = ((await suite.api.get(`grants?user_id=${encodeURIComponent(suite.userId)}`)).body as { id: string }[]).map((g) => g.id);
  expect(before.length).toBeGreaterThanOrEqual(2);

  expect((await suite.api.delete(`grants?user_id=${encodeURIComponent(suite.userId)}`)).status).toBe(204);
  expect((await suite.api.get(`grants?user_id=${encodeURIComponent(suite.userId)}`)).body).toEqual([]);

  const [one] = await eventsOf('grant_revoked', first);
  const [two] = await eventsOf('grant_revoked', second);
  expect(one).toMatchObject({ client_name: 'Bulk One', user_id: suite.userId, audience: API });
  expect(two).toMatchObject({ client_name: 'Bulk Two', user_id: suite.userId, audience: API });
  expect(sorted(two?.scope ?? null)).toEqual(['openid', 'read:posts']);
  // Every grant the user had, the one from the first test too.
  const all = (await suite.api.get(`logs?q=${encodeURIComponent(`type:"grant_revoked" AND user_id:"${suite.userId}"`)}&per_page=100`)).body as LogJson[];
  expect(all.filter((e) => before.includes(String(e.details.grantId))).map((e) => e.details.grantId).sort()).toEqual([...before].sort());
});
