/// <reference lib="dom" />
/**
 * Issue 11's promises walked in Chromium as a person would (the HTTP-level twin is
 * test/integration/consentSemantics.test.ts): unticking a box narrows what the app gets, revoking on the
 * account page revokes, no step of the flow can be jumped, a user blocked mid-dialog gets nothing, and a
 * third-party app asking for no scope still needs one approval. Each test is one person in their own
 * browser context; screenshots go to test/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, startCallbackApp, type CallbackApp } from '../helpers/chromium.js';
import { API, USER, finishFlow, makeClient, managementFor, seedWorld, startFlow, type Flow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

const ARTIFACTS = 'test/artifacts';
const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;
const CONSENT_HEADING = 'is requesting access to your account';
// Every wait is bounded well inside Jest's 60 s, so a page that never comes fails the test with a reason.
const WAIT_MS = 10000;

interface AxeViolation { id: string; impact: string | null; help: string }
type Credentials = { email: string; password: string };

let server: TestServer;
let browser: Browser;
let app: CallbackApp;
let appOrigin: string;
/** Every query string the client app received, so a test can say that no code ever reached it. */
const arrivals: URLSearchParams[] = [];

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startTestServer({ companyName: 'Contoso' });
  await seedWorld(server);
  // The refresh-token half of "unticking narrows" needs an API that grants offline access.
  const api = await managementFor(server);
  const contoso = (await api.get('resource-servers')).body as { id: string; identifier: string }[];
  const id = contoso.find((rs) => rs.identifier === API)?.id;
  const patched = await api.patch(`resource-servers/${id}`, { allow_offline_access: true });
  if (patched.status !== 200) throw new Error(`allow_offline_access: ${patched.status} ${JSON.stringify(patched.body)}`);

  app = await startCallbackApp((query) => arrivals.push(query));
  appOrigin = app.origin;
  browser = await launchChromium();
}, 60000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await server?.close();
});

const thirdParty = (name: string): Promise<Client> => makeClient(server, { name, isFirstParty: false, callbacks: [`${appOrigin}/cb`] });

/** A person's browser, under the pages' real CSP (our own CSP once blocked a redirect to the app). */
async function newPerson(): Promise<{ context: BrowserContext; page: Page; consentLoads: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  page.setDefaultNavigationTimeout(WAIT_MS);
  // Which documents the dialog was served as, to tell "no dialog" from "a dialog that went by quickly".
  const consentLoads: string[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.origin === server.origin && url.pathname.endsWith('/u/consent') && response.request().resourceType() === 'document') consentLoads.push(response.request().method());
  });
  return { context, page, consentLoads };
}

const atCallback = (url: URL): boolean => url.href.startsWith(`${appOrigin}/cb?`);
const atConsent = (url: URL): boolean => url.origin === server.origin && url.pathname.endsWith('/u/consent');
const atLogin = (url: URL): boolean => url.origin === server.origin && url.pathname.endsWith('/u/login');

/** Opens the authorization URL and, on the login page, signs in; stops at the dialog or at the app. */
async function openAndSignIn(page: Page, flow: Flow, credentials: Credentials = USER): Promise<void> {
  await page.goto(flow.url.toString());
  if (atLogin(new URL(page.url()))) {
    await page.getByLabel('Email address').fill(credentials.email);
    await page.getByLabel('Password').fill(credentials.password);
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await page.waitForURL((url) => atCallback(url) || atConsent(url));
}

async function consentHeading(page: Page): Promise<string> {
  return page.locator('h1').innerText();
}

/** What the app's callback page printed, once the browser is there. */
async function callbackParams(page: Page): Promise<URLSearchParams> {
  await page.waitForURL(atCallback);
  return new URLSearchParams(await page.locator('#result').innerText());
}

async function acceptAndReturn(page: Page): Promise<URLSearchParams> {
  await page.getByRole('button', { name: 'Accept' }).click();
  return callbackParams(page);
}

const callbackUrl = (params: URLSearchParams): string => `${appOrigin}/cb?${params.toString()}`;
const scopesOf = (tokens: { scope?: string }): string[] => (tokens.scope ?? '').split(' ').filter(Boolean).sort();

/**
 * axe-core goes in through the DevTools protocol, which the page's CSP does not govern, so the audit
 * needs no bypassCSP context and the flow around it runs under the real policy.
 */
async function audit(page: Page, name: string): Promise<void> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe?: { run: () => Promise<{ violations: AxeViolation[] }> } }).axe;
    if (!axe) throw new Error('axe-core was not loaded into the page');
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect({ page: name, serious }).toEqual({ page: name, serious: [] });
}

const userinfoStatus = async (accessToken: string): Promise<number> =>
  (await fetch(`${server.issuer}userinfo`, { headers: { Authorization: `Bearer ${accessToken}` } })).status;

/** RFC 7662 as a resource server calls it: a confidential client's own credentials, Basic auth. */
async function introspector(): Promise<(token: string) => Promise<Record<string, unknown>>> {
  const rs = await makeClient(server, { name: 'Posts Resource Server', appType: 'non_interactive', callbacks: [] });
  const basic = Buffer.from(`${encodeURIComponent(rs.clientId)}:${encodeURIComponent(rs.clientSecret ?? '')}`).toString('base64');
  return async (token) => {
    const res = await fetch(`${server.issuer}oauth/introspect`, {
      method: 'POST',
      headers: { Authorization: `Basic ${basic}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
}

/** The token endpoint's error code for a refresh, or 'ok' if the refresh worked. */
async function refreshOutcome(config: oidc.Configuration, refreshToken: string): Promise<string> {
  try {
    await oidc.refreshTokenGrant(config, refreshToken);
    return 'ok';
  } catch (error) {
    if (error instanceof oidc.ResponseBodyError) return error.error;
    throw error;
  }
}

test('unticking "Publish posts" under prompt=consent narrows the token, ends the old refresh token, and is not asked again', async () => {
  const client = await thirdParty('Narrowing Co');
  const scope = 'openid offline_access read:posts write:posts';
  const { context, page, consentLoads } = await newPerson();

  const first = await startFlow(server, client, { scope });
  await openAndSignIn(page, first);
  expect(await consentHeading(page)).toBe(`Narrowing Co ${CONSENT_HEADING}`);
  const firstTokens = await finishFlow(first, callbackUrl(await acceptAndReturn(page)));
  expect(scopesOf(firstTokens)).toEqual(['offline_access', 'openid', 'read:posts', 'write:posts']);
  expect(firstTokens.refresh_token).toBeTruthy();

  const second = await startFlow(server, client, { scope, prompt: 'consent' });
  await page.goto(second.url.toString());
  await page.waitForURL(atConsent);
  await audit(page, 'consent under prompt=consent');
  const publish = page.getByRole('checkbox', { name: /Publish posts on your behalf/ });
  expect(await publish.isChecked()).toBe(true);
  // Clicked where the box is drawn, as a person would: setting the field from script would not show
  // that the box is visible, unobscured and wired to the form.
  const box = await publish.boundingBox();
  if (!box) throw new Error('the "Publish posts" checkbox is not on screen');
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  expect(await publish.isChecked()).toBe(false);
  expect(await page.getByRole('checkbox', { name: /Read your posts/ }).isChecked()).toBe(true);
  await page.screenshot({ path: `${ARTIFACTS}/semantics-untick.png`, fullPage: true });
  const secondTokens = await finishFlow(second, callbackUrl(await acceptAndReturn(page)));
  expect(scopesOf(secondTokens)).not.toContain('write:posts');
  expect(scopesOf(secondTokens)).toEqual(['offline_access', 'openid', 'read:posts']);

  // The first refresh token still carries write:posts, which the person just took back.
  expect(await refreshOutcome(first.config, firstTokens.refresh_token ?? '')).toBe('invalid_grant');

  const dialogsBefore = consentLoads.length;
  const third = await startFlow(server, client, { scope });
  await page.goto(third.url.toString());
  const thirdParams = await callbackParams(page);
  expect(consentLoads.length).toBe(dialogsBefore);
  const thirdTokens = await finishFlow(third, callbackUrl(thirdParams));
  expect(scopesOf(thirdTokens)).not.toContain('write:posts');
  expect(scopesOf(thirdTokens)).toContain('read:posts');
  await context.close();
});

test('Revoke on the account page: the page explains it, says it was done, and the token is refused at /userinfo and in introspection', async () => {
  const client = await thirdParty('Revoked Co');
  const { context, page } = await newPerson();
  const flow = await startFlow(server, client, { scope: 'openid profile read:posts' });
  await openAndSignIn(page, flow);
  const tokens = await finishFlow(flow, callbackUrl(await acceptAndReturn(page)));
  const introspect = await introspector();
  expect(await userinfoStatus(tokens.access_token)).toBe(200);
  expect(await introspect(tokens.access_token)).toMatchObject({ active: true, client_id: client.clientId });

  await page.goto(`${server.issuer}u/account/apps`);
  const entry = page.locator('li.app', { has: page.locator('h2', { hasText: 'Revoked Co' }) });
  expect(await entry.count()).toBe(1);
  expect(await entry.innerText()).toMatch(/An access token it already holds may work elsewhere until it expires, within \d+ (minutes|hours?)/);
  await audit(page, 'authorized applications');
  await page.screenshot({ path: `${ARTIFACTS}/semantics-account-apps.png`, fullPage: true });

  await page.getByRole('button', { name: 'Revoke access for Revoked Co' }).click();
  await page.getByText('Access was revoked').waitFor();
  expect(await page.locator('h2', { hasText: 'Revoked Co' }).count()).toBe(0);
  await audit(page, 'authorized applications after revoking');
  await page.screenshot({ path: `${ARTIFACTS}/semantics-account-revoked.png`, fullPage: true });

  expect(await userinfoStatus(tokens.access_token)).toBe(401);
  expect(await introspect(tokens.access_token)).toEqual({ active: false });
  await context.close();
});

test('prompt=login with a session: jumping from the login page to /u/consent gets an error, and /authorize/resume goes back to login', async () => {
  const client = await thirdParty('Skipper Co');
  const { context, page, consentLoads } = await newPerson();
  const first = await startFlow(server, client, { scope: 'openid read:posts' });
  await openAndSignIn(page, first);
  await acceptAndReturn(page);

  const flow = await startFlow(server, client, { scope: 'openid read:posts write:posts', prompt: 'login' });
  await page.goto(flow.url.toString());
  await page.waitForURL(atLogin);
  const tx = new URL(page.url()).searchParams.get('tx');
  expect(tx).toBeTruthy();

  const dialogsBefore = consentLoads.length;
  const jumped = await page.goto(`${server.issuer}u/consent?tx=${encodeURIComponent(tx ?? '')}`);
  expect(jumped?.status()).toBe(400);
  expect(atConsent(new URL(page.url()))).toBe(true);
  expect(await page.getByText(CONSENT_HEADING).count()).toBe(0);
  expect(await page.getByRole('button', { name: 'Accept' }).count()).toBe(0);
  expect(await page.getByRole('alert').count()).toBe(1);
  await page.screenshot({ path: `${ARTIFACTS}/semantics-skipped-step.png`, fullPage: true });
  expect(consentLoads.length).toBe(dialogsBefore + 1);
  expect(arrivals.some((q) => q.get('state') === flow.state)).toBe(false);

  await page.goto(`${server.issuer}authorize/resume?tx=${encodeURIComponent(tx ?? '')}`);
  await page.waitForURL(atLogin);
  expect(await page.getByLabel('Password').count()).toBe(1);
  expect(arrivals.some((q) => q.get('state') === flow.state)).toBe(false);
  await context.close();
});

test('a user blocked while the dialog is open: Accept shows an error and sends no code; prompt=none then gets login_required', async () => {
  const api = await managementFor(server);
  const credentials = { email: 'blocked-in-chromium@example.com', password: USER.password };
  const created = await api.post('users', { connection: 'Username-Password-Authentication', ...credentials, name: 'Blocked Person', email_verified: true });
  expect(created.status).toBe(201);
  const userId = String(created.body.user_id);
  const client = await thirdParty('Blocked Co');
  const { context, page } = await newPerson();
  const flow = await startFlow(server, client, { scope: 'openid read:posts' });
  await openAndSignIn(page, flow, credentials);
  expect(atConsent(new URL(page.url()))).toBe(true);
  expect(await consentHeading(page)).toBe(`Blocked Co ${CONSENT_HEADING}`);

  expect((await api.patch(`users/${encodeURIComponent(userId)}`, { blocked: true })).status).toBe(200);

  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && atConsent(new URL(r.url())));
  await page.getByRole('button', { name: 'Accept' }).click();
  expect((await answer).status()).toBeGreaterThanOrEqual(400);
  // Either the error page or the app's page would end the navigation; wait for one, then see which.
  await page.locator('[role="alert"], #result').first().waitFor();
  expect(atCallback(new URL(page.url()))).toBe(false);
  expect(await page.getByRole('alert').innerText()).toMatch(/expired|signed out|sign in/i);
  await page.screenshot({ path: `${ARTIFACTS}/semantics-blocked-accept.png`, fullPage: true });
  expect(arrivals.some((q) => q.get('state') === flow.state)).toBe(false);

  const silent = await startFlow(server, client, { scope: 'openid', prompt: 'none' });
  await page.goto(silent.url.toString());
  const params = await callbackParams(page);
  expect(params.get('error')).toBe('login_required');
  expect(params.get('code')).toBeNull();
  expect(params.get('state')).toBe(silent.state);
  await context.close();
});

test('a third-party app asking for no scope: the dialog comes the first time, and after Accept prompt=none gets a code', async () => {
  const client = await thirdParty('Quiet Co');
  const { context, page, consentLoads } = await newPerson();
  const flow = await startFlow(server, client, { scope: '', audience: null });
  await openAndSignIn(page, flow);
  expect(atConsent(new URL(page.url()))).toBe(true);
  expect(await consentHeading(page)).toBe(`Quiet Co ${CONSENT_HEADING}`);
  await page.screenshot({ path: `${ARTIFACTS}/semantics-no-scope.png`, fullPage: true });
  const accepted = await acceptAndReturn(page);
  expect(accepted.get('code')).toBeTruthy();
  expect(accepted.get('state')).toBe(flow.state);

  const dialogsBefore = consentLoads.length;
  const silent = await startFlow(server, client, { scope: '', audience: null, prompt: 'none' });
  await page.goto(silent.url.toString());
  const params = await callbackParams(page);
  expect(params.get('error')).toBeNull();
  expect(params.get('code')).toBeTruthy();
  expect(consentLoads.length).toBe(dialogsBefore);
  const tokens = await finishFlow(silent, callbackUrl(params));
  expect(tokens.access_token).toBeTruthy();
  await context.close();
});
