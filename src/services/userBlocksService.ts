/**
 * Auth0's user blocks: the account-and-address pairs that failed sign-ins have blocked (the counter
 * `login_account_ip` at its limit), listed by identifier (the email) or by user, and lifted by an
 * administrator. Lifting deletes the counters, so the user's next sign-in is tried at once.
 */
import type { AuthContext } from '../context.js';
import { normalizeEmail, type User } from '../domain/users.js';
import { findUserBySubject } from './userService.js';

export interface UserBlock {
  identifier: string;
  ip: string;
  connection: string;
}

export class UserBlocksService {
  constructor(private readonly ctx: AuthContext) {}

  async list(identifier: string, connection?: string): Promise<UserBlock[]> {
    const limit = this.ctx.options.abuseLimits.failedLoginsPerAccountAndAddress.limit;
    const counters = await this.ctx.repos.rateLimits.atLimit('login_account_ip', normalizeEmail(identifier), limit, Date.now(), connection);
    return counters.map((c) => ({ identifier: c.identifier, ip: c.ip, connection: c.connection }));
  }

  async unblock(identifier: string, connection?: string): Promise<void> {
    await this.ctx.repos.rateLimits.deleteFor('login_account_ip', normalizeEmail(identifier), connection);
  }

  /** The blocks of the user with this public id (`auth0|<id>`), or null when there is no such user. */
  async listForUser(subject: string): Promise<UserBlock[] | null> {
    const user = await findUserBySubject(this.ctx, subject);
    return user ? this.list(user.email, await this.connectionName(user)) : null;
  }

  /** False when there is no user with this public id. */
  async unblockUser(subject: string): Promise<boolean> {
    const user = await findUserBySubject(this.ctx, subject);
    if (!user) return false;
    await this.unblock(user.email, await this.connectionName(user));
    return true;
  }

  private async connectionName(user: User): Promise<string> {
    return (await this.ctx.repos.connections.findById(user.connectionId))?.name ?? '';
  }
}
