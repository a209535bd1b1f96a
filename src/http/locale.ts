/**
 * Which language a page is in: the authorization request's `ui_locales` (OIDC Core §3.1.2.1), then the
 * browser's Accept-Language (negotiated by Express's `accepts`, i.e. `negotiator`), then the
 * configured default. Each locale's texts are the shipped catalog with the host's overrides on top.
 */
import type { Request } from 'express';
import { DEFAULT_TEXTS, LOCALES, type Locale, type TextKey, type TextOverrides, type Texts, type TextVar, type Translate } from './texts.js';
import { DE } from './locales/de.js';
import { ES } from './locales/es.js';
import { FR } from './locales/fr.js';

export const CATALOGS: Readonly<Record<Locale, Readonly<Record<TextKey, string>>>> = { en: DEFAULT_TEXTS, fr: FR, de: DE, es: ES };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The first tag we ship, matched exactly or by its language subtag ("fr-CA" is French); tags are case-insensitive. */
export function localeFromTags(tags: readonly string[]): Locale | null {
  for (const tag of tags) {
    const language = tag.toLowerCase().split('-')[0];
    if (isLocale(language)) return language;
  }
  return null;
}

export function negotiateLocale(uiLocales: readonly string[] | undefined, req: Request | undefined, fallback: Locale): Locale {
  const asked = localeFromTags(uiLocales ?? []);
  if (asked) return asked;
  // Without the header, `accepts` answers the first offer, which is the default: same result, less work.
  if (!req?.headers['accept-language']) return fallback;
  const best = req.acceptsLanguages([fallback, ...LOCALES.filter((l) => l !== fallback)]);
  return isLocale(best) ? best : fallback;
}

/** The page's translator for one locale: the catalog, then the host's flat (English) or per-locale overrides. */
export function localeTranslator(locale: Locale, overrides: TextOverrides): Translate {
  const flat: Texts = Object.fromEntries(Object.entries(overrides).filter(([, v]) => typeof v === 'string'));
  const texts: Record<string, string> = { ...CATALOGS[locale], ...(locale === 'en' ? flat : {}), ...overrides[locale] };
  return (key, vars = {}) =>
    (texts[key] ?? DEFAULT_TEXTS[key] ?? key).replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = vars[name];
      return value === undefined ? whole : formatVar(value, locale);
    });
}

function formatVar(value: TextVar, locale: Locale): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return new Intl.NumberFormat(locale).format(value);
  // UTC, as the dates were shown before: the server's own time zone is nobody's in particular.
  if (value instanceof Date) return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(value);
  return formatDuration(value.seconds, locale);
}

/** "24 hours", "2 Stunden", "5 minutes": whole hours when it is some, else minutes (rounded up), else seconds. */
export function formatDuration(seconds: number, locale: Locale): string {
  const [amount, unit] =
    seconds >= 3600 && seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds >= 60 ? [Math.ceil(seconds / 60), 'minute'] : [Math.max(0, Math.ceil(seconds)), 'second'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'long' }).format(amount);
}
