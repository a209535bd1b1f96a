/** People in database connections: changes after creation, and deletion with what they granted. */
import type { Knex } from 'knex';
import type { AuthContext } from '../context.js';
import { normalizeEmail, userSubject, type User } from '../domain/users.js';
import { ConflictError } from './errors.js';
import { hashPassword } from './passwords.js';
import { ValidationError, type NewUser, type RegistryService } from './registryService.js';

export interface UserChanges {
  email?: string;
  emailVerified?: boolean;
  password?: string;
  name?: string;
  nickname?: string;
  picture?: string | null;
  blocked?: boolean;
}

export class UserService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly registry: RegistryService,
  ) {}

  async create(input: NewUser & { nickname?: string; picture?: string; blocked?: boolean }): Promise<User> {
    const connection = input.connection ? await this.ctx.repos.connections.findByName(input.connection) : null;
    if (!connection) throw new ValidationError([`The connection "${input.connection ?? ''}" does not exist.`]);
    if (await this.ctx.repos.users.findByEmail(connection.id, normalizeEmail(input.email))) throw new ConflictError('The user already exists.');
    const created = await this.registry.createUser(input);
    if (input.nickname !== undefined || input.picture !== undefined || input.blocked !== undefined) {
      return (await this.update(created.id, { nickname: input.nickname, picture: input.picture, blocked: input.blocked })) ?? created;
    }
    return created;
  }

  async update(id: string, changes: UserChanges): Promise<User | null> {
    const current = await this.ctx.repos.users.findById(id);
    if (!current) return null;
    const next: User = { ...current, updatedAt: Date.now() };
    if (changes.email !== undefined) {
      const email = normalizeEmail(changes.email);
      if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new ValidationError(['The email address is not valid.']);
      const holder = await this.ctx.repos.users.findByEmail(current.connectionId, email);
      if (holder && holder.id !== id) throw new ConflictError('The specified new email already exists.');
      next.email = email;
    }
    if (changes.password !== undefined) {
      if (changes.password.length < 8) throw new ValidationError(['The password must have at least 8 characters.']);
      next.passwordHash = await hashPassword(changes.password, this.ctx.options.passwordHashCost);
    }
    if (changes.emailVerified !== undefined) next.emailVerified = changes.emailVerified;
    if (changes.name !== undefined) next.name = changes.name;
    if (changes.nickname !== undefined) next.nickname = changes.nickname;
    if (changes.picture !== undefined) next.picture = changes.picture;
    if (changes.blocked !== undefined) next.blocked = changes.blocked;
    await this.ctx.db.transaction(async (trx) => {
      await this.ctx.repos.users.update(next, trx);
      if (next.blocked && !current.blocked) await this.endAccess(userSubject(next), trx);
    });
    return next;
  }

  /**
   * A blocked or deleted user gets nothing more: their sessions end on every instance, their refresh
   * tokens stop, and no authorization in flight can be issued. Access tokens stop at our own
   * endpoints and in introspection, which check the user (src/services/tokenStatus.ts).
   */
  private async endAccess(sub: string, trx: Knex): Promise<void> {
    const now = Date.now();
    await this.ctx.sessionStore.destroyForUser(sub, trx);
    await this.ctx.repos.refreshTokens.revokeForUser(sub, now, trx);
    await this.ctx.repos.transactions.endForUser(sub, now, trx);
  }

  /** The user, their grants and their refresh tokens, all or nothing. */
  async delete(id: string): Promise<boolean> {
    const user = await this.ctx.repos.users.findById(id);
    if (!user) return false;
    await this.ctx.db.transaction(async (trx) => {
      await this.endAccess(userSubject(user), trx);
      await this.ctx.repos.grants.deleteForUser(userSubject(user), trx);
      await this.ctx.repos.refreshTokens.deleteForUser(userSubject(user), trx);
      await this.ctx.repos.users.delete(id, trx);
    });
    return true;
  }
}
