/**
 * The single-use links of the account emails: 32 random bytes in the link, their SHA-256 in the
 * database. Shared by the password reset and the email verification.
 */
import type { AuthContext } from '../context.js';
import { randomToken, sha256Hex } from './ids.js';
import { AccountTokensRepository, type AccountToken, type AccountTokenPurpose } from '../store/accountTokensRepository.js';

/** A token as it arrives in a link or a form: anything else is no token (and matches no row). */
export function readAccountToken(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

export class AccountTokens {
  readonly repo: AccountTokensRepository;

  constructor(ctx: AuthContext) {
    this.repo = new AccountTokensRepository(ctx.db);
  }

  /** A new link for the user; earlier unused ones of the same purpose stop working (only the newest email counts). */
  async issue(purpose: AccountTokenPurpose, userId: string, txId: string | null, lifetimeSeconds: number): Promise<string> {
    const now = Date.now();
    const token = randomToken(32);
    await this.repo.deleteExpired(now);
    await this.repo.endForUser(userId, purpose, now);
    await this.repo.insert({ tokenHash: sha256Hex(token), purpose, userId, txId, createdAt: now, expiresAt: now + lifetimeSeconds * 1000 });
    return token;
  }

  find(purpose: AccountTokenPurpose, token: unknown): Promise<AccountToken | null> {
    const value = readAccountToken(token);
    return value ? this.repo.findUsable(purpose, sha256Hex(value), Date.now()) : Promise.resolve(null);
  }
}
