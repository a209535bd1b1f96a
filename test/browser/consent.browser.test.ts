/// <reference lib="dom" />
/**
 * The pages in a real browser (Debian's Chromium through playwright-core): login → consent → Accept
 * and → Decline, a keyboard-only pass, no JavaScript, axe-core on each page, the dialog refusing to
 * render in a frame, and the authorized-applications page. Screenshots go to test/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, startCallbackApp, type CallbackApp } from '../helpers/chromium.js';
import { USER, finishFlow, makeClient, seedWorld, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

const ARTIFACTS = 'test/artifacts';
const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

let server: TestServer;
let browser: Browser;
let app: CallbackApp;
let appOrigin: string;
let client: Client;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startTestServer({ companyName: 'Contoso' });
  await seedWorld(server);
  // The client application: shows what came back, and tries to frame the dialog.
  app = await startCallbackApp(undefined, (clientApp) => {
    clientApp.get('/frame', (req, res) => {
      res.type('html').send(`<!doctype html><title>framer</title><iframe id="victim" src="${String(req.query.src).replace(/"/g, '&quot;')}" width="600" height="600"></iframe>`);
    });
  });
  appOrigin = app.origin;
  client = await makeClient(server, { name: 'Fabrikam', isFirstParty: false, callbacks: [`${appOrigin}/cb`] });
  browser = await launchChromium();
}, 60000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await server?.close();
});

async function newPage(options: { javaScriptEnabled?: boolean; bypassCSP?: boolean; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    bypassCSP: options.bypassCSP ?? false,
    viewport: { width: options.width ?? 1024, height: 900 },
  });
  return { context, page: await context.newPage() };
}

async function signInWithMouse(page: Page, url: URL): Promise<void> {
  await page.goto(url.toString());
  await page.getByLabel('Email address').fill(USER.email);
  await page.getByLabel('Password').fill(USER.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForSelector('text=is requesting access to your account');
}

function resultParams(text: string): URLSearchParams {
  return new URLSearchParams(text);
}

test('login → consent → Accept: the client gets a code that openid-client exchanges', async () => {
  const flow = await startFlow(server, client, { scope: 'openid profile read:posts write:posts' });
  const { context, page } = await newPage();
  await page.goto(flow.url.toString());
  await page.screenshot({ path: `${ARTIFACTS}/login.png`, fullPage: true });
  await page.getByLabel('Email address').fill(USER.email);
  await page.getByLabel('Password').fill(USER.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForSelector('text=is requesting access to your account');
  expect(await page.locator('h1').innerText()).toBe('Fabrikam is requesting access to your account');
  expect(await page.locator('text=Publish posts on your behalf').count()).toBe(1);
  await page.screenshot({ path: `${ARTIFACTS}/consent.png`, fullPage: true });
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL(`${appOrigin}/cb?**`);
  const params = resultParams(await page.locator('#result').innerText());
  expect(params.get('state')).toBe(flow.state);
  const tokens = await finishFlow(flow, `${appOrigin}/cb?${params.toString()}`);
  expect(tokens.scope?.split(' ').sort()).toEqual(['openid', 'profile', 'read:posts', 'write:posts']);
  await context.close();
});

test('login → consent → Decline: the client gets access_denied with its state', async () => {
  const other = await makeClient(server, { name: 'Decline Co', isFirstParty: false, callbacks: [`${appOrigin}/cb`] });
  const flow = await startFlow(server, other);
  const { context, page } = await newPage();
  await signInWithMouse(page, flow.url);
  await page.getByRole('button', { name: 'Decline' }).click();
  await page.waitForURL(`${appOrigin}/cb?**`);
  const params = resultParams(await page.locator('#result').innerText());
  expect(params.get('error')).toBe('access_denied');
  expect(params.get('state')).toBe(flow.state);
  await context.close();
});

test('keyboard only: Tab, type, Enter through login and consent', async () => {
  const other = await makeClient(server, { name: 'Keyboard Co', isFirstParty: false, callbacks: [`${appOrigin}/cb`] });
  const flow = await startFlow(server, other);
  const { context, page } = await newPage();
  await page.goto(flow.url.toString());
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
  await page.keyboard.type(USER.email);
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
  await page.keyboard.type(USER.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('text=is requesting access to your account');
  let focused = '';
  for (let i = 0; i < 20 && focused !== 'accept'; i++) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => (document.activeElement as HTMLButtonElement | null)?.value ?? '');
  }
  expect(focused).toBe('accept');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${appOrigin}/cb?**`);
  expect(resultParams(await page.locator('#result').innerText()).get('code')).toBeTruthy();
  await context.close();
});

test('the pages work with JavaScript off', async () => {
  const other = await makeClient(server, { name: 'No Script Co', isFirstParty: false, callbacks: [`${appOrigin}/cb`] });
  const flow = await startFlow(server, other);
  const { context, page } = await newPage({ javaScriptEnabled: false });
  await signInWithMouse(page, flow.url);
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL(`${appOrigin}/cb?**`);
  expect(resultParams(await page.locator('#result').innerText()).get('code')).toBeTruthy();
  await context.close();
});

test('axe-core finds no serious or critical violations on the login and consent pages (desktop and 375px)', async () => {
  for (const width of [1024, 375]) {
    const other = await makeClient(server, { name: `Axe Co ${width}`, isFirstParty: false, callbacks: [`${appOrigin}/cb`] });
    const flow = await startFlow(server, other);
    // The pages' CSP forbids injected scripts, as it should; the audit context bypasses it.
    const { context, page } = await newPage({ bypassCSP: true, width });
    await page.goto(flow.url.toString());
    const audit = async (name: string) => {
      await page.addScriptTag({ content: axeSource });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string | null; help: string }[] }> } }).axe;
        return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help }));
      });
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect({ page: name, serious }).toEqual({ page: name, serious: [] });
    };
    await audit('login');
    await page.getByLabel('Email address').fill(USER.email);
    await page.getByLabel('Password').fill(USER.password);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForSelector('text=is requesting access to your account');
    if (width === 375) await page.screenshot({ path: `${ARTIFACTS}/consent-mobile.png`, fullPage: true });
    await audit('consent');
    await context.close();
  }
});

test('the dialog refuses to render in a frame', async () => {
  const flow = await startFlow(server, client);
  const { context, page } = await newPage();
  const blocked: string[] = [];
  page.on('response', (response) => {
    if (response.url().startsWith(server.origin) && response.headers()['x-frame-options'] === 'DENY') blocked.push(response.url());
  });
  await page.goto(`${appOrigin}/frame?src=${encodeURIComponent(flow.url.toString())}`);
  await page.waitForTimeout(500);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  const framed = frame ? await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '') : '';
  expect(framed).not.toContain('Sign in');
  expect(blocked.length).toBeGreaterThan(0);
  await context.close();
});

test('the authorized-applications page lists the app and revokes it', async () => {
  const { context, page } = await newPage();
  const flow = await startFlow(server, client);
  await signInWithMouse(page, flow.url);
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL(`${appOrigin}/cb?**`);
  await page.goto(`${server.issuer}u/account/apps`);
  expect(await page.locator('h2', { hasText: 'Fabrikam' }).count()).toBe(1);
  await page.screenshot({ path: `${ARTIFACTS}/authorized-apps.png`, fullPage: true });
  await page.getByRole('button', { name: 'Revoke access for Fabrikam' }).click();
  await page.waitForSelector('text=Access was revoked');
  expect(await page.locator('h2', { hasText: 'Fabrikam' }).count()).toBe(0);
  await context.close();
});
