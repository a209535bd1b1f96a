/**
 * A host app for the dashboard's tests: the authorization server at "/" (or TEST_MOUNT_PATH) and the
 * dashboard at /dashboard on the same origin, with an administrator and an ordinary user.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Administrators, createAuthServer, createDashboard, type AuthServer, type Dashboard } from '../../src/index.js';
import { TestBrowser, isStop, type Page, type Visit } from '../helpers/browser.js';
import { decodeEntities, findForm } from '../helpers/browser.js';
import { TEST_PASSWORD_COST, testDatabase } from '../helpers/testServer.js';

export const ADMIN = { email: 'ada@example.com', password: 'admin password 1', name: 'Ada Admin' };
export const PLAIN_USER = { email: 'bob@example.com', password: 'bob password 12', name: 'Bob User' };

export interface DashboardServer {
  origin: string;
  issuer: string;
  dashboard: string;
  auth: AuthServer;
  adminId: string;
  plainUserId: string;
  close(): Promise<void>;
}

export async function startDashboardServer(mountPath = process.env.TEST_MOUNT_PATH ?? '/'): Promise<DashboardServer> {
  const app = express();
  let handlers: { dashboard: Dashboard; auth: express.Router } | null = null;
  app.use('/dashboard', (req, res, next) => (handlers ? handlers.dashboard(req, res, next) : next()));
  app.use(mountPath, (req, res, next) => (handlers ? handlers.auth(req, res, next) : next()));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuer = `${origin}${mountPath === '/' ? '' : mountPath}/`;
  const db = await testDatabase();
  const auth = await createAuthServer({ issuer, database: db.config, sessionSecrets: ['dashboard-test-secret-long-enough-123'], passwordHashCost: TEST_PASSWORD_COST, logLevel: 'silent' });
  await auth.admin.ensureDefaultConnection();
  const admin = await auth.admin.ensureUser({ ...ADMIN, emailVerified: true });
  const plain = await auth.admin.ensureUser({ ...PLAIN_USER, emailVerified: true });
  await new Administrators(auth.context.db).grant(admin.userId);
  handlers = { dashboard: await createDashboard(auth), auth: auth.router };
  return {
    origin,
    issuer,
    dashboard: `${origin}/dashboard/`,
    auth,
    adminId: admin.userId,
    plainUserId: plain.userId,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await handlers?.dashboard.close();
      await auth.close();
      await db.cleanup();
    },
  };
}

/** Signs in at the dashboard with the HTTP test browser: login form, then the consent dialog once. */
export async function signInToDashboard(server: DashboardServer, credentials: { email: string; password: string }): Promise<{ browser: TestBrowser; page: Page }> {
  const browser = new TestBrowser(server.origin);
  const login = await browser.request(server.dashboard);
  if (isStop(login) || !login.url.includes('/u/login')) throw new Error(`Expected the login page, got ${isStop(login) ? login.redirectedTo : login.url}`);
  let visit: Visit = await browser.submit(login, { email: credentials.email, password: credentials.password });
  if (!isStop(visit) && visit.url.includes('/u/consent')) visit = await browser.submit(visit, { action: 'accept' });
  if (isStop(visit)) throw new Error(`Left the origin: ${visit.redirectedTo}`);
  return { browser, page: visit };
}

/** A dashboard form's CSRF token, from the page that shows it. */
export function csrfOf(page: Page, actionContains?: string): string {
  const form = findForm(page.html, actionContains);
  return decodeEntities(form.hidden.find(([name]) => name === '_csrf')?.[1] ?? '');
}
