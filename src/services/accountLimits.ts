/**
 * The abuse limits of the account emails (sign-up, reset, verification): every request counts, since
 * each may send an email, and none is given back.
 */
import type { AuthContext } from '../context.js';
import type { CounterRule, LimitRule } from '../domain/abuseLimits.js';
import type { RequestInfo } from '../domain/logEvents.js';

/** Refused: the response says 429 with Retry-After. */
export interface Throttled {
  ok: false;
  reason: 'too_many_requests';
  retryAfterSeconds: number;
}

export async function countAccountRequest(
  ctx: AuthContext,
  checks: { rule: CounterRule; limit: LimitRule; identifier?: string; ip?: string }[],
): Promise<Throttled | null> {
  const reservation = await ctx.limiter.reserve(
    checks.map((c) => ({ key: { rule: c.rule, identifier: c.identifier ?? '', ip: c.ip ?? '', connection: '' }, rule: c.limit })),
  );
  return reservation.blocked ? { ok: false, reason: 'too_many_requests', retryAfterSeconds: reservation.retryAfterSeconds } : null;
}

/** A syntactically plausible email address, normalized; null for anything else. */
export function readEmail(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 320) return null;
  const email = value.trim().toLowerCase();
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

const EMAIL_REQUESTS = {
  reset: { ip: 'reset_ip', email: 'reset_email', perAddress: 'passwordResetsPerAddress', perEmail: 'passwordResetsPerEmail' },
  verify: { ip: 'verify_ip', email: 'verify_email', perAddress: 'verificationEmailsPerAddress', perEmail: 'verificationEmailsPerEmail' },
} as const;

/** A "send me an email" request (reset, verification): the address read, then counted per sender and per address. */
export async function countEmailRequest(
  ctx: AuthContext,
  kind: keyof typeof EMAIL_REQUESTS,
  emailInput: unknown,
  request: RequestInfo,
): Promise<{ email: string } | Throttled | { ok: false; reason: 'invalid_email' }> {
  const email = readEmail(emailInput);
  if (!email) return { ok: false, reason: 'invalid_email' };
  const names = EMAIL_REQUESTS[kind];
  const limits = ctx.options.abuseLimits;
  const throttled = await countAccountRequest(ctx, [
    { rule: names.ip, limit: limits[names.perAddress], ip: request.ip ?? '' },
    { rule: names.email, limit: limits[names.perEmail], identifier: email },
  ]);
  return throttled ?? { email };
}
