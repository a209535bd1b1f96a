/// <reference lib="dom" />
/**
 * Sign-in and consent in French and Spanish in Chromium (ui_locales), and in German from the browser's
 * own language: the words, `<html lang>`, and that the longer sentences fit a phone's width.
 * Screenshots go to test/artifacts/locale-*.png.
 */
import type { Page } from 'playwright-core';
import { startBrowserWorld, type BrowserWorld } from '../helpers/chromium.js';
import { API, USER, finishFlow, makeClient, managementFor, startFlow } from '../helpers/fixtures.js';

const ARTIFACTS = 'test/artifacts';
let world: BrowserWorld;

beforeAll(async () => {
  world = await startBrowserWorld();
  // The API's own scope descriptions, translated by whoever defines the API.
  const api = await managementFor(world.server);
  const list = await api.get('resource-servers');
  const contoso = (list.body as { id: string; identifier: string }[]).find((r) => r.identifier === API);
  const patched = await api.patch(`resource-servers/${contoso?.id ?? ''}`, {
    scopes: [
      { value: 'read:posts', description: 'Read your posts', descriptions: { fr: 'Lire vos publications', es: 'Leer sus publicaciones', de: 'Ihre Beiträge lesen' } },
      { value: 'write:posts', description: 'Publish posts on your behalf', descriptions: { fr: 'Publier en votre nom', es: 'Publicar en su nombre', de: 'In Ihrem Namen veröffentlichen' } },
    ],
  });
  expect(patched.status).toBe(200);
}, 60000);

afterAll(async () => world?.close());

/** Nothing wider than the page, and no text cut inside its own box (a button, a label, a badge). */
async function expectNoOverflow(page: Page): Promise<void> {
  const overflowing = await page.evaluate(() => {
    const root = document.documentElement;
    const found: string[] = root.scrollWidth > root.clientWidth ? [`page ${root.scrollWidth}>${root.clientWidth}`] : [];
    for (const el of Array.from(document.querySelectorAll('main *'))) {
      const box = el as HTMLElement;
      if (box.clientWidth > 0 && box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== 'visible') found.push(box.outerHTML.slice(0, 80));
      const rect = box.getBoundingClientRect();
      if (rect.right > root.clientWidth + 1) found.push(`outside: ${box.outerHTML.slice(0, 80)}`);
    }
    return found;
  });
  expect(overflowing).toEqual([]);
}

interface Walk {
  locale: string;
  ui_locales?: string;
  acceptLanguage?: string;
  email: string;
  password: string;
  submit: string;
  title: string;
  scope: string;
  accept: string;
}

const WALKS: Walk[] = [
  { locale: 'fr', ui_locales: 'fr', email: 'Adresse e-mail', password: 'Mot de passe', submit: 'Continuer', title: 'Fabrikam demande l’accès à votre compte', scope: 'Publier en votre nom', accept: 'Accepter' },
  { locale: 'es', ui_locales: 'es-MX', email: 'Correo electrónico', password: 'Contraseña', submit: 'Continuar', title: 'Fabrikam solicita acceso a su cuenta', scope: 'Publicar en su nombre', accept: 'Aceptar' },
  { locale: 'de', acceptLanguage: 'de-DE', email: 'E-Mail-Adresse', password: 'Passwort', submit: 'Weiter', title: 'Fabrikam möchte auf Ihr Konto zugreifen', scope: 'In Ihrem Namen veröffentlichen', accept: 'Zulassen' },
];

test.each(WALKS)('sign-in and consent in $locale, on a desktop and on a phone', async (walk) => {
  for (const width of [1024, 360]) {
    const { server, browser, app } = world;
    const client = await makeClient(server, { name: 'Fabrikam', isFirstParty: false, callbacks: [`${app.origin}/cb`] });
    const flow = await startFlow(server, client, { scope: 'openid profile email read:posts write:posts', extra: walk.ui_locales ? { ui_locales: walk.ui_locales } : {} });
    // The browser's own language is English unless the walk is about Accept-Language.
    const context = await browser.newContext({ viewport: { width, height: 800 }, locale: walk.acceptLanguage ?? 'en-US' });
    const page = await context.newPage();
    await page.goto(flow.url.toString());
    expect(await page.getAttribute('html', 'lang')).toBe(walk.locale);
    await page.screenshot({ path: `${ARTIFACTS}/locale-${walk.locale}-${width}-login.png`, fullPage: true });
    await expectNoOverflow(page);
    await page.getByLabel(walk.email).fill(USER.email);
    await page.getByLabel(walk.password).fill(USER.password);
    await page.getByRole('button', { name: walk.submit }).click();
    await page.waitForSelector(`text=${walk.title}`);
    expect(await page.getAttribute('html', 'lang')).toBe(walk.locale);
    expect(await page.locator('h1').innerText()).toBe(walk.title);
    expect(await page.locator(`text=${walk.scope}`).count()).toBe(1);
    await page.screenshot({ path: `${ARTIFACTS}/locale-${walk.locale}-${width}-consent.png`, fullPage: true });
    await expectNoOverflow(page);
    await page.getByRole('button', { name: walk.accept }).click();
    await page.waitForURL(`${app.origin}/cb?**`);
    const params = new URLSearchParams(await page.locator('#result').innerText());
    const tokens = await finishFlow(flow, `${app.origin}/cb?${params.toString()}`);
    expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile', 'read:posts', 'write:posts']);
    await context.close();
  }
});
