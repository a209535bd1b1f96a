/**
 * The single-page app's static host: index.html and app.js from this folder, the SDK's unmodified
 * browser bundle from node_modules, and a config script whose values the test sets once the client is
 * registered (its client_id depends on the app's origin, known only after listen()).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';

export interface SpaConfig {
  domain: string;
  clientId: string;
  audience: string;
  scope: string;
  authorizeTimeoutInSeconds: number;
}

const here = dirname(fileURLToPath(import.meta.url));
export const SDK_BUNDLE = createRequire(import.meta.url).resolve('@auth0/auth0-spa-js/dist/auth0-spa-js.production.js');

export function createSpaApp(): { app: Express; configure(config: SpaConfig): void } {
  let config: SpaConfig | null = null;
  const app = express();
  app.use((_req, res, next) => {
    // Each test starts from what the server says, never from a copy Chromium kept.
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.get('/sdk/auth0-spa-js.production.js', (_req, res) => res.sendFile(SDK_BUNDLE));
  app.get('/config.js', (_req, res) => {
    if (!config) return res.status(503).type('text/plain').send('not configured');
    res.type('application/javascript').send(`window.SPA_CONFIG = ${JSON.stringify(config)};`);
  });
  app.get('/app.js', (_req, res) => res.sendFile(join(here, 'app.js')));
  app.get('/', (_req, res) => res.sendFile(join(here, 'index.html')));
  return { app, configure: (c) => (config = c) };
}
