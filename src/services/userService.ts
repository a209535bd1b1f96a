/** People in database connections: changes after creation, and deletion with what they granted. */
import type { Knex } from 'knex';
import type { AuthContext } from '../context.js';
import { mergeMetadata, normalizeEmail, userSubject, type Metadata, type User } from '../domain/users.js';
import { ConflictError } from './errors.js';
import { hashPassword } from './passwords.js';
import { ValidationError, type NewUser, type RegistryService } from './registryService.js';

export interface UserChanges {
  email?: string;
  emailVerified?: boolean;
  password?: string;
  name?: string | null;
  nickname?: string | null;
  picture?: string | null;
  blocked?: boolean;
  /** Merged into the stored metadata with Auth0's semantics (mergeMetadata). */
  userMetadata?: Metadata;
  appMetadata?: Metadata;
}

/** Auth0's limit on each metadata object, serialized. */
const METADATA_MAX_BYTES = 16 * 1024;

function checkMetadataSize(name: string, metadata: Metadata): void {
  if (Buffer.byteLength(JSON.stringify(metadata)) > METADATA_MAX_BYTES) throw new ValidationError([`${name} must be at most 16 KB.`]);
}

export class UserService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly registry: RegistryService,
  ) {}

  async create(input: NewUser & { nickname?: string; picture?: string; blocked?: boolean; userMetadata?: Metadata; appMetadata?: Metadata }): Promise<User> {
    const connection = input.connection ? await this.ctx.repos.connections.findByName(input.connection) : null;
    if (!connection) throw new ValidationError([`The connection "${input.connection ?? ''}" does not exist.`]);
    if (await this.ctx.repos.users.findByEmail(connection.id, normalizeEmail(input.email))) throw new ConflictError('The user already exists.');
    // Checked before the user exists, so a refused body leaves nothing behind.
    checkMetadataSize('user_metadata', input.userMetadata ?? {});
    checkMetadataSize('app_metadata', input.appMetadata ?? {});
    const created = await this.registry.createUser(input);
    const rest = { nickname: input.nickname, picture: input.picture, blocked: input.blocked, userMetadata: input.userMetadata, appMetadata: input.appMetadata };
    if (Object.values(rest).some((v) => v !== undefined)) return (await this.update(created.id, rest)) ?? created;
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
    if (changes.userMetadata !== undefined) next.userMetadata = mergeMetadata(current.userMetadata ?? {}, changes.userMetadata);
    if (changes.appMetadata !== undefined) next.appMetadata = mergeMetadata(current.appMetadata ?? {}, changes.appMetadata);
    checkMetadataSize('user_metadata', next.userMetadata ?? {});
    checkMetadataSize('app_metadata', next.appMetadata ?? {});
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
