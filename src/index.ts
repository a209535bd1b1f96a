/**
 * The public API: `await createAuthServer(options)` gives an Express router to mount where the issuer
 * says (at "/" or under a prefix), the admin services to register applications, APIs and users from
 * code, and close() to release the database.
 */
import express, { type Router } from 'express';
import { createContext, type AuthContext } from './context.js';
import { createRenderer } from './http/render.js';
import { themeStylesheet } from './http/texts.js';
import { pageSecurity } from './http/security.js';
import { sessionMiddleware } from './http/session.js';
import { requireSecureTransport, trustedProxy } from './http/proxy.js';
import { oauthInputGuard, PAGE_PATHS, pageInputGuard } from './http/inputGuards.js';
import { PUBLIC_DIR } from './http/render.js';
import { authorizeRouter } from './oauth/authorizeRouter.js';
import { consentRouter } from './oauth/consentRouter.js';
import { discoveryRouter, rootWellKnownRouter } from './oauth/discoveryRouter.js';
import { loginRouter } from './oauth/loginRouter.js';
import { upstreamRouter } from './oauth/upstreamRouter.js';
import { UpstreamLoginService } from './services/upstream/upstreamLogin.js';
import { pageErrorHandler } from './oauth/pageErrors.js';
import { tokenRouter } from './oauth/tokenRouter.js';
import { managementRouter } from './management/router.js';
import { logoutRouter } from './oauth/logoutRouter.js';
import { accountRouter } from './account/accountRouter.js';
import { signupRouter } from './oauth/signupRouter.js';
import { passwordResetRouter } from './oauth/passwordResetRouter.js';
import { emailVerificationRouter } from './oauth/emailVerificationRouter.js';
import { dbConnectionsRouter } from './oauth/dbConnectionsRouter.js';
import { createAccountServices, type AccountServices } from './services/accountServices.js';
import { createMailer } from './services/mailer.js';
import { AccountService } from './services/accountService.js';
import { userinfoRouter } from './oauth/userinfoRouter.js';
import { registrationRouter } from './oauth/registrationRouter.js';
import { RegistrationService } from './services/registrationService.js';
import { resolveOptions, type AuthServerOptions } from './options.js';
import { AuthorizeService } from './services/authorization/authorizeService.js';
import { ConsentService } from './services/authorization/consentService.js';
import { TransactionGate } from './services/authorization/transactionGate.js';
import { ClientDirectory } from './services/clientDirectory.js';
import { LoginService } from './services/loginService.js';
import { RegistryService } from './services/registryService.js';
import { TokenService } from './services/tokenService.js';
import { PasswordGrantService } from './services/passwordGrantService.js';
import { grantHandlers } from './services/grantHandlers.js';
import { IntrospectionService } from './services/introspectionService.js';
import { AccessTokenStatus } from './services/tokenStatus.js';
import { UserinfoService } from './services/userinfoService.js';
import { migrateToLatest, openDatabase, watchSqliteInstances, withAdvisoryLock } from './store/database.js';
import { Sweeper, type SweepReport } from './services/sweeper.js';
import { createOperations } from './ops/operations.js';
import { createLogger, knexLog } from './ops/logger.js';
import { describeDatabaseError } from './ops/databaseErrors.js';
import { landingPage, notFoundPage } from './ops/sitePages.js';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { RequestHandler } from 'express';
import type { Operations } from './ops/operations.js';

export type { AuthServerOptions, AuthenticatedUser } from './options.js';
export type { SweepReport } from './services/sweeper.js';
export type { Client } from './domain/clients.js';
export type { ResourceServer } from './domain/resourceServers.js';
export { databaseConfigFromUrl } from './store/database.js';
export { ConfigurationError, StartupError } from './ops/configurationError.js';
export type { NewClient, NewResourceServer, NewUser } from './services/registryService.js';
export type { LogStreamOptions } from './ops/logStreams.js';
export { createDashboard } from './dashboard/router.js';
export type { DashboardOptions } from './dashboard/options.js';
export type { Dashboard } from './dashboard/router.js';
export { Administrators } from './dashboard/administrators.js';

export interface AuthServer {
  router: Router;
  /**
   * RFC 8414's metadata URL for an issuer with a path (/.well-known/oauth-authorization-server/auth)
   * lies outside the router: mount this one at the host app's root. Empty when the issuer has no path.
   */
  wellKnown: Router;
  /** Register applications, APIs and users from code (the demo seed and tests use it). */
  admin: RegistryService;
  /** For advanced use and tests: the database, repositories and keys. */
  context: AuthContext;
  /** Deletes expired rows now (the sweeper also runs every `sweepIntervalMs`); `now` lets tests look ahead. */
  sweep(now?: number): Promise<SweepReport>;
  /** The structured log (pino): the host may log to it too. */
  logger: Logger;
  /** The Prometheus registry behind `{issuer}metrics`, for a host that serves metrics elsewhere. */
  metrics: Registry;
  /** A styled 404 page: mount it after everything else in the host app (the standalone server does). */
  notFound: RequestHandler[];
  /** Marks the server not ready (/readyz answers 503): call it when shutdown begins, before close(). */
  drain(): void;
  /** Stops the sweeper, flushes the audit log and the log streams, and closes the database. */
  close(): Promise<void>;
}

export async function createAuthServer(options: AuthServerOptions): Promise<AuthServer> {
  const resolved = resolveOptions(options);
  const { logger, close: closeLogger } = createLogger(resolved);
  const db = openDatabase({ log: knexLog(logger), ...resolved.database });
  try {
    if (resolved.migrate) await migrateToLatest(db);
    const ctx = createContext(resolved, db);
    const ops = createOperations(resolved, db, logger);
    ctx.audit.subscribe((event) => ops.onAuditEvent(event));
    const admin = new RegistryService(ctx);
    // Instances starting at once take turns: one creates the first signing key, the others find it.
    await withAdvisoryLock(db, 'bootstrap', async () => {
      await ctx.keys.init();
      // Secrets stored before secretEncryptionKey was set are sealed now (a no-op without a key).
      await ctx.repos.clients.sealPlaintextSecrets();
      await admin.ensureDefaultConnection();
      await admin.ensureManagementApi();
    });
    const unusedSeconds = resolved.dynamicClientRegistration?.unusedClientSeconds ?? 0;
    const sweeper = new Sweeper(db, {
      unusedDynamicClientMs: unusedSeconds > 0 ? unusedSeconds * 1000 : null,
      onError: (err) => ops.logger.error({ err }, 'sweep failed'),
    });
    sweeper.start(resolved.sweepIntervalMs);
    const sqliteInstances = await watchSqliteInstances(db, resolved.database, (message) => ops.logger.warn({ event: 'sqlite_several_processes' }, message));
    const mailer = createMailer(resolved.mail, ops.logger);
    const close = async () => {
      ops.readiness.draining = true;
      await sweeper.stop();
      await mailer.close();
      await sqliteInstances?.stop().catch(() => undefined);
      await ctx.audit.flush();
      await ops.close();
      await db.destroy();
      closeLogger();
    };
    const sweep = (now?: number) => sweeper.sweep(now);
    const render = createRenderer(resolved.viewsDirectory, resolved.branding, resolved.texts, resolved.defaultLocale);
    return {
      router: buildRouter(ctx, admin, ops, createAccountServices(ctx, mailer)),
      wellKnown: rootWellKnownRouter(ctx),
      admin,
      context: ctx,
      sweep,
      logger: ops.logger,
      metrics: ops.metrics.registry,
      notFound: notFoundPage(render, resolved.issuerUrl.pathname),
      drain: () => void (ops.readiness.draining = true),
      close,
    };
  } catch (err) {
    await db.destroy();
    closeLogger();
    throw describeDatabaseError(err, resolved.database) ?? err;
  }
}

function buildRouter(ctx: AuthContext, admin: RegistryService, ops: Operations, accounts: AccountServices): Router {
  const log = (err: unknown) => ops.logger.error({ err }, 'request failed');
  const render = createRenderer(ctx.options.viewsDirectory, ctx.options.branding, ctx.options.texts, ctx.options.defaultLocale);
  const theme = themeStylesheet(ctx.options.branding);
  const gate = new TransactionGate(ctx);
  const authorize = new AuthorizeService(ctx, gate, new ClientDirectory(ctx, admin));

  const router = express.Router();
  if (ctx.options.trustProxy) router.use(trustedProxy(ctx.options.trustProxy));
  router.use(ops.observe);
  router.use(ops.router);
  router.use((req, res, next) => {
    res.locals.assetsPath = `${req.baseUrl}/assets`;
    next();
  });
  router.get('/assets/theme.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(theme);
  });
  router.use('/assets', express.static(PUBLIC_DIR, { maxAge: '1h', index: false }));
  router.get('/', ...landingPage(render));
  // A rotation made on another instance is picked up here (within registryCacheMs) before anything is
  // signed or verified: the JWKS, every token and the Management API's own token check use these keys.
  router.use((_req, _res, next) => {
    ctx.keys.refresh().then(() => next(), next);
  });
  router.use(discoveryRouter(ctx));
  router.use(oauthInputGuard());
  const tokens = new TokenService(ctx);
  // One for every sign-in surface: the throttle counts the attempts under way across all of them.
  const login = new LoginService(ctx);
  const tokenStatus = new AccessTokenStatus(ctx);
  const handlers = grantHandlers(tokens, new PasswordGrantService(ctx, login, tokens.refreshTokens));
  router.use(tokenRouter(ctx, tokens, handlers, new IntrospectionService(ctx, tokenStatus), log));
  router.use(userinfoRouter(ctx, new UserinfoService(ctx, tokenStatus)));
  router.use(registrationRouter(ctx, new RegistrationService(ctx, admin)));
  router.use(dbConnectionsRouter(ctx, accounts.signups, accounts.resets));
  router.use('/api/v2', managementRouter(ctx, admin, log, accounts.verification));

  // Pages get the session and page headers; the token and discovery endpoints never touch the cookie.
  const pages = express.Router();
  pages.use(PAGE_PATHS, ...pageSecurity(), requireSecureTransport(ctx.options.cookie.secure), sessionMiddleware(ctx));
  pages.use(pageInputGuard());
  const upstream = new UpstreamLoginService(ctx);
  pages.use(authorizeRouter(ctx, authorize, render));
  pages.use(loginRouter(ctx, authorize, login, render, upstream));
  pages.use(upstreamRouter(ctx, authorize, upstream, render));
  pages.use(signupRouter(ctx, authorize, accounts.signups, render));
  pages.use(passwordResetRouter(ctx, authorize, accounts.resets, render));
  pages.use(emailVerificationRouter(ctx, authorize, accounts.verification, render));
  pages.use(consentRouter(ctx, new ConsentService(ctx, gate), render));
  pages.use(logoutRouter(ctx, render));
  pages.use(accountRouter(ctx, new AccountService(ctx), login, render));
  pages.use(pageErrorHandler(render, log));
  router.use(pages);
  return router;
}
