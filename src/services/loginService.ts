/** Signing in with a database connection's email and password. */
import type { AuthContext } from '../context.js';
import { DEFAULT_CONNECTION_NAME, normalizeEmail, sessionUserOf, userSubject } from '../domain/users.js';
import type { SessionUser } from '../domain/claims.js';
import type { RequestInfo } from '../domain/logEvents.js';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from './passwords.js';

/** Why a login failed: the login page shows the message, the password grant maps the reason to an OAuth error. */
export type LoginFailure = 'missing_input' | 'wrong_credentials' | 'blocked' | 'too_many_attempts' | 'connection_not_enabled';

export type LoginResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: LoginFailure; message: string; /** With too_many_attempts: when to try again. */ retryAfterSeconds?: number };

export const WRONG_CREDENTIALS = 'Wrong email or password.';

const minutes = (seconds: number) => `${Math.ceil(seconds / 60)} minute${seconds > 60 ? 's' : ''}`;

export class LoginService {
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
    const audit = { clientId, userName: email, connection: connectionName };
    const ip = request.ip ?? '';
    const limits = this.ctx.options.abuseLimits;
    // Counted before the password is hashed (and given back if it was right): a refused attempt costs
    // no hash, and a burst, on one instance or several, cannot pass a count not yet written.
    const reservation = await this.ctx.limiter.reserve([
      { key: { rule: 'login_account_ip', identifier: email, ip, connection: connectionName }, rule: limits.failedLoginsPerAccountAndAddress },
      { key: { rule: 'login_ip', identifier: '', ip, connection: '' }, rule: limits.failedLoginsPerAddress },
    ]);
    if (reservation.blocked) {
      const wait = minutes(reservation.retryAfterSeconds);
      const message =
        reservation.index === 0
          ? `Too many failed attempts: sign-in to this account from this address is blocked; try again in ${wait}.`
          : `Too many failed attempts from this address: sign-in is blocked; try again in ${wait}.`;
      return { ok: false, reason: 'too_many_attempts', message, retryAfterSeconds: reservation.retryAfterSeconds };
    }

    const user = await this.ctx.repos.users.findByEmail(connection.id, email);
    // Verify against a dummy hash for unknown emails, so the response time does not reveal who exists.
    const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !valid) {
      await this.ctx.audit.record(user ? 'fp' : 'fu', { ...audit, userId: user ? userSubject(user) : null, description: WRONG_CREDENTIALS }, request);
      const rule = limits.failedLoginsPerAccountAndAddress;
      if (reservation.counts[0] === rule.limit) {
        await this.ctx.audit.record(
          'limit_wc',
          { ...audit, description: `${rule.limit} failed logins: blocked for ${minutes(rule.windowSeconds)} from ${request.ip ?? 'an unknown address'}.` },
          request,
        );
      }
      return { ok: false, reason: 'wrong_credentials', message: WRONG_CREDENTIALS };
    }
    // The right password ends the account's run of failures (as with Auth0) and is no failure of the address.
    await reservation.reset(0);
    await reservation.refundOne(1);
    if (user.blocked) {
      await this.ctx.audit.record('f', { ...audit, userId: userSubject(user), description: 'user is blocked' }, request);
      return { ok: false, reason: 'blocked', message: 'This user is blocked. Contact the administrator.' };
    }
    const now = Date.now();
    // The password is known only now: an scrypt hash of earlier versions becomes Argon2id.
    if (needsRehash(user.passwordHash)) await this.ctx.repos.users.update({ ...user, passwordHash: await hashPassword(password) });
    await this.ctx.repos.users.recordLogin(user.id, now);
    return { ok: true, user: sessionUserOf(user, now) };
  }
}
