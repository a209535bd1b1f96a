/// <reference lib="dom" />
/**
 * The account pages in Chromium, with the emails read from a real SMTP server on 127.0.0.1:
 * sign-up → verify the email → sign in → consent, and forgot password → mail → reset → sign in.
 * Screenshots go to test/artifacts/ (accounts-*.png).
 */
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { startBrowserWorld, type BrowserWorld, type CallbackApp } from '../helpers/chromium.js';
import { makeClient, startFlow } from '../helpers/fixtures.js';
import { linkIn, SmtpInbox, type ReceivedMail } from '../helpers/smtpInbox.js';
import type { TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

const ARTIFACTS = 'test/artifacts';
const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

let server: TestServer;
let inbox: SmtpInbox;
let browser: Browser;
let app: CallbackApp;
let client: Client;

let world: BrowserWorld;

beforeAll(async () => {
  inbox = new SmtpInbox();
  await inbox.start();
  world = await startBrowserWorld({ mail: { smtpUrl: inbox.url } });
  ({ server, app, browser } = world);
  client = await makeClient(server, { name: 'Fabrikam', isFirstParty: false, callbacks: [`${app.origin}/cb`] });
}, 60000);

afterAll(async () => {
  await world?.close();
  await inbox?.stop();
});

/** The email as its recipient would see it (the HTML part), for the screenshot. */
async function screenshotMail(page: Page, mail: ReceivedMail, name: string): Promise<void> {
  const html = /<!doctype html>[\s\S]*<\/html>/i.exec(mail.body)?.[0];
  if (!html) throw new Error(`No HTML part in "${mail.subject}"`);
  await page.setContent(html);
  await page.screenshot({ path: `${ARTIFACTS}/accounts-${name}.png`, fullPage: true });
}

async function expectAccessible(page: Page, name: string): Promise<void> {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string | null }[] }> } }).axe;
    return (await axe.run()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
  });
  expect({ page: name, violations }).toEqual({ page: name, violations: [] });
}

test('sign up → verify the email from the mail → sign in → consent → the application gets a code', async () => {
  const flow = await startFlow(server, client, { scope: 'openid profile email read:posts' });
  // bypassCSP only so that axe-core can be injected; the pages' own CSP is tested elsewhere.
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(flow.url.toString());
  await page.screenshot({ path: `${ARTIFACTS}/accounts-login-links.png`, fullPage: true });
  await page.getByRole('link', { name: "Don't have an account? Sign up" }).click();
  await page.waitForSelector('h1:has-text("Create your account")');
  await expectAccessible(page, 'signup');
  await page.getByLabel('Email address').fill('chromium-user@example.com');
  await page.getByLabel('Password').fill('password1');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForSelector('text=too common');
  await page.screenshot({ path: `${ARTIFACTS}/accounts-signup-refused.png`, fullPage: true });
  await page.getByLabel('Password').fill('a chromium passphrase');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForSelector('h1:has-text("Check your email")');
  await page.screenshot({ path: `${ARTIFACTS}/accounts-signup-sent.png`, fullPage: true });

  const mail = await inbox.waitFor('chromium-user@example.com');
  const mailPage = await context.newPage();
  await screenshotMail(mailPage, mail, 'mail-verify');
  await mailPage.close();

  await page.goto(linkIn(mail, '/u/email-verification'));
  await page.waitForSelector('h1:has-text("Your email is verified")');
  await page.screenshot({ path: `${ARTIFACTS}/accounts-verified.png`, fullPage: true });
  await page.getByRole('link', { name: 'Continue to sign in' }).click();
  await page.getByLabel('Email address').fill('chromium-user@example.com');
  await page.getByLabel('Password').fill('a chromium passphrase');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForSelector('text=is requesting access to your account');
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL(`${app.origin}/cb?**`);
  expect(new URLSearchParams(await page.locator('#result').innerText()).get('code')).toBeTruthy();
  await context.close();
});

test('forgot password → mail → new password → sign in with it', async () => {
  await server.auth.admin.createUser({ email: 'forgot-chromium@example.com', password: 'the old chromium passphrase', emailVerified: true });
  const flow = await startFlow(server, client, { scope: 'openid profile read:posts' });
  const context = await browser.newContext({ viewport: { width: 375, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  await page.goto(flow.url.toString());
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await page.waitForSelector('h1:has-text("Reset your password")');
  await expectAccessible(page, 'reset request');
  await page.getByLabel('Email address').fill('forgot-chromium@example.com');
  await page.getByRole('button', { name: 'Send the link' }).click();
  await page.waitForSelector('text=If an account exists for forgot-chromium@example.com');
  await page.screenshot({ path: `${ARTIFACTS}/accounts-reset-sent.png`, fullPage: true });

  const mail = await inbox.waitFor('forgot-chromium@example.com');
  const mailPage = await context.newPage();
  await screenshotMail(mailPage, mail, 'mail-reset');
  await mailPage.close();

  await page.goto(linkIn(mail, '/u/reset-password/confirm'));
  await page.waitForSelector('h1:has-text("Choose a new password")');
  await expectAccessible(page, 'new password');
  await page.getByRole('textbox', { name: 'New password' }).fill('a new chromium passphrase');
  await page.screenshot({ path: `${ARTIFACTS}/accounts-reset-form.png`, fullPage: true });
  await page.getByRole('button', { name: 'Set the password' }).click();
  await page.waitForSelector('h1:has-text("Your password was changed")');
  await page.screenshot({ path: `${ARTIFACTS}/accounts-reset-done.png`, fullPage: true });
  await page.getByRole('link', { name: 'Continue to sign in' }).click();
  await page.getByLabel('Email address').fill('forgot-chromium@example.com');
  await page.getByLabel('Password').fill('a new chromium passphrase');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForSelector('text=is requesting access to your account');
  await context.close();
});
