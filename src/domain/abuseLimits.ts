/**
 * Limits on credential checks and registrations, as data. Each rule counts failures (or, for
 * registration, accepted registrations) per key within a window; the attempt that would go past the
 * limit is refused, and reaching the limit starts a block of one full window. Counters live in the
 * database (src/store/rateLimitsRepository.ts), so every instance on one database shares them.
 */

/** `limit` counted events within `windowSeconds`; reaching it blocks the key for `windowSeconds`. */
export interface LimitRule {
  limit: number;
  windowSeconds: number;
}

/** The stored names of the counters (at most 32 characters: the column's size). */
export type CounterRule =
  | 'login_account_ip'
  | 'login_ip'
  | 'client_auth_client_ip'
  | 'client_auth_ip'
  | 'registration_ip'
  | 'signup_ip'
  | 'reset_ip'
  | 'reset_email'
  | 'verify_ip'
  | 'verify_email';

/** One counter: a rule and what it counts for. Empty strings where a part does not apply. */
export interface CounterKey {
  rule: CounterRule;
  identifier: string;
  ip: string;
  connection: string;
}

export interface AbuseLimits {
  /** Auth0's brute-force protection: failed sign-ins for one account from one address. */
  failedLoginsPerAccountAndAddress: LimitRule;
  /** Against password spraying: failed sign-ins from one address, whatever the account. */
  failedLoginsPerAddress: LimitRule;
  /** Wrong client secrets at the token endpoint for one client from one address. */
  failedClientAuthenticationsPerClientAndAddress: LimitRule;
  /** Wrong client secrets (and unknown client_ids) at the token endpoint from one address. */
  failedClientAuthenticationsPerAddress: LimitRule;
  /** Sign-ups (page and /dbconnections/signup) from one address, accepted or not: each may send an email. */
  signupsPerAddress: LimitRule;
  /** Password reset emails asked for from one address, and for one email address. */
  passwordResetsPerAddress: LimitRule;
  passwordResetsPerEmail: LimitRule;
  /** Verification emails asked for from one address, and for one user. */
  verificationEmailsPerAddress: LimitRule;
  verificationEmailsPerEmail: LimitRule;
}

const FIFTEEN_MINUTES = 15 * 60;
const ONE_HOUR = 60 * 60;

export const DEFAULT_ABUSE_LIMITS: AbuseLimits = {
  failedLoginsPerAccountAndAddress: { limit: 10, windowSeconds: FIFTEEN_MINUTES },
  failedLoginsPerAddress: { limit: 20, windowSeconds: FIFTEEN_MINUTES },
  failedClientAuthenticationsPerClientAndAddress: { limit: 10, windowSeconds: FIFTEEN_MINUTES },
  failedClientAuthenticationsPerAddress: { limit: 20, windowSeconds: FIFTEEN_MINUTES },
  signupsPerAddress: { limit: 10, windowSeconds: ONE_HOUR },
  passwordResetsPerAddress: { limit: 10, windowSeconds: ONE_HOUR },
  passwordResetsPerEmail: { limit: 3, windowSeconds: ONE_HOUR },
  verificationEmailsPerAddress: { limit: 10, windowSeconds: ONE_HOUR },
  verificationEmailsPerEmail: { limit: 3, windowSeconds: ONE_HOUR },
};

/** Fills defaults and refuses values that would switch a protection off. */
export function resolveAbuseLimits(given: Partial<Record<keyof AbuseLimits, Partial<LimitRule>>> = {}): AbuseLimits {
  const out = { ...DEFAULT_ABUSE_LIMITS };
  for (const name of Object.keys(DEFAULT_ABUSE_LIMITS) as (keyof AbuseLimits)[]) {
    out[name] = checkRule({ ...DEFAULT_ABUSE_LIMITS[name], ...given[name] }, `abuseLimits.${name}`);
  }
  return out;
}

export function checkRule(rule: LimitRule, name: string): LimitRule {
  if (!Number.isInteger(rule.limit) || rule.limit < 1) throw new TypeError(`${name}.limit must be a whole number, 1 or more`);
  if (!Number.isFinite(rule.windowSeconds) || rule.windowSeconds <= 0) throw new TypeError(`${name}.windowSeconds must be a number of seconds above 0`);
  return rule;
}

/** The Retry-After value for a counter that resets at `resetAt` (epoch ms): whole seconds, at least 1. */
export function retryAfterSeconds(resetAt: number, now: number): number {
  return Math.max(1, Math.ceil((resetAt - now) / 1000));
}

/** Bounds a key's parts to their columns, so no input can make a counter write fail. */
export function boundKey(key: CounterKey): CounterKey {
  return {
    rule: key.rule,
    identifier: key.identifier.replace(/\0/g, '\uFFFD').slice(0, 320),
    ip: key.ip.slice(0, 64),
    connection: key.connection.replace(/\0/g, '\uFFFD').slice(0, 128),
  };
}
