/** The browser session (express-session in our database) and who is signed in. */
import type { Request, RequestHandler } from 'express';
import session from 'express-session';
import type { AuthContext } from '../context.js';
import type { SessionUser } from '../domain/claims.js';

declare module 'express-session' {
  interface SessionData {
    user?: SessionUser;
    /** Set when an authorization begins, so the session is saved and can bind its transactions. */
    startedAt?: number;
  }
}

export function sessionMiddleware(ctx: AuthContext): RequestHandler {
  const { cookie } = ctx.options;
  return session({
    name: cookie.name,
    secret: ctx.options.sessionSecrets,
    store: ctx.sessionStore,
    resave: false,
    saveUninitialized: false,
    unset: 'destroy',
    cookie: {
      httpOnly: true,
      sameSite: cookie.sameSite,
      secure: cookie.secure,
      path: cookie.path,
      domain: cookie.domain,
      maxAge: cookie.maxAgeSeconds * 1000,
    },
  });
}

/** The signed-in user: from the host's authenticate hook when there is one, else from our session. */
export async function currentUser(ctx: AuthContext, req: Request): Promise<SessionUser | null> {
  const hook = ctx.options.authenticate;
  if (hook) {
    const user = await hook(req);
    if (user) return { sub: user.sub, authTime: user.authTime ?? Math.floor(Date.now() / 1000), claims: { ...user.claims } };
  }
  return req.session.user ?? null;
}

export function regenerateSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err: unknown) => (err ? reject(err) : resolve())));
}

export function saveSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err: unknown) => (err ? reject(err) : resolve())));
}
