/**
 * What every interop test needs: our server on a real port (startTestServer), small client apps on
 * their own ports, and Debian's Chromium driven by playwright-core. Only 127.0.0.1 and localhost.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Browser, Page } from 'playwright-core';
import { USER } from '../helpers/fixtures.js';

export { launchChromium } from '../helpers/chromium.js';
export const ARTIFACTS = 'test/artifacts/interop';

export interface RunningApp {
  origin: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** Listens on an ephemeral port of `host` (127.0.0.1 by default: same site as the test issuer, another origin). */
export async function listen(app: Express, host = '127.0.0.1'): Promise<RunningApp> {
  const server = app.listen(0, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Fills our login page and presses Continue; the caller waits for whatever comes next. */
export async function signInOnLoginPage(page: Page, credentials: { email: string; password: string } = USER): Promise<void> {
  await page.waitForSelector('input[name="email"]');
  await page.getByLabel('Email address').fill(credentials.email);
  await page.getByLabel('Password').fill(credentials.password);
  await page.getByRole('button', { name: 'Continue' }).click();
}

/**
 * Content-Security-Policy violations the page reported (Chromium logs each one to the console), so a
 * test can assert that none of our pages blocked its own navigation.
 */
export function recordCspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  return violations;
}
