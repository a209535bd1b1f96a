/**
 * Email verification: a single-use link sent at sign-up, on request from the page, and by the
 * Management API's verification-email job; following it sets `email_verified`, which ID tokens and
 * userinfo carry with the `email` scope.
 */
import type { AuthContext } from '../context.js';
import type { RequestInfo } from '../domain/logEvents.js';
import { userSubject, type User } from '../domain/users.js';
import type { Translate } from '../http/texts.js';
import { accountMail } from './accountMails.js';
import { countAccountRequest, countEmailRequest, type Throttled } from './accountLimits.js';
import { AccountTokens } from './accountTokens.js';
import type { Mailer } from './mailer.js';
import { findUserBySubject } from './userService.js';

/** Auth0's verification links last five days. */
export const VERIFICATION_LINK_SECONDS = 5 * 24 * 3600;

export type VerificationResult = { ok: true; email: string; txId: string | null } | { ok: false };

export class EmailVerificationService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly tokens: AccountTokens,
    private readonly mailer: Mailer,
  ) {}

  /** Issues a link and sends it; the send is not awaited, so the response time says nothing of it. */
  async send(user: User, t: Translate, txId: string | null, request: RequestInfo, clientId: string | null = null): Promise<void> {
    const token = await this.tokens.issue('verify_email', user.id, txId, VERIFICATION_LINK_SECONDS);
    const link = `${this.ctx.options.issuer}u/email-verification?token=${token}`;
    this.mailer.dispatch(accountMail('verify', t, user.email, link, { company: this.ctx.options.companyName, lifetimeSeconds: VERIFICATION_LINK_SECONDS }));
    await this.ctx.audit.record('svr', { clientId, userId: userSubject(user), userName: user.email, description: 'verification email sent' }, request);
  }

  /** From the page: the same answer whether or not the address has an account to verify. */
  async requestByEmail(emailInput: unknown, connectionName: string, t: Translate, request: RequestInfo, txId: string | null): Promise<{ ok: true } | Throttled | { ok: false; reason: 'invalid_email' }> {
    const asked = await countEmailRequest(this.ctx, 'verify', emailInput, request);
    if ('ok' in asked) return asked;
    const { email } = asked;
    const connection = await this.ctx.repos.connections.findByName(connectionName);
    const user = connection ? await this.ctx.repos.users.findByEmail(connection.id, email) : null;
    if (user && !user.emailVerified && !user.blocked) await this.send(user, t, txId, request);
    else await this.ctx.audit.record('fvr', { userName: email, connection: connectionName, description: user ? 'nothing to verify' : 'user does not exist' }, request);
    return { ok: true };
  }

  /** The Management API's job (POST /api/v2/jobs/verification-email), counted per user. */
  async requestForUser(subject: string, t: Translate, clientId: string | null): Promise<{ ok: true; user: User } | Throttled | { ok: false; reason: 'not_found' | 'already_verified' }> {
    const user = await findUserBySubject(this.ctx, subject);
    if (!user) return { ok: false, reason: 'not_found' };
    if (user.emailVerified) return { ok: false, reason: 'already_verified' };
    const throttled = await countAccountRequest(this.ctx, [{ rule: 'verify_email', limit: this.ctx.options.abuseLimits.verificationEmailsPerEmail, identifier: user.email }]);
    if (throttled) return throttled;
    await this.send(user, t, null, { ip: null, userAgent: null }, clientId);
    return { ok: true, user };
  }

  /** Following the link: idempotent for the person (a second click says the link is used), single-use for the token. */
  async verify(tokenInput: unknown, request: RequestInfo): Promise<VerificationResult> {
    const token = await this.tokens.find('verify_email', tokenInput);
    const user = token ? await this.ctx.repos.users.findById(token.userId) : null;
    if (!token || !user || !(await this.tokens.repo.consume('verify_email', token.tokenHash, Date.now()))) {
      await this.ctx.audit.record('fv', { description: 'the verification link is unknown, used or expired' }, request);
      return { ok: false };
    }
    await this.ctx.repos.users.update({ ...user, emailVerified: true, updatedAt: Date.now() });
    await this.ctx.audit.record('sv', { userId: userSubject(user), userName: user.email }, request);
    return { ok: true, email: user.email, txId: token.txId };
  }
}
