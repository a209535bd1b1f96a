/**
 * A relying party as passport-openidconnect's README sets one up: express-session, passport, the
 * strategy configured by hand (it does no discovery), /login, /cb and a /profile page.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import session from 'express-session';
import passport from 'passport';
import OpenIDConnectStrategy from 'passport-openidconnect';
import type { Client } from '../../../src/index.js';
import type { TestServer } from '../../helpers/testServer.js';
import { listen, type RunningApp } from '../harness.js';

/** What the verify callback received for one sign-in. */
export interface Login {
  sub: string;
  idToken: string;
  accessToken: string;
  refreshToken: string | undefined;
}

export interface RefreshedTokens {
  accessToken: string;
  refreshToken: string | undefined;
}

/** The strategy, plus a refresh through its own OAuth 2.0 client, as passport-oauth2-refresh does. */
class RefreshingStrategy extends OpenIDConnectStrategy.Strategy {
  refresh(refreshToken: string): Promise<RefreshedTokens> {
    return new Promise((resolve, reject) => {
      this._oauth2.getOAuthAccessToken(refreshToken, { grant_type: 'refresh_token' }, (err, accessToken, newRefreshToken) => {
        if (err instanceof Error) reject(err);
        else if (err) reject(new Error(`refresh_token grant: ${err.statusCode} ${String(err.data)}`));
        else if (!accessToken) reject(new Error('refresh_token grant: no access_token'));
        else resolve({ accessToken, refreshToken: newRefreshToken });
      });
    });
  }
}

export interface RelyingParty extends RunningApp {
  client: Client;
  logins: Login[];
  refresh(refreshToken: string): Promise<RefreshedTokens>;
}

/**
 * `register` receives the app's callback URL (known once it listens) and registers the client.
 * `scope` is what the strategy sends after "openid"; passport-openidconnect cannot send `audience`.
 */
export async function startPassportApp(server: TestServer, scope: string[], register: (callbackUrl: string) => Promise<Client>): Promise<RelyingParty> {
  const app = express();
  const authenticator = new passport.Passport();
  const logins: Login[] = [];
  app.use(session({ name: 'rp.sid', secret: 'relying-party-session-secret', resave: false, saveUninitialized: false }));
  app.use(authenticator.initialize());
  app.use(authenticator.session());
  authenticator.serializeUser((user, done) => done(null, user));
  authenticator.deserializeUser((user: Express.User, done) => done(null, user));

  app.get('/login', (req, res, next) => authenticator.authenticate('openidconnect')(req, res, next));
  // A custom callback, so that a refusal by the strategy shows its reason instead of a bare 401.
  app.get('/cb', (req: Request, res: Response, next: NextFunction) => {
    authenticator.authenticate('openidconnect', (err: unknown, user: Express.User | false, info: unknown) => {
      if (err) return next(err);
      if (!user) return res.status(403).json({ refused: info ?? null });
      req.logIn(user, (loginError) => (loginError ? next(loginError) : res.redirect('/profile')));
    })(req, res, next);
  });
  app.get('/profile', (req, res) => {
    res.status(req.user ? 200 : 401).json({ user: req.user ?? null });
  });
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ error: err.name, message: err.message });
  });

  const running = await listen(app);
  const client = await register(`${running.origin}/cb`);
  const strategy = new RefreshingStrategy(
    {
      issuer: server.issuer,
      authorizationURL: `${server.issuer}authorize`,
      tokenURL: `${server.issuer}oauth/token`,
      userInfoURL: `${server.issuer}userinfo`,
      clientID: client.clientId,
      clientSecret: client.clientSecret ?? '',
      callbackURL: `${running.origin}/cb`,
      scope,
      nonce: 'true',
      // The profile then comes from /userinfo with the access token, not from the ID token alone.
      skipUserProfile: false,
    },
    (
      _issuer: string,
      profile: OpenIDConnectStrategy.Profile,
      _context: object,
      idToken: string | object,
      accessToken: string | object,
      refreshToken: string,
      _params: unknown,
      done: OpenIDConnectStrategy.VerifyCallback,
    ) => {
      logins.push({ sub: profile.id, idToken: String(idToken), accessToken: String(accessToken), refreshToken: refreshToken || undefined });
      done(null, { sub: profile.id, name: profile.displayName, email: profile.emails?.[0]?.value });
    },
  );
  authenticator.use('openidconnect', strategy);
  return { ...running, client, logins, refresh: (token) => strategy.refresh(token) };
}
