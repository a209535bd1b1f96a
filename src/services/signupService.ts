/**
 * Signing up to a database connection, from the page and from Auth0's POST /dbconnections/signup.
 * No account enumeration: an address that already has an account gets the same answer, after the
 * same work (one password hash, one email dispatched), and its owner gets an email saying so, with a
 * link to reset the password.
 */
import type { AuthContext } from '../context.js';
import type { RequestInfo } from '../domain/logEvents.js';
import { checkPassword, type PasswordProblem } from '../domain/passwordPolicy.js';
import { DEFAULT_CONNECTION_NAME, userSubject, type Metadata, type User } from '../domain/users.js';
import type { Translate } from '../http/texts.js';
import { countAccountRequest, readEmail, type Throttled } from './accountLimits.js';
import type { EmailVerificationService } from './emailVerificationService.js';
import { randomAlphanumeric } from './ids.js';
import type { PasswordResetService } from './passwordResetService.js';
import { hashPassword } from './passwords.js';

export interface SignupInput {
  clientId: string | null;
  email: unknown;
  password: unknown;
  connection?: string;
  name?: string;
  nickname?: string;
  picture?: string;
  userMetadata?: Metadata;
  /** The authorization the person was in (the page), for the links of the emails. */
  txId?: string | null;
}

export type SignupFailure = 'invalid_email' | 'connection_not_found' | 'connection_not_enabled' | 'signup_disabled';
export type SignupResult =
  | { ok: true; id: string; email: string }
  | Throttled
  | { ok: false; reason: SignupFailure }
  | { ok: false; reason: 'invalid_password'; problem: PasswordProblem };

/** Auth0's `options.disable_signup` of a connection (the connections' options, issue 16's upstream part). */
function signupDisabled(connection: object): boolean {
  const options = (connection as { options?: unknown }).options;
  return typeof options === 'object' && options !== null && (options as { disable_signup?: unknown }).disable_signup === true;
}

const newUserId = (): string => randomAlphanumeric(24).toLowerCase();

export class SignupService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly verification: EmailVerificationService,
    private readonly reset: PasswordResetService,
  ) {}

  /** Whether the page should offer the form: the connection signs this client's users in and takes sign-ups. */
  async signupOpen(clientId: string, connectionName = DEFAULT_CONNECTION_NAME): Promise<boolean> {
    const connection = await this.ctx.repos.connections.findByName(connectionName);
    return !!connection && connection.strategy === 'auth0' && !signupDisabled(connection) && (await this.ctx.repos.connections.isClientEnabled(connection.id, clientId));
  }

  async signUp(input: SignupInput, t: Translate, request: RequestInfo): Promise<SignupResult> {
    const connectionName = input.connection ?? DEFAULT_CONNECTION_NAME;
    const throttled = await countAccountRequest(this.ctx, [{ rule: 'signup_ip', limit: this.ctx.options.abuseLimits.signupsPerAddress, ip: request.ip ?? '' }]);
    if (throttled) return throttled;
    const connection = await this.ctx.repos.connections.findByName(connectionName);
    // Only a database connection has passwords to sign up with.
    if (!connection || connection.strategy !== 'auth0') return { ok: false, reason: 'connection_not_found' };
    const audit = { clientId: input.clientId, connection: connectionName };
    if (input.clientId !== null && !(await this.ctx.repos.connections.isClientEnabled(connection.id, input.clientId))) return { ok: false, reason: 'connection_not_enabled' };
    if (signupDisabled(connection)) {
      await this.ctx.audit.record('fs', { ...audit, description: 'sign-up is disabled for this connection' }, request);
      return { ok: false, reason: 'signup_disabled' };
    }
    const email = readEmail(input.email);
    if (!email) return { ok: false, reason: 'invalid_email' };
    const password = typeof input.password === 'string' ? input.password : '';
    const problem = checkPassword(password);
    if (problem) {
      await this.ctx.audit.record('fs', { ...audit, userName: email, description: `password refused: ${problem}` }, request);
      return { ok: false, reason: 'invalid_password', problem };
    }

    const now = Date.now();
    const user: User = {
      id: newUserId(),
      connectionId: connection.id,
      email,
      emailVerified: false,
      passwordHash: await hashPassword(password),
      name: input.name ?? email,
      nickname: input.nickname ?? email.split('@')[0] ?? null,
      picture: input.picture ?? null,
      blocked: false,
      lastLogin: null,
      loginsCount: 0,
      createdAt: now,
      updatedAt: now,
      userMetadata: input.userMetadata ?? {},
      appMetadata: {},
    };
    const txId = input.txId ?? null;
    if (await this.ctx.repos.users.insertIfAbsent(user)) {
      await this.verification.send(user, t, txId, request, input.clientId);
      await this.ctx.audit.record('ss', { ...audit, userId: userSubject(user), userName: email }, request);
      return { ok: true, id: user.id, email };
    }
    const existing = await this.ctx.repos.users.findByEmail(connection.id, email);
    if (existing && !existing.blocked) await this.reset.sendLink(existing, 'existing', t, txId);
    await this.ctx.audit.record('fs', { ...audit, userName: email, description: 'the user already exists' }, request);
    // A made-up id of the same form: the real one would tell that the address has an account.
    return { ok: true, id: newUserId(), email };
  }
}
