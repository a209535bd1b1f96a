/** People in database connections: changes after creation, and deletion with what they granted. */
import type { Knex } from 'knex';
import type { AuthContext } from '../context.js';
import { upstreamUserId } from '../domain/connections.js';
import { mergeMetadata, normalizeEmail, userSubject, type Metadata, type User } from '../domain/users.js';
import { ConflictError } from './errors.js';
import { hashPassword } from './passwords.js';
import { checkPassword, PASSWORD_PROBLEM_MESSAGES } from '../domain/passwordPolicy.js';
import { ValidationError, type NewUser, type RegistryService } from './registryService.js';
import type { CheckpointRequest } from '../store/checkpoint.js';
import type { PageRequest } from '../store/rows.js';
import type { UserFilter, UserSort } from '../store/usersRepository.js';

export { USER_SORT_FIELDS, type UserFilter, type UserSort } from '../store/usersRepository.js';

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

/** The stored id behind a user's public id `auth0|<id>` or `oidc|<connection>|<sub>`; null for any other form. */
export function storedUserId(subject: string): string | null {
  if (subject.startsWith('oidc|')) return upstreamUserId(subject);
  return subject.startsWith('auth0|') ? subject.slice('auth0|'.length) : null;
}

/** The user behind a public id (see storedUserId), or null. */
export async function findUserBySubject(ctx: AuthContext, subject: string): Promise<User | null> {
  const id = storedUserId(subject);
  return id === null ? null : ctx.repos.users.findById(id);
}

export class UserService {
  /** Connection names by id, for presenting users; connections are few and rarely renamed. */
  private readonly connectionNames = new Map<string, string>();

  constructor(
    private readonly ctx: AuthContext,
    private readonly registry: RegistryService,
  ) {}

  findBySubject(subject: string): Promise<User | null> {
    return findUserBySubject(this.ctx, subject);
  }

  search(filter: UserFilter, page: PageRequest, sort?: UserSort): Promise<{ items: User[]; total: number }> {
    return this.ctx.repos.users.search(filter, page, sort);
  }

  /** Checkpoint paging (from, take) in creation order. */
  searchAfter(filter: UserFilter, page: CheckpointRequest): Promise<{ items: User[]; next: string | null }> {
    return this.ctx.repos.users.searchAfter(filter, page);
  }

  /** Every user with this (normalized) email, in any connection. */
  findAllByEmail(email: string): Promise<User[]> {
    return this.ctx.repos.users.findAllByEmail(email);
  }

  /** The id of the connection with this name, or null when there is none. */
  async connectionIdByName(name: string): Promise<string | null> {
    return (await this.ctx.repos.connections.findByName(name))?.id ?? null;
  }

  /** The name of the user's connection ('' when it is gone). */
  async connectionName(connectionId: string): Promise<string> {
    let name = this.connectionNames.get(connectionId);
    if (!name) {
      name = (await this.ctx.repos.connections.findById(connectionId))?.name ?? '';
      this.connectionNames.set(connectionId, name);
    }
    return name;
  }

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
      const problem = checkPassword(changes.password);
      if (problem) throw new ValidationError([PASSWORD_PROBLEM_MESSAGES[problem]]);
      next.passwordHash = await hashPassword(changes.password);
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
