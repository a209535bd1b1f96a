/** Signing in with a database connection's email and password. */
import type { AuthContext } from '../context.js';
import { DEFAULT_CONNECTION_NAME, normalizeEmail, userSubject } from '../domain/users.js';
import type { SessionUser } from './authorizeService.js';
import { dummyPasswordHash, verifyPassword } from './passwords.js';

/** Why a login failed: the login page shows the message, the password grant maps the reason to an OAuth error. */
export type LoginFailure = 'missing_input' | 'wrong_credentials' | 'blocked' | 'connection_not_enabled';

export type LoginResult = { ok: true; user: SessionUser } | { ok: false; reason: LoginFailure; message: string };

export const WRONG_CREDENTIALS = 'Wrong email or password.';

export class LoginService {
  constructor(private readonly ctx: AuthContext) {}

  /** `clientId` null: signing in to the account pages, not for an application. */
  async login(clientId: string | null, emailInput: unknown, password: unknown, connectionName = DEFAULT_CONNECTION_NAME): Promise<LoginResult> {
    if (typeof emailInput !== 'string' || typeof password !== 'string' || emailInput.trim() === '' || password === '') {
      return { ok: false, reason: 'missing_input', message: 'Enter your email and your password.' };
    }
    if (emailInput.length > 320 || password.length > 1024) return { ok: false, reason: 'wrong_credentials', message: WRONG_CREDENTIALS };
    const connection = await this.ctx.repos.connections.findByName(connectionName);
    if (!connection || (clientId !== null && !(await this.ctx.repos.connections.isClientEnabled(connection.id, clientId)))) {
      return { ok: false, reason: 'connection_not_enabled', message: 'This application is not allowed to sign users in with this connection.' };
    }
    const user = await this.ctx.repos.users.findByEmail(connection.id, normalizeEmail(emailInput));
    // Verify against a dummy hash for unknown emails, so the response time does not reveal who exists.
    const valid = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash(this.ctx.options.passwordHashCost)));
    if (!user || !valid) return { ok: false, reason: 'wrong_credentials', message: WRONG_CREDENTIALS };
    if (user.blocked) return { ok: false, reason: 'blocked', message: 'This user is blocked. Contact the administrator.' };
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
}
