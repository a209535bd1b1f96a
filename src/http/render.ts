/**
 * Server-rendered pages. A host application may override any template by putting a file of the
 * same name in `viewsDirectory`; includes resolve against that folder first, then the built-in one.
 * Each page is in the visitor's language (src/http/locale.ts): a router that holds an authorization
 * request puts its `ui_locales` in `res.locals.uiLocales` (see `useUiLocales`).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { Response } from 'express';
import { sendHtml } from './responses.js';
import { contentSecurityPolicy } from './security.js';
import { localeTranslator, negotiateLocale } from './locale.js';
import { sayer } from './localeMessages.js';
import { LOCALES, type Branding, type Locale, type TextOverrides, type Translate } from './texts.js';

/** The package's own folder (the one with package.json): the same from src/ under tsx and from dist/src/ when built. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const BUILTIN_VIEWS = join(packageRoot(), 'views');
export const PUBLIC_DIR = join(packageRoot(), 'public');

export interface PageRenderer {
  (res: Response, view: string, data: Record<string, unknown>, status?: number): Promise<void>;
  /** The page's language and translator for this response, e.g. for an email sent from it. */
  localeOf(res: Response): { locale: Locale; t: Translate };
}

/** The language of what is rendered next on this response: the authorization request's `ui_locales`. */
export function useUiLocales(res: Response, uiLocales: readonly string[] | undefined): void {
  res.locals.uiLocales = uiLocales;
}

export function createRenderer(overrideDirectory: string | null, site: Branding, texts: TextOverrides, defaultLocale: Locale = 'en'): PageRenderer {
  const translators = Object.fromEntries(LOCALES.map((locale) => [locale, localeTranslator(locale, texts)])) as Record<Locale, Translate>;
  const roots = overrideDirectory ? [resolve(overrideDirectory), BUILTIN_VIEWS] : [BUILTIN_VIEWS];
  const cache = new Map<string, string>();
  const locate = (view: string): string => {
    let found = cache.get(view);
    if (!found) {
      found = roots.map((root) => join(root, `${view}.ejs`)).find((file) => existsSync(file));
      if (!found) throw new Error(`Template ${view}.ejs not found`);
      cache.set(view, found);
    }
    return found;
  };
  const localeOf = (res: Response) => {
    const locale = negotiateLocale(res.locals.uiLocales as string[] | undefined, res.req, defaultLocale);
    return { locale, t: translators[locale] };
  };
  const render = async (res: Response, view: string, data: Record<string, unknown>, status = 200): Promise<void> => {
    const { locale: lang, t } = localeOf(res);
    const html = await ejs.renderFile(
      locate(view),
      { ...data, site, t, say: sayer(t, lang), lang, assetsPath: res.locals.assetsPath as string, cspNonce: res.locals.cspNonce as string },
      {
        cache: true,
        // EJS would resolve an include next to the including file first; the override folder must win.
        includer: (original: string) => ({ filename: locate(original.replace(/\.ejs$/, '')) }),
      },
    );
    res.set('Content-Security-Policy', contentSecurityPolicy(res));
    res.set('Content-Language', lang);
    res.vary('Accept-Language');
    sendHtml(res, status, html);
  };
  return Object.assign(render, { localeOf });
}
