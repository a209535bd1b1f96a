/**
 * The dashboard: `await createDashboard(auth, options)` gives an Express router for the host app to
 * mount (at /dashboard by default). Administrators sign in through this server's own /authorize and
 * every change goes through the Management API with a token naming them (see managementClient.ts).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import session from 'express-session';
import type { AuthServer } from '../index.js';
import { MANAGEMENT_SCOPES, managementAudience } from '../domain/managementApi.js';
import { PUBLIC_DIR } from '../http/render.js';
import { pageSecurity } from '../http/security.js';
import { KnexSessionStore } from '../store/sessionStore.js';
import { isActiveAdministrator } from './administrators.js';
import { InProcessServer, type Caller } from './managementClient.js';
import { resolveDashboardOptions, type DashboardOptions } from './options.js';
import { DashboardPage } from './pages.js';
import { signInRoutes } from './signIn.js';
import { applicationsPages } from './applicationsPages.js';
import { apisPages } from './apisPages.js';
import { usersPages } from './usersPages.js';
import { logsPages } from './logsPages.js';
import { overviewPage } from './overviewPage.js';
import { DASHBOARD_TEXTS } from './texts.js';

declare module 'express-serve-static-core' {
  interface Locals {
    dashboardCaller?: Caller;
  }
}

export interface Dashboard extends Router {
  /** Stops the dashboard's private loopback listener (see managementClient.ts); call it with auth.close(). */
  close(): Promise<void>;
}

export async function createDashboard(auth: AuthServer, options: DashboardOptions = {}): Promise<Dashboard> {
  const ctx = auth.context;
  const resolved = resolveDashboardOptions(ctx.options.issuer, options);
  const client = await auth.admin.ensureClient(
    {
      clientId: resolved.clientId,
      name: 'Dashboard',
      appType: 'regular_web',
      description: 'The administrators\u2019 dashboard of this server.',
      callbacks: [`${resolved.url}callback`],
      allowedLogoutUrls: [resolved.url],
    },
    { updateUrls: true },
  );
  if (!client.clientSecret) throw new Error('The dashboard client has no secret.');
  const server = new InProcessServer(auth);
  const logoutUrl = new URL(`${ctx.options.issuer}v2/logout`);
  logoutUrl.search = new URLSearchParams({ client_id: client.clientId, returnTo: resolved.url }).toString();
  const page = new DashboardPage(ctx, logoutUrl.toString());
  const audience = managementAudience(ctx.options.issuer);
  const { cookie } = ctx.options;

  const router = express.Router();
  router.get(['/assets/dashboard.css', '/assets/dashboard.js'], (req, res, next) => {
    res.set('Cache-Control', 'public, max-age=300');
    res.sendFile(req.path.slice('/assets/'.length), { root: PUBLIC_DIR }, (err) => err && next(err));
  });
  router.use(...pageSecurity());
  router.use(
    session({
      name: `${cookie.name}_dashboard`,
      secret: ctx.options.sessionSecrets,
      // A store of its own: express-session binds its cookie settings to the store it is given (store.generate).
      store: new KnexSessionStore(ctx.db),
      resave: false,
      saveUninitialized: false,
      unset: 'destroy',
      cookie: { httpOnly: true, sameSite: 'lax', secure: cookie.secure, path: new URL(resolved.url).pathname, maxAge: 8 * 3600 * 1000 },
    }),
  );
  router.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 500 }));
  router.use(signInRoutes(ctx, server, resolved, { clientId: client.clientId, clientSecret: client.clientSecret }, page));

  // Every other page: an administrator, still one now, with a fresh short-lived token for this request.
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const admin = req.session.dashboard?.admin;
    if (!admin) {
      const returnTo = req.method === 'GET' ? `?returnTo=${encodeURIComponent(req.path)}` : '';
      return res.redirect(303, `${req.baseUrl}/login${returnTo}`);
    }
    if (!(await isActiveAdministrator(ctx, admin.sub))) {
      req.session.dashboard = {};
      return page.message(res, 403, 'sessionEnded');
    }
    if (req.method === 'POST' && !page.checkCsrf(req)) return page.message(res, 403, 'csrfRefused');
    await ctx.keys.refresh();
    const { token } = await ctx.signer.accessToken({ subject: admin.sub, clientId: client.clientId, audience, scopes: MANAGEMENT_SCOPES, lifetimeSeconds: resolved.tokenLifetimeSeconds });
    res.locals.dashboardCaller = { token, from: req };
    next();
  });
  router.post('/logout', (req, res) => {
    req.session.dashboard = {};
    res.redirect(303, logoutUrl.toString());
  });
  router.use(overviewPage(server, page));
  router.use(applicationsPages(server, page));
  router.use(apisPages(server, page));
  router.use(usersPages(ctx, server, page));
  router.use(logsPages(server, page));
  router.use((_req, res) => void page.message(res, 404, 'notFound'));
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    auth.logger.error({ err }, 'dashboard request failed');
    if (res.headersSent) return;
    page.message(res, 500, 'somethingWrong').catch(() => res.status(500).type('text/plain').send(DASHBOARD_TEXTS.somethingWrong));
  });
  return Object.assign(router, { close: () => server.close() });
}
