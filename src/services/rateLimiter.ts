/**
 * Reserving attempts against the abuse limits before the work they guard (a password hash, a secret
 * compare, a registration). Reserving counts the attempt at once, in the database, so a burst sent
 * together, to one instance or to several, cannot slip past a count that has not been written yet;
 * the caller gives the reservation back when the attempt turns out not to be a failure.
 */
import { boundKey, retryAfterSeconds, type CounterKey, type LimitRule } from '../domain/abuseLimits.js';
import { counterId, type RateLimitsRepository } from '../store/rateLimitsRepository.js';

export interface LimitCheck {
  key: CounterKey;
  rule: LimitRule;
}

export interface Reservation {
  blocked: false;
  /** The count of each check, this attempt included, in the order given. */
  counts: number[];
  /** The attempt was not a failure: give every count back. */
  refund(): Promise<void>;
  /** Sets the counter of `checks[index]` to zero (a successful sign-in clears its account's count). */
  reset(index: number): Promise<void>;
  /** Gives back the count of `checks[index]` only. */
  refundOne(index: number): Promise<void>;
}

export interface Refusal {
  blocked: true;
  /** The check that refused. */
  index: number;
  retryAfterSeconds: number;
}

const SWEEP_EVERY_MS = 60_000;

export class RateLimiter {
  private lastSweep = 0;

  constructor(
    private readonly counters: RateLimitsRepository,
    private readonly log: (err: unknown) => void = (err) => console.error('[auth-server] rate limit sweep failed', err),
  ) {}

  /**
   * Counts the attempt against every check, in order. When one is over its limit the attempt is
   * refused and nothing it counted is kept, so a refused attempt neither prolongs a block nor uses
   * up another check's budget.
   */
  async reserve(checks: LimitCheck[], now = Date.now()): Promise<Reservation | Refusal> {
    await this.sweep(now);
    const keys = checks.map((c) => boundKey(c.key));
    const counts: number[] = [];
    for (const [index, check] of checks.entries()) {
      const key = keys[index] as CounterKey;
      const state = await this.counters.hit(key, check.rule.limit, check.rule.windowSeconds * 1000, now);
      if (state.count > check.rule.limit) {
        for (const counted of keys.slice(0, index + 1)) await this.counters.refund(counted);
        return { blocked: true, index, retryAfterSeconds: Math.min(check.rule.windowSeconds, retryAfterSeconds(state.expiresAt, now)) };
      }
      counts.push(state.count);
    }
    return {
      blocked: false,
      counts,
      refund: async () => {
        for (const key of keys) await this.counters.refund(key);
      },
      reset: (index) => this.counters.reset(keys[index] as CounterKey),
      refundOne: (index) => this.counters.refund(keys[index] as CounterKey),
    };
  }

  /**
   * For checks whose guarded work is cheap (a constant-time compare): one read, no write, so the
   * successful path stays light; failures are then counted with `fail`. A burst may be compared
   * before its failures are counted, never after the count is over the limit.
   */
  async check(checks: LimitCheck[], now = Date.now()): Promise<Refusal | null> {
    await this.sweep(now);
    const keys = checks.map((c) => boundKey(c.key));
    const states = await this.counters.read(keys);
    for (const [index, check] of checks.entries()) {
      const state = states.get(counterId(keys[index] as CounterKey));
      if (state && state.expiresAt > now && state.count >= check.rule.limit) {
        return { blocked: true, index, retryAfterSeconds: Math.min(check.rule.windowSeconds, retryAfterSeconds(state.expiresAt, now)) };
      }
    }
    return null;
  }

  /** Counts a failure against every check. */
  async fail(checks: LimitCheck[], now = Date.now()): Promise<void> {
    for (const check of checks) await this.counters.hit(boundKey(check.key), check.rule.limit, check.rule.windowSeconds * 1000, now);
  }

  /** Ended counters are deleted now and then (at most once a minute per instance, in bounded batches). */
  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    try {
      await this.counters.deleteExpired(now);
    } catch (err) {
      this.log(err);
    }
  }
}
