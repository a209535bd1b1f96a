/** Every page in the visitor's language: ui_locales, then Accept-Language, then the default (issue 16, Languages). */
import { TestBrowser, textOf } from '../helpers/browser.js';
import { USER, expectPage, makeClient, managementFor, seedWorld, startFlow } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/testServer.js';
import type { Client } from '../../src/index.js';

const CALENDAR = 'https://calendar.locales.test/';
let server: TestServer;
let client: Client;

beforeAll(async () => {
  server = await startTestServer({ texts: { 'consent.decline': 'No thanks', de: { 'login.password': 'Kennwort' } } });
  await seedWorld(server);
  const api = await managementFor(server);
  const rs = await api.post('resource-servers', {
    identifier: CALENDAR,
    name: 'Calendar',
    scopes: [{ value: 'read:calendar', description: 'Read your calendar', descriptions: { fr: 'Lire votre agenda', es: 'Leer su calendario' } }],
  });
  expect(rs.status).toBe(201);
  client = await makeClient(server, { name: 'Fabrikam', isFirstParty: false, callbacks: ['https://fabrikam.example/cb'] });
});
afterAll(async () => server?.close());

const lang = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];

async function loginPage(browser: TestBrowser, extra: Record<string, string> = {}) {
  const flow = await startFlow(server, client, { scope: 'openid profile email read:calendar', audience: CALENDAR, extra });
  const page = expectPage(await browser.request(flow.url.toString()));
  expect(page.url).toContain('/u/login');
  return page;
}

test('ui_locales=fr: the login page, a failed sign-in and the consent page are in French', async () => {
  // The browser prefers German: the request's ui_locales wins, on every page of the transaction.
  const browser = new TestBrowser(server.origin, { 'accept-language': 'de' });
  const login = await loginPage(browser, { ui_locales: 'fr-CA en' });
  expect(lang(login.html)).toBe('fr');
  expect(login.headers.get('content-language')).toBe('fr');
  expect(textOf(login.html)).toContain('Connexion');
  expect(textOf(login.html)).toContain('pour continuer vers Fabrikam');
  expect(textOf(login.html)).toContain('Mot de passe');

  const refused = expectPage(await browser.submit(login, { email: USER.email, password: 'not the password' }));
  expect(refused.status).toBe(401);
  expect(lang(refused.html)).toBe('fr');
  expect(textOf(refused.html)).toContain('Adresse e-mail ou mot de passe incorrect.');

  const consent = expectPage(await browser.submit(refused, { email: USER.email, password: USER.password }));
  expect(consent.url).toContain('/u/consent');
  expect(lang(consent.html)).toBe('fr');
  const text = textOf(consent.html);
  expect(text).toContain('Fabrikam demande l’accès à votre compte');
  expect(text).toContain('Votre compte');
  expect(text).toContain('Votre nom, votre pseudonyme et votre photo');
  expect(text).toContain('Lire votre agenda');
  expect(text).toContain('Accepter');
  expect(text).not.toContain('is requesting access');

  // An error raised by the consent step, in English by the service, reaches the page in French.
  const forged = expectPage(await browser.submit(consent, { action: 'accept', csrf: 'forged' }));
  expect(forged.status).toBe(400);
  expect(lang(forged.html)).toBe('fr');
  expect(textOf(forged.html)).toContain('Ce formulaire a expiré');
  expect(textOf(forged.html)).toContain('Le formulaire de consentement n’a pas été envoyé depuis cette session. Rien n’a été autorisé.');
});

test('Accept-Language: de without ui_locales gives German pages, with the host\'s German override', async () => {
  const login = await loginPage(new TestBrowser(server.origin, { 'accept-language': 'de-CH, de;q=0.9, en;q=0.5' }));
  expect(lang(login.html)).toBe('de');
  expect(textOf(login.html)).toContain('Anmelden');
  expect(textOf(login.html)).toContain('Kennwort');
  expect(login.headers.get('vary')).toMatch(/accept-language/i);
});

test('a language we do not ship falls back to the default, English, with the host\'s flat (English) overrides', async () => {
  const browser = new TestBrowser(server.origin, { 'accept-language': 'ja, zh;q=0.8' });
  const login = await loginPage(browser, { ui_locales: 'ja' });
  expect(lang(login.html)).toBe('en');
  expect(textOf(login.html)).toContain('Sign in');
  const consent = expectPage(await browser.submit(login, { email: USER.email, password: USER.password }));
  expect(textOf(consent.html)).toContain('No thanks');
  // An API scope with no description in the page's language shows its own (English) one.
  expect(textOf(consent.html)).toContain('Read your calendar');
});

test('error pages: a refused /authorize answers in the language it asked for', async () => {
  const res = await fetch(`${server.issuer}authorize?response_type=code&ui_locales=es`);
  const html = await res.text();
  expect(res.status).toBe(400);
  expect(lang(html)).toBe('es');
  expect(textOf(html)).toContain('Falta el cliente');
  expect(textOf(html)).toContain('La solicitud no tiene el parámetro client_id.');

  const mismatch = await fetch(`${server.issuer}authorize?client_id=${client.clientId}&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`, { headers: { 'accept-language': 'de' } });
  expect(textOf(await mismatch.text())).toContain('Die Weiterleitungs-URI "https://evil.example/cb" steht nicht in der Liste der erlaubten Callback-URLs der Anwendung „Fabrikam“.');
});

test('the not-found page and the landing page follow Accept-Language', async () => {
  const landing = await fetch(server.issuer, { headers: { 'accept-language': 'fr' } });
  const html = await landing.text();
  expect(lang(html)).toBe('fr');
  expect(textOf(html)).toContain('Les applications que vous avez autorisées');
});

test('with defaultLocale: "es", a visitor who names no language we ship gets Spanish', async () => {
  const spanish = await startTestServer({ defaultLocale: 'es' });
  try {
    for (const headers of [{}, { 'accept-language': 'ja' }] as Record<string, string>[]) {
      const html = await (await fetch(`${spanish.issuer}authorize?ui_locales=it`, { headers })).text();
      expect(lang(html)).toBe('es');
      expect(textOf(html)).toContain('Falta el cliente');
    }
    // A language we ship still wins over the default.
    const english = await (await fetch(`${spanish.issuer}authorize`, { headers: { 'accept-language': 'en-GB' } })).text();
    expect(lang(english)).toBe('en');
  } finally {
    await spanish.close();
  }
});

test('discovery lists the shipped locales', async () => {
  const metadata = (await (await fetch(`${server.issuer}.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  expect(metadata.ui_locales_supported).toEqual(['en', 'fr', 'de', 'es']);
});

test('the Management API keeps the per-locale descriptions of a scope, and refuses what is not a language tag', async () => {
  const api = await managementFor(server);
  const list = await api.get('resource-servers');
  const calendar = (list.body as { identifier: string; scopes: unknown }[]).find((r) => r.identifier === CALENDAR);
  expect(calendar?.scopes).toEqual([{ value: 'read:calendar', description: 'Read your calendar', descriptions: { fr: 'Lire votre agenda', es: 'Leer su calendario' } }]);
  const bad = await api.post('resource-servers', { identifier: 'https://bad.locales.test/', name: 'Bad', scopes: [{ value: 'x', descriptions: { __proto__x: 'no' } }] });
  expect(bad.status).toBe(400);
  // A scope without translations is shown as Auth0 shows it.
  const contoso = (list.body as { name: string; scopes: unknown[] }[]).find((r) => r.name === 'Contoso API');
  expect(contoso?.scopes[0]).toEqual({ value: 'read:posts', description: 'Read your posts' });
});

test('the authorized-applications page writes its dates for the locale', async () => {
  const browser = new TestBrowser(server.origin, { 'accept-language': 'fr' });
  const login = await loginPage(browser);
  const consent = expectPage(await browser.submit(login, { email: USER.email, password: USER.password }));
  await browser.submit(consent, { action: 'accept' });
  const apps = expectPage(await browser.request(`${server.issuer}u/account/apps`));
  const today = new Intl.DateTimeFormat('fr', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date());
  expect(textOf(apps.html)).toContain(`Calendar · autorisé le ${today}`);
  expect(textOf(apps.html)).toContain('Lire votre agenda');
  expect(textOf(apps.html)).toContain('dans 24 heures au plus');
});
