/**
 * How long expired rows are kept before the sweeper deletes them. Each rule names the moment after
 * which a row can no longer matter to anyone.
 */

/** A used code is kept this long past its expiry, so that a late replay still revokes what it issued (RFC 6749 §4.1.2). */
export const CODE_REPLAY_RETENTION_MS = 60 * 60 * 1000;

export interface RetentionCutoffs {
  /** Sessions whose cookie has expired. */
  sessionsExpiredBefore: number;
  /**
   * Sessions nobody signed in to, once no authorization transaction of theirs is alive: a cookieless
   * /authorize creates one, and it serves nothing after its transaction.
   */
  anonymousSessionsWithoutTransactionsAt: number;
  transactionsExpiredBefore: number;
  codesExpiredBefore: number;
  /**
   * Refresh tokens share their family's absolute expiry, so a rotated token is kept (for reuse
   * detection) exactly as long as its family could be used.
   */
  refreshTokensExpiredBefore: number;
  revokedAccessTokensExpiredBefore: number;
}

export function retentionCutoffs(now: number): RetentionCutoffs {
  return {
    sessionsExpiredBefore: now,
    anonymousSessionsWithoutTransactionsAt: now,
    transactionsExpiredBefore: now,
    codesExpiredBefore: now - CODE_REPLAY_RETENTION_MS,
    refreshTokensExpiredBefore: now,
    revokedAccessTokensExpiredBefore: now,
  };
}
