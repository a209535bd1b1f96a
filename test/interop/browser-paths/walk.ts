/**
 * Walking an authorization request through Chromium the way a person does: whatever page comes up
 * (login, consent, the form_post hand-off) is answered until the browser reaches the client. When the
 * browser gets stuck, the error says where and which Content-Security-Policy violations Chromium
 * logged, because a CSP block looks like nothing at all: the page simply stays where it was.
 */
import { mkdirSync } from 'node:fs';
import express from 'express';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { USER } from '../../helpers/fixtures.js';
import { ARTIFACTS, listen, recordCspViolations, signInOnLoginPage, type RunningApp } from '../harness.js';

export const STEP_TIMEOUT_MS = 15000;

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** CSP violations Chromium logged for this page, in order. */
  csp: string[];
  /** Every URL the main frame committed to. */
  navigations: string[];
  /** Every request URL the page made, redirects included (the only trace of a custom-scheme hand-off). */
  requests: string[];
  close(): Promise<void>;
}

export async function openTab(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<Tab> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true });
  const page = await context.newPage();
  const navigations: string[] = [];
  const requests: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
  page.on('request', (request) => requests.push(request.url()));
  return { context, page, csp: recordCspViolations(page), navigations, requests, close: () => context.close() };
}

/** A new page in the same context: same cookies (the session), its own logs. */
export async function sameSessionTab(tab: Tab): Promise<Tab> {
  const page = await tab.context.newPage();
  const navigations: string[] = [];
  const requests: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations.push(frame.url());
  });
  page.on('request', (request) => requests.push(request.url()));
  return { context: tab.context, page, csp: recordCspViolations(page), navigations, requests, close: () => page.close() };
}

/** Where the browser is and what the page says, for failure messages. */
export async function describePage(tab: Tab): Promise<string> {
  const text = await tab.page
    .locator('main')
    .innerText({ timeout: 1000 })
    .catch(() => tab.page.locator('body').innerText({ timeout: 1000 }).catch(() => '(no text)'));
  return [
    `browser at ${tab.page.url()}`,
    `page says: ${text.replace(/\s+/g, ' ').slice(0, 300)}`,
    `CSP violations: ${tab.csp.length ? tab.csp.join(' | ') : 'none'}`,
    `navigations: ${tab.navigations.join(' -> ')}`,
  ].join('\n');
}

export type PageKind = 'login' | 'consent' | 'form_post';

export interface WalkOptions {
  /** What to press if the consent dialog appears; without it, the dialog is a failure. */
  consent?: 'accept' | 'decline';
  credentials?: { email: string; password: string };
  /** Screenshot each of our pages as <shots>-<kind>.png. */
  shots?: string;
  /** How long a page may take to lead on (STEP_TIMEOUT_MS by default). */
  stepTimeoutMs?: number;
}

export interface Walk {
  /** Where the browser arrived at the client. */
  url: URL;
  /** Our pages that were shown on the way, in order. */
  pages: PageKind[];
}

function arrived(href: string, until: string): boolean {
  return href.startsWith(until);
}

async function kindOf(page: Page): Promise<PageKind | null> {
  try {
    if (await page.locator('input[name="password"]').count()) return 'login';
    if (await page.getByText('is requesting access to your account').count()) return 'consent';
    if (await page.locator('form#response').count()) return 'form_post';
  } catch {
    // The page navigated away while we looked (form_post submits itself): the caller looks again.
  }
  return null;
}

/**
 * Opens `start` (or continues from where the tab is, when `start` is null) and answers our pages
 * until the browser is at a URL beginning with `until`.
 */
export async function walk(tab: Tab, start: string | URL | null, until: string, options: WalkOptions = {}): Promise<Walk> {
  const { page } = tab;
  const pages: PageKind[] = [];
  const stepTimeout = options.stepTimeoutMs ?? STEP_TIMEOUT_MS;
  const fail = async (why: string): Promise<never> => {
    throw new Error(`${why}\n${await describePage(tab)}`);
  };
  if (start !== null) await page.goto(start.toString(), { timeout: STEP_TIMEOUT_MS });
  for (let step = 0; step < 8; step++) {
    if (arrived(page.url(), until)) return { url: new URL(page.url()), pages };
    const before = page.url();
    const kind = await kindOf(page);
    if (kind === null) {
      // Perhaps a navigation is under way; a page that stays is an error page (or a blocked one).
      await page
        .waitForURL((url) => url.href !== before, { timeout: 3000 })
        .catch(() => fail(`Expected our login or consent page, or the client at ${until}`));
      await page.waitForLoadState('load', { timeout: STEP_TIMEOUT_MS }).catch(() => undefined);
      continue;
    }
    pages.push(kind);
    // form_post may already be leaving: a missed screenshot is no failure.
    if (options.shots) await screenshot(page, `${options.shots}-${kind}`).catch(() => undefined);
    if (kind === 'login') {
      if (pages.filter((p) => p === 'login').length > 1) await fail('The login page came back after signing in');
      await signInOnLoginPage(page, options.credentials ?? USER);
    } else if (kind === 'consent') {
      if (!options.consent) await fail('The consent dialog appeared, but this path must not show it');
      await page.getByRole('button', { name: options.consent === 'accept' ? 'Accept' : 'Decline' }).click();
    }
    // form_post submits itself: nothing to press, only to wait.
    await page
      .waitForURL((url) => url.href !== before || arrived(url.href, until), { timeout: stepTimeout })
      .catch(() => fail(`After the ${kind} page the browser did not move within ${stepTimeout} ms`));
    await page.waitForLoadState('load', { timeout: STEP_TIMEOUT_MS }).catch(() => undefined);
  }
  return fail('Too many steps without reaching the client');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
}

/** The parameters the client received, from the query, the fragment, or a form_post body. */
export function paramsOf(url: URL): URLSearchParams {
  return url.hash.length > 1 ? new URLSearchParams(url.hash.slice(1)) : url.searchParams;
}

export interface CallbackApp extends RunningApp {
  /** `${origin}/cb`: GET shows the query, POST (form_post) records and shows the body. */
  callback: string;
  /** form_post bodies, in the order they arrived. */
  posts: Record<string, string>[];
  /** `${origin}/post-authorize?...`: a page that POSTs the given parameters to `endpoint`. */
  postPage(endpoint: string, params: Record<string, string>): string;
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The client application on its own port: a callback for every response mode, and a POST launcher. */
export async function startCallbackApp(): Promise<CallbackApp> {
  const posts: Record<string, string>[] = [];
  const app = express();
  const show = (params: Record<string, string>) =>
    `<!doctype html><title>callback</title><pre id="result">${escapeHtml(new URLSearchParams(params).toString())}</pre>`;
  app.get('/cb', (req, res) => {
    res.type('html').send(show(req.query as Record<string, string>));
  });
  app.post('/cb', express.urlencoded({ extended: false }), (req, res) => {
    const body = { ...(req.body as Record<string, string>) };
    posts.push(body);
    res.type('html').send(show(body));
  });
  app.get('/post-authorize', (req, res) => {
    const { __endpoint, ...params } = req.query as Record<string, string>;
    const inputs = Object.entries(params)
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join('');
    res
      .type('html')
      .send(`<!doctype html><title>post</title><form id="f" method="post" action="${escapeHtml(__endpoint ?? '')}">${inputs}</form><script>document.getElementById('f').submit()</script>`);
  });
  const running = await listen(app);
  return {
    ...running,
    callback: `${running.origin}/cb`,
    posts,
    postPage: (endpoint, params) => `${running.origin}/post-authorize?${new URLSearchParams({ __endpoint: endpoint, ...params }).toString()}`,
  };
}

/** Waits until `predicate` holds (polling), or fails with `what`. */
export async function eventually(predicate: () => boolean, what: string, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
