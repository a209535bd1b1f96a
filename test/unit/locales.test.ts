/** The languages of the pages: every catalog complete, the locale negotiated, service messages found by key. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Request } from 'express';
import { CATALOGS, formatDuration, localeTranslator, negotiateLocale } from '../../src/http/locale.js';
import { findMessageKey, sayer } from '../../src/http/localeMessages.js';
import { DEFAULT_TEXTS, LOCALES, type TextKey } from '../../src/http/texts.js';
import { parseUiLocales } from '../../src/domain/authorizationRequest.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe.each(LOCALES.filter((l) => l !== 'en'))('the %s catalog', (locale) => {
  const catalog: Readonly<Record<string, string>> = CATALOGS[locale];

  test('has every English key and no other', () => {
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(DEFAULT_TEXTS).sort());
  });

  test('keeps every placeholder of the English text, and adds none', () => {
    const mismatched = (Object.keys(DEFAULT_TEXTS) as TextKey[]).filter((key) => placeholders(catalog[key] ?? '').join() !== placeholders(DEFAULT_TEXTS[key]).join());
    expect(mismatched).toEqual([]);
  });

  test('translates: no empty text, and most differ from the English', () => {
    const keys = Object.keys(DEFAULT_TEXTS) as TextKey[];
    expect(keys.filter((key) => !catalog[key]?.trim())).toEqual([]);
    const same = keys.filter((key) => catalog[key] === DEFAULT_TEXTS[key]);
    expect(same.length).toBeLessThan(keys.length / 10);
  });
});

function requestWith(headers: Record<string, string>): Request {
  return Object.assign(Object.create(express.request) as Request, { headers });
}

describe('negotiateLocale', () => {
  test('ui_locales first: the first tag shipped, by its language subtag and in any case', () => {
    expect(negotiateLocale(['ja', 'FR-ca', 'de'], requestWith({ 'accept-language': 'es' }), 'en')).toBe('fr');
  });

  test('then Accept-Language, by quality, with regional tags matching their language', () => {
    expect(negotiateLocale([], requestWith({ 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' }), 'en')).toBe('de');
    expect(negotiateLocale(['ja'], requestWith({ 'accept-language': 'ja, es;q=0.4, fr;q=0.3' }), 'en')).toBe('es');
  });

  test('then the configured default: nothing asked, nothing we have, or only a wildcard', () => {
    expect(negotiateLocale(undefined, requestWith({}), 'es')).toBe('es');
    expect(negotiateLocale(['ja'], requestWith({ 'accept-language': 'ja, zh;q=0.8' }), 'de')).toBe('de');
    expect(negotiateLocale([], requestWith({ 'accept-language': '*' }), 'fr')).toBe('fr');
    expect(negotiateLocale([], undefined, 'fr')).toBe('fr');
  });

  test('ui_locales is split on spaces and bounded', () => {
    expect(parseUiLocales('fr-CA  en')).toEqual(['fr-CA', 'en']);
    expect(parseUiLocales(['fr'])).toEqual([]);
    expect(parseUiLocales(Array.from({ length: 100 }, () => 'xx').join(' '))).toHaveLength(10);
  });
});

describe('translators', () => {
  test('flat overrides change the English texts; a locale\'s own object changes that locale', () => {
    const overrides = { 'login.title': 'Log in', fr: { 'login.submit': 'Allons-y' } };
    expect(localeTranslator('en', overrides)('login.title')).toBe('Log in');
    expect(localeTranslator('fr', overrides)('login.title')).toBe('Connexion');
    expect(localeTranslator('fr', overrides)('login.submit')).toBe('Allons-y');
  });

  test('dates and durations are written for the locale', () => {
    const date = new Date(Date.UTC(2026, 10, 23, 12));
    expect(localeTranslator('fr', {})('account.allowedOn', { api: 'API', date })).toBe('API · autorisé le 23 novembre 2026');
    expect(localeTranslator('de', {})('account.allowedOn', { api: 'API', date })).toBe('API · erlaubt am 23. November 2026');
    expect(localeTranslator('en', {})('account.allowedOn', { api: 'API', date })).toBe('API · allowed on November 23, 2026');
    expect(formatDuration(3600, 'en')).toBe('1 hour');
    expect(formatDuration(7200, 'es')).toBe('2 horas');
    expect(formatDuration(90, 'fr')).toBe('2 minutes');
    expect(formatDuration(300, 'de')).toBe('5 Minuten');
    expect(formatDuration(86400, 'fr').replace(/\s/g, ' ')).toBe('24 heures');
    expect(formatDuration(30, 'es')).toBe('30 segundos');
  });
});

describe('service messages', () => {
  test('an English sentence is shown in the page\'s language, placeholders and all', () => {
    const say = sayer(localeTranslator('fr', {}), 'fr');
    expect(say('Wrong email or password.')).toBe('Adresse e-mail ou mot de passe incorrect.');
    expect(say('Nothing was shared with Fabrikam. You can close this page.')).toBe('Rien n’a été partagé avec Fabrikam. Vous pouvez fermer cette page.');
    expect(say('A protocol detail no key knows.')).toBe('A protocol detail no key knows.');
    expect(say({ text: 'Read your posts', byLocale: { fr: 'Lire vos publications' } })).toBe('Lire vos publications');
    expect(say({ text: 'Read your posts', byLocale: { de: 'Ihre Beiträge lesen' } })).toBe('Read your posts');
  });

  test('a refused sign-in is told by its reason, with the wait written for the locale (the 429 page)', async () => {
    const { loginFailureText } = await import('../../src/http/loginFailures.js');
    const failure = { ok: false as const, reason: 'too_many_attempts' as const, message: 'Too many failed attempts: …', retryAfterSeconds: 300 };
    const say = sayer(localeTranslator('de', {}), 'de');
    expect(say(loginFailureText(failure)).replace(/\s/g, ' ')).toBe('Zu viele fehlgeschlagene Versuche: Die Anmeldung ist vorerst gesperrt; versuchen Sie es in 5 Minuten erneut.');
    expect(say(loginFailureText({ ok: false, reason: 'blocked', message: 'This user is blocked. Contact the administrator.' }))).toBe('Dieser Benutzer ist gesperrt. Wenden Sie sich an den Administrator.');
  });

  // The error pages' sentences are raised in English all over src/: each literal one must have a key.
  test('every literal title and description of an error page in src/ has a text key', () => {
    const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : name.endsWith('.ts') ? [join(dir, name)] : []));
    const literals = files('src')
      .filter((file) => !file.includes('dashboard'))
      .flatMap((file) => {
        const source = readFileSync(file, 'utf8');
        const raised = [...source.matchAll(/new UntrustedRequestError\(\s*'((?:[^'\\]|\\.)*)'(?:,\s*'((?:[^'\\]|\\.)*)',?\s*\))?/g)];
        // Error pages rendered or handed back directly: { title: '…', description: '…' }.
        const handed = [...source.matchAll(/title: '((?:[^'\\]|\\.)*)', description: '((?:[^'\\]|\\.)*)'/g)];
        return [...raised, ...handed].flatMap((m) => [m[1], m[2]]);
      });
    const messages = literals.filter((s): s is string => s !== undefined).map((s) => s.replace(/\\'/g, "'"));
    expect(messages.length).toBeGreaterThan(15);
    expect(messages.filter((message) => findMessageKey(message) === null)).toEqual([]);
  });
});

describe('configuration', () => {
  const base = { issuer: 'http://127.0.0.1:3000/' };

  test('defaultLocale and DEFAULT_LOCALE take a shipped locale and refuse any other', async () => {
    const { checkOptions } = await import('../../src/ops/optionsSchema.js');
    const { readEnvironment } = await import('../../src/ops/environment.js');
    expect(() => checkOptions({ ...base, defaultLocale: 'fr' })).not.toThrow();
    expect(() => checkOptions({ ...base, defaultLocale: 'it' })).toThrow(/defaultLocale.*must be one of en, fr, de, es/);
    expect(readEnvironment({ DEFAULT_LOCALE: 'de' }).defaultLocale).toBe('de');
    expect(() => readEnvironment({ DEFAULT_LOCALE: 'it' })).toThrow(/DEFAULT_LOCALE must be one of en, fr, de, es/);
  });

  test('texts: flat keys and per-locale objects are checked against the keys', async () => {
    const { checkOptions } = await import('../../src/ops/optionsSchema.js');
    expect(() => checkOptions({ ...base, texts: { 'login.title': 'Log in', fr: { 'login.title': 'Connexion' }, es: {} } })).not.toThrow();
    expect(() => checkOptions({ ...base, texts: { fr: { 'login.titel': 'x' } } })).toThrow(/login\.titel.*did you mean "login\.title"/);
    expect(() => checkOptions({ ...base, texts: { it: { 'login.title': 'Accedi' } } })).toThrow(/must be a string/);
  });
});
