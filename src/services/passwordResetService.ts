/**
 * Password reset by email: a request sends a single-use link (the same answer whether or not the
 * address has an account), the link's page sets a new password under the one policy, and the change
 * ends the user's sessions and refresh tokens everywhere. Logged with Auth0's codes: scpr/fcpr for
 * requests, scp/fcp for changes.
 */
import type { AuthContext } from '../context.js';
import type { RequestInfo } from '../domain/logEvents.js';
import { checkPassword, type PasswordProblem } from '../domain/passwordPolicy.js';
import { userSubject, type User } from '../domain/users.js';
import type { Translate } from '../http/texts.js';
import { accountMail } from './accountMails.js';
import { countEmailRequest, type Throttled } from './accountLimits.js';
import { AccountTokens } from './accountTokens.js';
import type { Mailer } from './mailer.js';
import { hashPassword } from './passwords.js';

/** Long enough to find the email, short enough that an old inbox is worth little. */
export const RESET_LINK_SECONDS = 60 * 60;

export type ResetRequestResult = { ok: true } | Throttled | { ok: false; reason: 'invalid_email' | 'connection_not_found' };
export type ResetResult = { ok: true; txId: string | null; subject: string } | { ok: false; reason: 'invalid_link' } | { ok: false; reason: 'password'; problem: PasswordProblem };

export class PasswordResetService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly tokens: AccountTokens,
    private readonly mailer: Mailer,
  ) {}

  async request(emailInput: unknown, connectionName: string, clientId: string | null, t: Translate, request: RequestInfo, txId: string | null): Promise<ResetRequestResult> {
    const asked = await countEmailRequest(this.ctx, 'reset', emailInput, request);
    if ('ok' in asked) return asked;
    const { email } = asked;
    const connection = await this.ctx.repos.connections.findByName(connectionName);
    if (!connection || connection.strategy !== 'auth0') return { ok: false, reason: 'connection_not_found' };
    const user = await this.ctx.repos.users.findByEmail(connection.id, email);
    const audit = { clientId, userName: email, connection: connectionName };
    if (!user || user.blocked) {
      await this.ctx.audit.record('fcpr', { ...audit, description: user ? 'user is blocked' : 'user does not exist' }, request);
      return { ok: true };
    }
    await this.sendLink(user, 'reset', t, txId);
    await this.ctx.audit.record('scpr', { ...audit, userId: userSubject(user) }, request);
    return { ok: true };
  }

  /** Also sent when someone signs up with an address that has an account: its owner may have forgotten. */
  async sendLink(user: User, kind: 'reset' | 'existing', t: Translate, txId: string | null): Promise<void> {
    const token = await this.tokens.issue('reset_password', user.id, txId, RESET_LINK_SECONDS);
    const link = `${this.ctx.options.issuer}u/reset-password/confirm?token=${token}`;
    this.mailer.dispatch(accountMail(kind, t, user.email, link, { company: this.ctx.options.companyName, lifetimeSeconds: RESET_LINK_SECONDS }));
  }

  /** The email the link is for, to show on its page; null when the link cannot be used. */
  async linkEmail(tokenInput: unknown): Promise<string | null> {
    const token = await this.tokens.find('reset_password', tokenInput);
    return token ? ((await this.ctx.repos.users.findById(token.userId))?.email ?? null) : null;
  }

  async reset(tokenInput: unknown, passwordInput: unknown, request: RequestInfo): Promise<ResetResult> {
    const token = await this.tokens.find('reset_password', tokenInput);
    const user = token ? await this.ctx.repos.users.findById(token.userId) : null;
    if (!token || !user || user.blocked) {
      await this.ctx.audit.record('fcp', { description: 'the reset link is unknown, used or expired' }, request);
      return { ok: false, reason: 'invalid_link' };
    }
    const audit = { userId: userSubject(user), userName: user.email };
    const password = typeof passwordInput === 'string' ? passwordInput : '';
    const problem = checkPassword(password);
    if (problem) {
      // The link stays usable: a refused password is a second try, not a second email.
      await this.ctx.audit.record('fcp', { ...audit, description: `password refused: ${problem}` }, request);
      return { ok: false, reason: 'password', problem };
    }
    const passwordHash = await hashPassword(password);
    const now = Date.now();
    const changed = await this.ctx.db.transaction(async (trx) => {
      if (!(await this.tokens.repo.consume('reset_password', token.tokenHash, now, trx))) return false;
      // Receiving the link proved the address, as Auth0 counts it.
      await this.ctx.repos.users.update({ ...user, passwordHash, emailVerified: true, updatedAt: now }, trx);
      await this.tokens.repo.endForUser(user.id, 'reset_password', now, trx);
      // Whoever knew the old password, or holds a session or a refresh token, is out.
      await this.ctx.sessionStore.destroyForUser(userSubject(user), trx);
      await this.ctx.repos.refreshTokens.revokeForUser(userSubject(user), now, trx);
      return true;
    });
    if (!changed) {
      await this.ctx.audit.record('fcp', { ...audit, description: 'the reset link was used at the same time' }, request);
      return { ok: false, reason: 'invalid_link' };
    }
    await this.ctx.audit.record('scp', audit, request);
    return { ok: true, txId: token.txId, subject: userSubject(user) };
  }
}
