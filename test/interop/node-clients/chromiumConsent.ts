/** A person in Chromium: opens the authorization URL, signs in, accepts the consent dialog. */
import type { Browser } from 'playwright-core';
import { signInOnLoginPage } from '../harness.js';

export const CONSENT_TEXT = 'is requesting access to your account';

/**
 * Runs the browser part of a code flow in a fresh context (no session left from another test) and
 * returns the page the browser ended on, whose URL starts with `landsOn`. The consent dialog is required:
 * every client in these tests is third-party, so a flow that skipped it would be a defect.
 */
export async function signInAndAccept(browser: Browser, start: URL | string, landsOn: string): Promise<{ url: URL; text: string }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(start.toString());
    await signInOnLoginPage(page);
    await page.waitForSelector(`text=${CONSENT_TEXT}`, { timeout: 15000 });
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((url) => url.href.startsWith(landsOn), { timeout: 15000 });
    return { url: new URL(page.url()), text: await page.locator('body').innerText() };
  } finally {
    await context.close();
  }
}
