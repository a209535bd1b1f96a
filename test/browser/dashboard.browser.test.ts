/// <reference lib="dom" />
/**
 * The dashboard in a real browser (Debian's Chromium through playwright-core): an administrator signs
 * in through /authorize and manages applications, APIs, users and logs; axe-core on every page at
 * 1280 and 375 px; the same flows work with JavaScript off. Screenshots: test/artifacts/dashboard-*.png.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, startCallbackApp } from '../helpers/chromium.js';
import { logEvent } from '../helpers/logEvents.js';
import { ADMIN, PLAIN_USER, startDashboardServer, type DashboardServer } from '../integration/dashboardServer.js';

const ARTIFACTS = 'test/artifacts';
const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

let server: DashboardServer;
let browser: Browser;
let admin: { context: BrowserContext; page: Page };

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  server = await startDashboardServer();
  browser = await launchChromium();
  admin = await signIn(ADMIN);
  // The confirmation dialogs (rotate, block, revoke) are accepted, as a person would.
  admin.page.on('dialog', (dialog) => void dialog.accept());
}, 60000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(who: { email: string; password: string }, options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true, viewport: { width: options.width ?? 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(server.dashboard);
  await page.getByLabel('Email address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/dashboard') || url.pathname.includes('/u/consent'));
  if (page.url().includes('/u/consent')) {
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.waitForURL((url) => url.pathname.startsWith('/dashboard'));
  }
  return { context, page };
}

/** axe-core in a context that bypasses the CSP (the page's own CSP forbids injected scripts, as it should). */
async function audit(url: string, width: number): Promise<void> {
  const context = await browser.newContext({ bypassCSP: true, viewport: { width, height: 860 }, storageState: await admin.context.storageState() });
  const page = await context.newPage();
  await page.goto(url);
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    return (await axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, where: v.nodes.slice(0, 2).map((n) => n.target.join(' ')) }));
  });
  // Pages wider than the screen would need sideways scrolling: only tables and code may scroll, inside their box.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await context.close();
  expect({ url, width, violations: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), overflow: overflow > 1 }).toEqual({ url, width, violations: [], overflow: false });
}

function shot(page: Page, name: string): Promise<Buffer> {
  return page.screenshot({ path: `${ARTIFACTS}/dashboard-${name}.png`, fullPage: true });
}

test('an administrator signs in and lands on the overview, with counts and the activity chart', async () => {
  const { page } = admin;
  expect(new URL(page.url()).pathname).toBe('/dashboard/');
  await expect(page.locator('h1').innerText()).resolves.toBe('Overview');
  expect(await page.locator('.stat-value').count()).toBe(3);
  expect(await page.locator('svg.chart polyline').count()).toBe(5);
  await expect(page.locator('.legend').innerText()).resolves.toContain('Sign-ins');
  await expect(page.locator('.legend').innerText()).resolves.toContain('Consents');
  await shot(page, 'overview');
});

test('applications: create with the type picker, Quick Start, settings with the API’s message, credentials, connections, APIs, delete', async () => {
  const { page } = admin;
  await page.getByRole('link', { name: 'Applications', exact: true }).click();
  await page.getByRole('link', { name: '+ Create application' }).click();
  expect(await page.locator('.type-card').count()).toBe(4);
  await shot(page, 'create');
  await page.getByLabel('Name').fill('Orders Portal');
  await page.getByText('Regular Web Application').click();
  await page.getByLabel('Third-party application').check();
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/\/quickstart\?notice=created$/);
  await expect(page.locator('#snippet').innerText()).resolves.toContain("require('express-openid-connect')");
  const clientId = await page.locator('#client-id').innerText();
  await expect(page.locator('#snippet').innerText()).resolves.toContain(clientId);
  await expect(page.locator('.page-head .badge').first().innerText()).resolves.toBe('Third-party');
  await shot(page, 'quickstart');

  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByLabel('Logo URL').fill('http://insecure.example/logo.png');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.locator('.alert').innerText()).resolves.toContain('https');
  // Next to the field too, and tied to it for screen readers.
  await expect(page.locator('#logo_uri-error').innerText()).resolves.toContain('https');
  expect(await page.getByLabel('Logo URL').getAttribute('aria-invalid')).toBe('true');
  await shot(page, 'settings-error');
  await page.getByLabel('Logo URL').fill('');
  await page.getByLabel('Allowed Callback URLs').fill('https://orders.example.com/callback\nhttps://orders.example.com/cb2');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(/\/settings\?notice=saved$/);
  await expect(page.getByLabel('Allowed Callback URLs').inputValue()).resolves.toBe('https://orders.example.com/callback\nhttps://orders.example.com/cb2');

  await page.getByRole('link', { name: 'Credentials' }).click();
  await page.getByText('Reveal the secret').click();
  const before = await page.locator('#client-secret').innerText();
  expect(before.length).toBeGreaterThanOrEqual(32);
  expect(await page.getByRole('button', { name: 'Copy secret' }).isVisible()).toBe(true);
  await shot(page, 'credentials');
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  await page.waitForURL(/notice=rotated$/);
  await page.getByText('Reveal the secret').click();
  expect(await page.locator('#client-secret').innerText()).not.toBe(before);

  await page.getByRole('link', { name: 'Connections' }).click();
  await page.getByRole('button', { name: 'Disable Username-Password-Authentication' }).click();
  await page.waitForURL(/connections\?notice=saved$/);
  expect(await page.getByRole('button', { name: 'Enable Username-Password-Authentication' }).isVisible()).toBe(true);
  expect(await server.auth.context.repos.connections.enabledClients((await server.auth.context.repos.connections.findByName('Username-Password-Authentication'))?.id ?? '')).not.toContain(clientId);
  await page.getByRole('button', { name: 'Enable Username-Password-Authentication' }).click();
  await page.waitForURL(/connections\?notice=saved$/);

  await page.getByRole('link', { name: 'Danger Zone' }).click();
  expect(await page.getByRole('button', { name: 'Delete this application' }).isDisabled()).toBe(true);
  await page.getByLabel(/Type Orders Portal to confirm/).fill('Orders Portal');
  await shot(page, 'danger');
  await page.getByRole('button', { name: 'Delete this application' }).click();
  await page.waitForURL(/\/applications\?notice=deleted$/);
  expect(await server.auth.context.repos.clients.findById(clientId)).toBeNull();
});

test('APIs: create, scopes with descriptions, offline access, skipping consent; an application is authorized for it', async () => {
  const { page } = admin;
  await page.goto(`${server.dashboard}apis/new`);
  await page.getByLabel('Name').fill('Inventory API');
  await page.getByLabel('Identifier').fill('https://inventory.example/api');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/notice=created$/);
  await page.getByLabel('Scope 1', { exact: true }).fill('read:stock');
  await page.getByLabel('Description of scope 1').fill('Read stock levels');
  await page.getByLabel('Allow offline access').check();
  await page.getByLabel('Allow skipping user consent').check();
  await page.getByLabel('On behalf of users').selectOption('require_client_grant');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(/notice=saved$/);
  const api = await server.auth.context.repos.resourceServers.findByIdentifier('https://inventory.example/api');
  expect(api?.scopes).toEqual([{ value: 'read:stock', description: 'Read stock levels' }]);
  expect(api?.allowOfflineAccess).toBe(true);
  expect(api?.skipConsentForVerifiableFirstPartyClients).toBe(true);
  expect(api?.accessPolicy).toEqual({ user: 'require_client_grant', client: 'require_client_grant' });
  await shot(page, 'api');

  await page.goto(`${server.dashboard}applications/new`);
  await page.getByLabel('Name').fill('Stock Sync');
  await page.getByText('Machine to Machine').click();
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/quickstart/);
  await expect(page.locator('#snippet').innerText()).resolves.toContain('client_credentials');
  await page.getByRole('link', { name: 'APIs', exact: true }).last().click();
  const card = page.locator('.api-grant', { hasText: 'Inventory API' });
  await card.getByLabel('read:stock').check();
  await card.getByRole('button', { name: 'Authorize' }).click();
  await page.waitForURL(/apis\?notice=saved$/);
  expect(await page.locator('.api-grant', { hasText: 'Inventory API' }).locator('.badge').innerText()).toBe('Authorized');
  await shot(page, 'application-apis');
  await page.getByRole('link', { name: 'APIs' }).first().click();
  await shot(page, 'apis');
});

test('users: create, search, block and unblock, set a password, make administrator, grants with revoke, recent events, delete', async () => {
  // Bob signs in once (and is refused): the consent he gave the dashboard is a grant to revoke.
  const bob = await signIn(PLAIN_USER);
  await expect(bob.page.locator('h1').innerText()).resolves.toContain('administrator role');
  await shot(bob.page, 'not-admin');
  await bob.context.close();

  const { page } = admin;
  await page.goto(`${server.dashboard}users/new`);
  // The browser checks the length itself (minlength); the Management API's message shows for the rest.
  await page.getByLabel('Email', { exact: true }).fill(PLAIN_USER.email);
  await page.getByLabel('Password').fill('carol password 1');
  await page.getByRole('button', { name: 'Create' }).click();
  await expect(page.locator('.alert').innerText()).resolves.toMatch(/already exists/i);
  await shot(page, 'user-create-error');
  await page.getByLabel('Email', { exact: true }).fill('carol@example.com');
  await page.getByLabel('Password').fill('carol password 1');
  await page.getByLabel('Name').fill('Carol Example');
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/notice=created$/);

  await page.goto(`${server.dashboard}users`);
  await page.getByLabel('Search users').fill('email:"bob@example.com"');
  await page.getByRole('button', { name: 'Search' }).click();
  expect(await page.locator('tbody tr').count()).toBe(1);
  await shot(page, 'users-search');
  await page.goto(`${server.dashboard}users`);
  await shot(page, 'users');
  await page.getByRole('link', { name: 'bob@example.com' }).click();

  expect(await page.locator('h2', { hasText: 'Authorized applications' }).isVisible()).toBe(true);
  expect(await page.getByRole('button', { name: 'Revoke Dashboard' }).isVisible()).toBe(true);
  expect(await page.locator('#ulogs-title ~ *, .rows').first().isVisible()).toBe(true);
  await shot(page, 'user');
  await page.getByRole('button', { name: 'Revoke Dashboard' }).click();
  await page.waitForURL(/notice=revoked$/);
  expect(await page.getByRole('button', { name: 'Revoke Dashboard' }).count()).toBe(0);

  await page.getByRole('button', { name: 'Block user' }).click();
  await page.waitForURL(/notice=blocked$/);
  expect((await server.auth.context.repos.users.findById(server.plainUserId.slice(6)))?.blocked).toBe(true);
  await page.getByRole('button', { name: 'Unblock user' }).click();
  await page.waitForURL(/notice=unblocked$/);

  await page.getByRole('button', { name: 'Send password reset email' }).click();
  await page.waitForURL(/notice=resetSent$/);
  await server.auth.context.audit.flush();
  const { events } = await server.auth.context.repos.logs.search({ user_id: server.plainUserId }, { offset: 0, limit: 20, ascending: false });
  expect(events.map((e) => e.type)).toContain('scpr');

  await page.getByLabel('Set a new password').fill('bob new password 2');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.waitForURL(/notice=passwordSet$/);

  await page.getByRole('button', { name: 'Make administrator' }).click();
  await page.waitForURL(/notice=adminGranted$/);
  expect(await page.locator('.page-head .badge-admin').isVisible()).toBe(true);
  const bobAgain = await signIn({ email: PLAIN_USER.email, password: 'bob new password 2' });
  await expect(bobAgain.page.locator('h1').innerText()).resolves.toBe('Overview');
  await bobAgain.context.close();
  await page.getByRole('button', { name: 'Remove administrator role' }).click();
  await page.waitForURL(/notice=adminRevoked$/);

  await page.goto(`${server.dashboard}users?q=${encodeURIComponent('email:"carol@example.com"')}`);
  await page.getByRole('link', { name: 'carol@example.com' }).click();
  await page.getByLabel(/Type carol@example.com to delete this user/).fill('carol@example.com');
  await page.getByRole('button', { name: 'Delete user' }).click();
  await page.waitForURL(/\/users\?notice=deleted$/);
  expect(await page.getByRole('link', { name: 'carol@example.com' }).count()).toBe(0);
});

test('logs: filter by type, user, application, date and text; detail; older pages; NDJSON and CSV export of the filtered set', async () => {
  const { page, context } = admin;
  await page.goto(`${server.dashboard}logs`);
  await shot(page, 'logs');
  await page.getByLabel('Type').selectOption('sapi');
  await page.getByLabel('User ID').fill(server.adminId);
  await page.getByLabel('Text').fill('resource-servers');
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel('From').fill(today);
  await page.getByLabel('To').fill(today);
  await page.getByRole('button', { name: 'Filter' }).click();
  const rows = page.locator('tbody tr');
  expect(await rows.count()).toBeGreaterThan(0);
  for (const text of await rows.allInnerTexts()) expect(text).toContain('resource-servers');
  await page.locator('tbody tr a').first().click();
  await expect(page.locator('#raw-json').innerText()).resolves.toContain(server.adminId);
  await shot(page, 'log');

  const filter = `type=sapi&user=${encodeURIComponent(server.adminId)}&text=resource-servers`;
  const ndjson = await context.request.get(`${server.dashboard}logs/export.ndjson?${filter}`);
  expect(ndjson.headers()['content-disposition']).toMatch(/attachment; filename="logs-.*\.ndjson"/);
  const lines = (await ndjson.text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string; user_id: string });
  expect(lines.length).toBeGreaterThan(0);
  expect(lines.every((l) => l.type === 'sapi' && l.user_id === server.adminId)).toBe(true);
  const csv = await (await context.request.get(`${server.dashboard}logs/export.csv?${filter}`)).text();
  expect(csv.split('\r\n')[0]).toBe('log_id,date,type,description,client_id,client_name,user_id,user_name,ip,connection,audience,scope');
  expect(csv.trim().split('\r\n')).toHaveLength(lines.length + 1);

  // Paging keeps up with a busy server: events arriving between two screens neither repeat nor hide older ones.
  for (let i = 0; i < 60; i++) await server.auth.context.audit.record('slo', { description: `paging event ${String(i).padStart(2, '0')}` });
  await server.auth.context.audit.flush();
  await page.goto(`${server.dashboard}logs?type=slo`);
  const firstScreen = await page.locator('tbody tr a').allInnerTexts();
  expect(firstScreen).toHaveLength(50);
  for (let i = 0; i < 30; i++) await server.auth.context.audit.record('slo', { description: `late event ${i}` });
  await server.auth.context.audit.flush();
  await page.locator('a[rel="next"]').click();
  const secondScreen = await page.locator('tbody tr a').allInnerTexts();
  expect(secondScreen.some((d) => d.startsWith('late event'))).toBe(false);
  expect(secondScreen.filter((d) => firstScreen.includes(d) && d.startsWith('paging'))).toEqual([]);
  expect([...firstScreen, ...secondScreen].filter((d) => d.startsWith('paging')).sort()).toEqual(Array.from({ length: 60 }, (_, i) => `paging event ${String(i).padStart(2, '0')}`));
});

test('logs filtered by a date range and text in the browser: the server answers, the rows are exactly those', async () => {
  await server.auth.context.repos.logs.insert([
    logEvent('2021-06-01T09:00:00.000Z', { description: 'Browser range: before', ip: '198.51.100.7' }),
    logEvent('2021-06-02T00:00:00.000Z', { description: 'Browser range: first day', ip: '198.51.100.7' }),
    logEvent('2021-06-03T23:59:59.999Z', { type: 'fp', description: 'Browser range: last day, 100% wrong', ip: '198.51.100.7' }),
    logEvent('2021-06-03T12:00:00.000Z', { description: 'Browser range: other address', ip: '203.0.113.9' }),
    logEvent('2021-06-04T00:00:00.000Z', { description: 'Browser range: after', ip: '198.51.100.7' }),
  ]);
  const { page } = admin;
  await page.goto(`${server.dashboard}logs`);
  await page.getByLabel('From').fill('2021-06-02');
  await page.getByLabel('To').fill('2021-06-03');
  await page.getByLabel('Text').fill('198.51.100.7');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/text=198\.51\.100\.7/);
  expect(await page.locator('tbody tr td:nth-child(2)').allInnerTexts()).toEqual(['Browser range: last day, 100% wrong', 'Browser range: first day']);
  expect(await page.locator('tbody tr').first().locator('.badge').innerText()).toBe('fp');
  await expect(page.getByLabel('From').inputValue()).resolves.toBe('2021-06-02');
  await shot(page, 'logs-filtered');
  await page.getByLabel('Text').fill('100%');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/text=100%25/);
  expect(await page.locator('tbody tr td:nth-child(2)').allInnerTexts()).toEqual(['Browser range: last day, 100% wrong']);
  // The export link carries the same filters.
  const csv = await admin.context.request.get(await page.getByRole('link', { name: 'Export CSV' }).evaluate((a) => (a as HTMLAnchorElement).href));
  expect((await csv.text()).trim().split('\r\n')).toHaveLength(2);
});

/** Sign-ins, consents, token exchanges, failures and a block spread over the last 23 hours. */
function activityOverTheLastDay(now: number): ReturnType<typeof logEvent>[] {
  const events: ReturnType<typeof logEvent>[] = [];
  const at = (hoursAgo: number, minute: number) => new Date(now - hoursAgo * 3600000 - minute * 60000).toISOString();
  for (let h = 1; h <= 23; h++) {
    const signIns = 3 + Math.round(2 * Math.sin(h / 3)) + (h % 4);
    for (let i = 0; i < signIns; i++) events.push(logEvent(at(h, 5 + i), { type: 's', description: 'Success Login' }));
    for (let i = 0; i < signIns + 1; i++) events.push(logEvent(at(h, 20 + i), { type: 'seacft', description: 'Success Exchange (Authorization Code for Access Token)' }));
    if (h % 3 === 0) events.push(logEvent(at(h, 30), { type: 'consent_given', description: 'Consent Given' }));
    if (h % 5 === 0) for (let i = 0; i < 2; i++) events.push(logEvent(at(h, 40 + i), { type: 'fp', description: 'Wrong password' }));
  }
  events.push(logEvent(at(8, 45), { type: 'limit_wc', description: 'Blocked Account' }));
  return events;
}

test('a consent given in the real consent dialog shows in the overview chart and in the logs with its type', async () => {
  const app = await startCallbackApp();
  try {
    const fabrikam = await server.auth.admin.createClient({ name: 'Fabrikam Chart', appType: 'regular_web', isFirstParty: false, callbacks: [`${app.origin}/cb`] });
    const dana = await server.auth.admin.ensureUser({ email: 'dana@example.com', password: 'dana password 1', name: 'Dana Example', emailVerified: true });
    // A day's worth of activity before it, so that the chart (and its screenshot) shows every series over the hours.
    await server.auth.context.repos.logs.insert(activityOverTheLastDay(Date.now()));
    await admin.page.goto(server.dashboard);
    const before = Number(/Consents (\d+)/.exec(await admin.page.locator('.legend').innerText())?.[1]);

    const person = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const tab = await person.newPage();
    const authorize = new URL(`${server.issuer}authorize`);
    authorize.search = new URLSearchParams({
      client_id: fabrikam.clientId,
      response_type: 'code',
      redirect_uri: `${app.origin}/cb`,
      scope: 'openid profile email',
      state: 'chart-state',
      code_challenge: createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    await tab.goto(authorize.toString());
    await tab.getByLabel('Email address').fill('dana@example.com');
    await tab.getByLabel('Password').fill('dana password 1');
    await tab.getByRole('button', { name: 'Continue' }).click();
    await tab.waitForURL(/\/u\/consent/);
    await expect(tab.locator('h1').innerText()).resolves.toContain('Fabrikam Chart');
    await tab.getByRole('button', { name: 'Accept' }).click();
    await tab.waitForURL((url) => url.origin === app.origin);
    expect(new URL(tab.url()).searchParams.get('code')).toBeTruthy();
    await person.close();

    const { page } = admin;
    await page.goto(server.dashboard);
    await expect(page.locator('.legend').innerText()).resolves.toContain(`Consents ${before + 1}`);
    expect(await page.locator('svg.chart polyline[data-series="consents"]').getAttribute('stroke-dasharray')).toBeTruthy();
    expect(await page.locator('#chart-desc').textContent()).toContain(`Consents ${before + 1}`);
    await shot(page, 'overview-consents');
    // The table, the chart's text alternative: the consents column adds up to the legend's total.
    await page.locator('.chart-table summary').click();
    await expect(page.locator('.chart-table tbody tr').last().isVisible()).resolves.toBe(true);
    const consentsColumn = await page.locator('.chart-table tbody tr td:nth-of-type(2)').allInnerTexts();
    expect(consentsColumn).toHaveLength(24);
    expect(consentsColumn.reduce((sum, n) => sum + Number(n), 0)).toBe(before + 1);
    await shot(page, 'overview-table');
    const mobile = await browser.newContext({ viewport: { width: 375, height: 812 }, storageState: await admin.context.storageState() });
    const phone = await mobile.newPage();
    await phone.goto(server.dashboard);
    await shot(phone, 'mobile-overview-consents');
    await mobile.close();

    await page.goto(`${server.dashboard}logs`);
    await page.getByLabel('Type').selectOption('consent_given');
    await page.getByLabel('Application').selectOption(fabrikam.clientId);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/type=consent_given/);
    const row = page.locator('tbody tr');
    expect(await row.count()).toBe(1);
    await expect(row.locator('.badge').innerText()).resolves.toBe('consent_given');
    await expect(row.locator('.badge').getAttribute('title')).resolves.toBe('Consent Given');
    await expect(row.innerText()).resolves.toContain('Fabrikam Chart');
    await expect(row.innerText()).resolves.toContain('dana@example.com');
    await shot(page, 'logs-consent');
    await row.getByRole('link', { name: 'Consent Given' }).click();
    await expect(page.locator('#raw-json').innerText()).resolves.toContain(dana.userId);
  } finally {
    await app.close();
  }
});

test('everything works without JavaScript: create an application and delete it by typing its name', async () => {
  const noScript = await signIn(ADMIN, { javaScriptEnabled: false });
  const { page } = noScript;
  await page.goto(`${server.dashboard}applications/new`);
  await page.getByLabel('Name').fill('Plain Form App');
  await page.getByText('Single Page Application').click();
  await page.getByRole('button', { name: 'Create' }).click();
  await page.waitForURL(/quickstart/);
  await expect(page.locator('#snippet').innerText()).resolves.toContain('createAuth0Client');
  await page.getByRole('link', { name: 'Danger Zone' }).click();
  await page.getByLabel(/to confirm/).fill('wrong name');
  await page.getByRole('button', { name: 'Delete this application' }).click();
  await expect(page.locator('.alert').innerText()).resolves.toContain('exactly');
  await page.getByLabel(/to confirm/).fill('Plain Form App');
  await page.getByRole('button', { name: 'Delete this application' }).click();
  await page.waitForURL(/notice=deleted$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/dashboard/applications'));
  await page.goto(`${server.dashboard}applications`);
  expect(page.url()).toContain('/u/login');
  await noScript.context.close();
});

test('axe-core: no serious or critical violations and no sideways scrolling, at 1280 and 375 px', async () => {
  const { clients } = await server.auth.context.repos.clients.list({}, { offset: 0, limit: 10 });
  const app = clients.find((c) => c.clientId !== 'dashboard') ?? clients[0];
  const pages = ['', 'applications', 'applications/new', `applications/${app?.clientId}/settings`, `applications/${app?.clientId}/apis`, 'apis', 'users', `users/${encodeURIComponent(server.adminId)}`, 'logs', 'logs?from=2021-06-02&to=2021-06-03&text=198.51.100.7', 'logs?type=consent_given'];
  for (const width of [1280, 375]) for (const path of pages) await audit(`${server.dashboard}${path}`, width);
  const mobile = await browser.newContext({ viewport: { width: 375, height: 812 }, storageState: await admin.context.storageState() });
  const page = await mobile.newPage();
  const desktop = await admin.context.newPage();
  await desktop.goto(server.dashboard);
  await shot(desktop, 'overview-after');
  await desktop.close();
  for (const [path, name] of [['', 'mobile-overview'], ['applications', 'mobile-applications'], [`users/${encodeURIComponent(server.adminId)}`, 'mobile-user']] as const) {
    await page.goto(`${server.dashboard}${path}`);
    await shot(page, name);
  }
  await mobile.close();
});
