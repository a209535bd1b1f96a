/** The person in the loop: Chromium opens the URL the SDK handed to redirectToAuthorization. */
import type { Browser } from 'playwright-core';
import { ARTIFACTS, recordCspViolations, signInOnLoginPage } from '../harness.js';

export const CONSENT_TEXT = 'is requesting access to your account';

export interface ConsentOutcome {
  /** What the consent dialog said, as a person reads it. */
  consentText: string;
  /** Where the browser landed after Accept. */
  landed: URL;
  cspViolations: string[];
  /** How the text asked for in `emphasized` is set, against the page's body text. */
  emphasis: Emphasis | null;
}

export interface Emphasis {
  fontWeight: number;
  fontSizePx: number;
  bodyFontSizePx: number;
}

/** The page's own globals, typed by hand because this project's TypeScript has no DOM library. */
interface PageGlobals {
  getComputedStyle(node: unknown): { fontWeight: string; fontSize: string };
  document: { body: unknown };
}

function emphasisOf(node: unknown): Emphasis {
  const page = globalThis as unknown as PageGlobals;
  const own = page.getComputedStyle(node);
  return { fontWeight: Number(own.fontWeight), fontSizePx: parseFloat(own.fontSize), bodyFontSizePx: parseFloat(page.getComputedStyle(page.document.body).fontSize) };
}

/** Signs in, reads the consent dialog, presses Accept and waits for the redirect URI; in a fresh context. */
export async function signInAndAcceptConsent(
  browser: Browser,
  authorizationUrl: URL,
  redirectUri: string,
  screenshot: string,
  emphasized?: string,
): Promise<ConsentOutcome> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cspViolations = recordCspViolations(page);
    const first = await page.goto(authorizationUrl.href, { timeout: 15000 });
    if (!first || first.status() !== 200 || !page.url().includes('/u/login')) {
      throw new Error(`Expected our login page, got ${first?.status()} at ${page.url()}:\n${(await page.locator('body').innerText()).slice(0, 600)}`);
    }
    await signInOnLoginPage(page);
    await page.waitForSelector(`text=${CONSENT_TEXT}`, { timeout: 15000 });
    const consentText = await page.locator('body').innerText();
    const emphasis = emphasized ? await page.getByText(emphasized, { exact: true }).first().evaluate(emphasisOf, undefined, { timeout: 5000 }) : null;
    await page.screenshot({ path: `${ARTIFACTS}/${screenshot}.png`, fullPage: true });
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((url) => url.href.startsWith(redirectUri), { timeout: 15000 });
    return { consentText, landed: new URL(page.url()), cspViolations, emphasis };
  } finally {
    await context.close();
  }
}
