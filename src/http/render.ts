/**
 * Server-rendered pages. A host application may override any template by putting a file of the
 * same name in `viewsDirectory`; includes resolve against that folder first, then the built-in one.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import type { Response } from 'express';
import { sendHtml } from './responses.js';
import { contentSecurityPolicy } from './security.js';
import { translator, type Branding, type Texts } from './texts.js';

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
}

export function createRenderer(overrideDirectory: string | null, site: Branding, texts: Texts): PageRenderer {
  const t = translator(texts);
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
  return async (res, view, data, status = 200) => {
    const html = await ejs.renderFile(
      locate(view),
      { ...data, site, t, assetsPath: res.locals.assetsPath as string, cspNonce: res.locals.cspNonce as string },
      {
        cache: true,
        // EJS would resolve an include next to the including file first; the override folder must win.
        includer: (original: string) => ({ filename: locate(original.replace(/\.ejs$/, '')) }),
      },
    );
    res.set('Content-Security-Policy', contentSecurityPolicy(res));
    sendHtml(res, status, html);
  };
}
