/** What the Chromium suites share: Debian's Chromium, and a client app on 127.0.0.1 that shows what reached its callback. */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { seedWorld } from './fixtures.js';
import { startTestServer, type TestServer } from './testServer.js';
import type { AuthServerOptions } from '../../src/index.js';

/** Debian's Chromium (CHROMIUM_PATH elsewhere), for every browser suite: test/browser, test/interop. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface CallbackApp {
  origin: string;
  close(): Promise<void>;
}

/** GET /cb shows its query in `#result`; `routes` adds the suite's own pages. */
export async function startCallbackApp(onArrival: (query: URLSearchParams) => void = () => {}, routes: (app: express.Express) => void = () => {}): Promise<CallbackApp> {
  const app = express();
  app.get('/cb', (req, res) => {
    const query = new URLSearchParams(req.query as Record<string, string>);
    onArrival(query);
    res.type('html').send(`<!doctype html><title>callback</title><pre id="result">${query.toString().replace(/</g, '&lt;')}</pre>`);
  });
  routes(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface BrowserWorld {
  server: TestServer;
  app: CallbackApp;
  browser: Browser;
  close(): Promise<void>;
}

/** The usual suite: the server with Contoso's API and Alice, the client app, and Chromium; screenshots go to test/artifacts/. */
export async function startBrowserWorld(options: Partial<AuthServerOptions> = {}): Promise<BrowserWorld> {
  mkdirSync('test/artifacts', { recursive: true });
  const server = await startTestServer({ companyName: 'Contoso', ...options });
  await seedWorld(server);
  const app = await startCallbackApp();
  const browser = await launchChromium();
  return {
    server,
    app,
    browser,
    close: async () => {
      await browser.close();
      await app.close();
      await server.close();
    },
  };
}
