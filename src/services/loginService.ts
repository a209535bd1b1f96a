/** Signing in with a database connection's email and password. */
import type { AuthContext } from '../context.js';
import { DEFAULT_CONNECTION_NAME, normalizeEmail, userSubject } from '../domain/users.js';
import type { SessionUser } from './authorizeService.js';
import type { RequestInfo } from '../domain/logEvents.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

/** Why a login failed: the login page shows the message, the password grant maps the reason to an OAuth error. */
export type LoginFailure = 'missing_input' | 'wrong_credentials' | 'blocked' | 'too_many_attempts' | 'connection_not_enabled';

export type LoginResult = { ok: true; user: SessionUser } | { ok: false; reason: LoginFailure; message: string };

export const WRONG_CREDENTIALS = 'Wrong email or password.';

/** Checklist S26 (Auth0's brute-force protection): this many failures for one email from one IP block it. */
export const MAX_FAILED_LOGINS = 10;
export const FAILED_LOGIN_WINDOW_MS = 15 * 60 * 1000;

export class LoginService {
  /**
   * The last sign-in under way for each email and address: the next one waits for it. Sent at once,
   * a burst would otherwise pass the failure count together before any failure is logged.
   */
  private readonly attempts = new Map<string, Promise<unknown>>();

  constructor(private readonly ctx: AuthContext) {}

  /** `clientId` null: signing in to the account pages, not for an application. */
  async login(
    clientId: string | null,
    emailInput: unknown,
    password: unknown,
    connectionName = DEFAULT_CONNECTION_NAME,
    request: RequestInfo = { ip: null, userAgent: null },
  ): Promise<LoginResult> {
    if (typeof emailInput !== 'string' || typeof password !== 'string' || emailInput.trim() === '' || password === '') {
      return { ok: false, reason: 'missing_input', message: 'Enter your email and your password.' };
    }
    if (emailInput.length > 320 || password.length > 1024) return { ok: false, reason: 'wrong_credentials', message: WRONG_CREDENTIALS };
    const connection = await this.ctx.repos.connections.findByName(connectionName);
    if (!connection || (clientId !== null && !(await this.ctx.repos.connections.isClientEnabled(connection.id, clientId)))) {
      return { ok: false, reason: 'connection_not_enabled', message: 'This application is not allowed to sign users in with this connection.' };
    }
    const email = normalizeEmail(emailInput);
    return this.oneAtATime(`${email}\u0000${request.ip ?? ''}`, () => this.attempt(clientId, email, password, connection.id, connectionName, request));
  }

  private async attempt(clientId: string | null, email: string, password: string, connectionId: string, connectionName: string, request: RequestInfo): Promise<LoginResult> {
    const audit = { clientId, userName: email, connection: connectionName };
    // Checked before the password, so a blocked address learns nothing from further guesses.
    await this.ctx.audit.flush();
    const recentFailures = await this.ctx.repos.logs.countSince({ user_name: email, ip: request.ip ?? '' }, ['fp', 'fu'], Date.now() - FAILED_LOGIN_WINDOW_MS);
    if (recentFailures >= MAX_FAILED_LOGINS) {
      return { ok: false, reason: 'too_many_attempts', message: 'Too many failed attempts: sign-in from this address is blocked for 15 minutes.' };
    }
    const user = await this.ctx.repos.users.findByEmail(connectionId, email);
    // Verify against a dummy hash for unknown emails, so the response time does not reveal who exists.
    const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash(this.ctx.options.passwordHashCost)));
    if (!user || !valid) {
      await this.ctx.audit.record(user ? 'fp' : 'fu', { ...audit, userId: user ? userSubject(user) : null, description: WRONG_CREDENTIALS }, request);
      if (recentFailures + 1 === MAX_FAILED_LOGINS) {
        await this.ctx.audit.record('limit_wc', { ...audit, description: `${MAX_FAILED_LOGINS} failed logins: blocked for 15 minutes from ${request.ip ?? 'an unknown address'}.` }, request);
      }
      return { ok: false, reason: 'wrong_credentials', message: WRONG_CREDENTIALS };
    }
    if (user.blocked) {
      await this.ctx.audit.record('f', { ...audit, userId: userSubject(user), description: 'user is blocked' }, request);
      return { ok: false, reason: 'blocked', message: 'This user is blocked. Contact the administrator.' };
    }
    const now = Date.now();
    await this.ctx.repos.users.recordLogin(user.id, now);
    return {
      ok: true,
      user: {
        sub: userSubject(user),
        authTime: Math.floor(now / 1000),
        claims: {
          email: user.email,
          email_verified: user.emailVerified,
          name: user.name,
          nickname: user.nickname,
          picture: user.picture,
          updated_at: Math.floor(user.updatedAt / 1000),
        },
      },
    };
  }

  /** Runs task after the previous one for this key has settled (a per-key queue). */
  private oneAtATime<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.attempts.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.attempts.set(key, settled);
    void settled.then(() => {
      if (this.attempts.get(key) === settled) this.attempts.delete(key);
    });
    return run;
  }
}
