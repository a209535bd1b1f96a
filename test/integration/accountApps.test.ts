/** "Authorized applications": a person sees the apps holding a grant and revokes them (issue 4 §6). */
import { TestBrowser, findForm, textOf } from '../helpers/browser.js';
import { USER, expectPage, expectRedirect, finishFlow, isConsentPage, makeClient, seedWorld, signIn, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

let server: TestServer;
let userId: string;

beforeAll(async () => {
  server = await startTestServer();
  ({ userId } = await seedWorld(server));
});
afterAll(async () => server?.close());

async function authorizeApp(browser: TestBrowser, client: Client, scope = 'openid profile read:posts'): Promise<void> {
  const flow = await startFlow(server, client, { scope });
  let visit = await browser.request(flow.url.toString());
  if (!('redirectedTo' in visit) && visit.url.includes('/u/login')) visit = await browser.submit(visit, { email: USER.email, password: USER.password });
  const consent = expectPage(visit);
  await finishFlow(flow, expectRedirect(await browser.submit(consent, { action: 'accept' })));
}

test('the page lists every authorized app with its scopes, and Revoke removes one', async () => {
  const browser = new TestBrowser(server.origin);
  const fabrikam = await makeClient(server, { name: 'Fabrikam Reader', isFirstParty: false, callbacks: ['https://fab.example/cb'] });
  const tailspin = await makeClient(server, { name: 'Tailspin Writer', isFirstParty: false, callbacks: ['https://tail.example/cb'] });
  await authorizeApp(browser, fabrikam);
  await authorizeApp(browser, tailspin, 'openid read:posts write:posts');

  const page = expectPage(await browser.request(`${server.issuer}u/account/apps`));
  const text = textOf(page.html);
  expect(text).toContain('Authorized applications');
  expect(text).toContain('Fabrikam Reader');
  expect(text).toContain('Tailspin Writer');
  expect(text).toContain('Publish posts on your behalf');
  expect(text).toContain('Your name, nickname and picture');
  expect(page.headers.get('x-frame-options')).toBe('DENY');

  const revokeFabrikam = findForm(page.html.slice(page.html.indexOf('Fabrikam Reader')), 'revoke');
  const grantId = revokeFabrikam.hidden.find(([name]) => name === 'grant_id')?.[1];
  expect(grantId).toBeTruthy();
  const after = expectPage(await browser.submit({ ...page, html: page.html.slice(page.html.indexOf('Fabrikam Reader')) }, {}, 'revoke'));
  expect(browser.history.at(-2)?.status).toBe(303);
  expect(textOf(after.html)).toContain('Access was revoked');
  expect(textOf(after.html)).not.toContain('Fabrikam Reader');
  expect(textOf(after.html)).toContain('Tailspin Writer');
  expect(await server.auth.context.db('user_grants').where({ id: grantId })).toHaveLength(0);

  // The next authorization asks again.
  const again = await startFlow(server, fabrikam);
  expect(isConsentPage(await browser.request(again.url.toString()))).toBe(true);
});

test('a forged revoke (wrong CSRF token) or another person\'s grant id revokes nothing', async () => {
  const browser = new TestBrowser(server.origin);
  const client = await makeClient(server, { name: 'Kept', isFirstParty: false, callbacks: ['https://kept.example/cb'] });
  await authorizeApp(browser, client);
  const page = expectPage(await browser.request(`${server.issuer}u/account/apps`));
  const [grant] = await server.auth.context.db('user_grants').where({ client_id: client.clientId });

  const forged = expectPage(await browser.submit(page, { csrf: 'forged', grant_id: String(grant.id) }, 'revoke'));
  expect(forged.status).toBe(403);
  expect(await server.auth.context.db('user_grants').where({ id: grant.id })).toHaveLength(1);

  const mallory = await server.auth.admin.createUser({ email: 'mallory@example.com', password: 'mallory-password' });
  const malloryBrowser = new TestBrowser(server.origin);
  const login = expectPage(await malloryBrowser.request(`${server.issuer}u/account/apps`));
  expect(login.url).toContain('/u/account/login');
  const apps = expectPage(await malloryBrowser.submit(login, { email: 'mallory@example.com', password: 'mallory-password' }));
  expect(textOf(apps.html)).toContain('No application has access to your account');
  // Mallory's own valid form, aimed at Alice's grant.
  const malloryApps = expectPage(await malloryBrowser.request(`${server.issuer}u/account/apps`));
  const malloryCsrf = /name="csrf" value="([^"]+)"/.exec(malloryApps.html)?.[1] ?? '';
  await malloryBrowser.request(`${server.issuer}u/account/apps/revoke`, {
    method: 'POST',
    body: new URLSearchParams({ csrf: malloryCsrf, grant_id: String(grant.id) }),
  });
  expect(await server.auth.context.db('user_grants').where({ id: grant.id })).toHaveLength(1);
  expect(mallory.userId).not.toBe(userId);
});

test('signed out, the page sends you to sign in, then shows your apps', async () => {
  const browser = new TestBrowser(server.origin);
  const login = expectPage(await browser.request(`${server.issuer}u/account/apps`));
  expect(login.url).toContain('/u/account/login');
  const wrong = expectPage(await browser.submit(login, { email: USER.email, password: 'nope-nope' }));
  expect(wrong.status).toBe(401);
  expect(textOf(wrong.html)).toContain('Wrong email or password.');
  const apps = expectPage(await browser.submit(wrong, { email: USER.email, password: USER.password }));
  expect(textOf(apps.html)).toContain(`Signed in as ${USER.name}`);
});
