/**
 * Issue 12, item 6a: accepting the consent dialog in two tabs at once. Each tab must get either the
 * client's callback or an error page: never a 500 (the grants table has a unique key per user, client
 * and audience, and two first grants race to insert it).
 */
import { findForm, TestBrowser, type Page } from '../helpers/browser.js';
import { API, expectPage, makeClient, seedWorld, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';
import { USER } from '../helpers/fixtures.js';

let server: TestServer;
let client: Client;

beforeAll(async () => {
  server = await startTestServer();
  await seedWorld(server, { skipConsent: false });
  client = await makeClient(server, { name: 'Two Tabs', callbacks: ['https://two-tabs.example/cb'], isFirstParty: false });
});
afterAll(async () => server?.close());

/** Posts a page's form as the browser would, without following the answer. */
async function post(browser: TestBrowser, page: Page, fields: Record<string, string>): Promise<{ status: number; location: string | null; body: string }> {
  const form = findForm(page.html, '/u/consent');
  const body = new URLSearchParams(form.hidden);
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  const res = await fetch(new URL(form.action, page.url), {
    method: 'POST',
    redirect: 'manual',
    body,
    headers: { cookie: browser.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
  });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

async function consentPage(browser: TestBrowser, user: { email: string; password: string }): Promise<Page> {
  const flow = await startFlow(server, client, { scope: 'openid read:posts', audience: API });
  const first = expectPage(await browser.request(flow.url.toString()));
  if (first.url.includes('/u/login')) return expectPage(await browser.submit(first, { email: user.email, password: user.password }));
  return first;
}

const ROUNDS = 5;

test('two tabs accepting the first grant at once: each gets the callback or a page, never a 500', async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const email = `tabs${round}-${Date.now()}@example.com`;
    await server.auth.admin.createUser({ email, password: USER.password, emailVerified: true });
    const browser = new TestBrowser(server.origin);
    const tabA = await consentPage(browser, { email, password: USER.password });
    const tabB = await consentPage(browser, { email, password: USER.password });
    expect(tabA.html).toContain('is requesting access');
    expect(tabB.html).toContain('is requesting access');
    const answers = await Promise.all([post(browser, tabA, { action: 'accept' }), post(browser, tabB, { action: 'accept' })]);
    for (const answer of answers) {
      if (answer.status >= 500) throw new Error(`round ${round}: a tab got ${answer.status}:\n${answer.body.slice(0, 400)}`);
    }
    expect(answers.filter((a) => a.location?.startsWith('https://two-tabs.example/cb?code=')).length).toBeGreaterThanOrEqual(1);
  }
});

test('the same consent form posted twice at once: one callback, one error page, never a 500', async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const email = `twice${round}-${Date.now()}@example.com`;
    await server.auth.admin.createUser({ email, password: USER.password, emailVerified: true });
    const browser = new TestBrowser(server.origin);
    const tab = await consentPage(browser, { email, password: USER.password });
    const answers = await Promise.all([post(browser, tab, { action: 'accept' }), post(browser, tab, { action: 'accept' })]);
    for (const answer of answers) {
      if (answer.status >= 500) throw new Error(`round ${round}: a post got ${answer.status}:\n${answer.body.slice(0, 400)}`);
    }
    expect(answers.filter((a) => a.location?.includes('code=')).length).toBe(1);
  }
});
