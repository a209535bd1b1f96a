/**
 * "Continue with …" in Chromium: our login page → the upstream provider (oidc-provider on 127.0.0.1)
 * → our consent dialog → the client's callback with a code; connection= skips our login page; a
 * connection the client is not enabled on is not offered. Screenshots go to test/artifacts/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, startCallbackApp, type CallbackApp } from '../helpers/chromium.js';
import { finishFlow, managementFor, startFlow } from '../helpers/fixtures.js';
import { CONNECTION, CONNECTION_LABEL, startUpstreamWorld, type UpstreamWorld } from '../helpers/upstream.js';

const ARTIFACTS = 'test/artifacts';
let world: UpstreamWorld;
let app: CallbackApp;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  app = await startCallbackApp();
  world = await startUpstreamWorld({ companyName: 'Contoso' }, [`${app.origin}/cb`]);
  browser = await launchChromium();
}, 60000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await world?.close();
});

async function signInAtUpstream(page: Page, login: string): Promise<void> {
  await page.waitForURL(`${world.upstream.issuer}/**`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
}

const resultParams = async (page: Page) => new URLSearchParams(await page.locator('#result').innerText());

test('Continue with the upstream provider → sign in there → consent here → a code for the client', async () => {
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
  const page = await context.newPage();
  const flow = await startFlow(world.server, world.client, { redirectUri: `${app.origin}/cb` });
  await page.goto(flow.url.toString());
  const button = page.getByRole('link', { name: `Continue with ${CONNECTION_LABEL}` });
  await button.waitFor();
  await page.screenshot({ path: `${ARTIFACTS}/login-upstream.png`, fullPage: true });
  await button.click();
  await signInAtUpstream(page, 'frank@upstream.example');
  await page.waitForSelector('text=is requesting access to your account');
  await page.screenshot({ path: `${ARTIFACTS}/consent-upstream.png`, fullPage: true });
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL(`${app.origin}/cb?**`);
  const params = await resultParams(page);
  expect(params.get('state')).toBe(flow.state);
  const tokens = await finishFlow(flow, `${app.origin}/cb?${params.toString()}`);
  expect(tokens.claims()).toMatchObject({ sub: `oidc|${CONNECTION}|frank@upstream.example`, email: 'frank@upstream.example' });
  await context.close();
});

test('connection= goes straight to the provider; the provider\'s Cancel reaches the client as access_denied', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const flow = await startFlow(world.server, world.client, { redirectUri: `${app.origin}/cb`, extra: { connection: CONNECTION } });
  await page.goto(flow.url.toString());
  await page.waitForURL(`${world.upstream.issuer}/**`);
  await page.getByRole('link', { name: '[ Cancel ]' }).click();
  await page.waitForURL(`${app.origin}/cb?**`);
  const params = await resultParams(page);
  expect(params.get('error')).toBe('access_denied');
  expect(params.get('state')).toBe(flow.state);
  await context.close();
});

test('a connection the client is not enabled on is not offered', async () => {
  const api = await managementFor(world.server);
  const [connection] = (await api.get(`connections?name=${CONNECTION}`)).body as { id: string }[];
  await api.patch(`connections/${connection?.id ?? ''}/clients`, [{ client_id: world.client.clientId, status: false }]);
  const context = await browser.newContext();
  const page = await context.newPage();
  const flow = await startFlow(world.server, world.client, { redirectUri: `${app.origin}/cb` });
  await page.goto(flow.url.toString());
  await page.getByLabel('Email address').waitFor();
  expect(await page.getByRole('link', { name: /Continue with/ }).count()).toBe(0);
  await context.close();
});
