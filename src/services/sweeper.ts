/**
 * The sweeper: deletes what has expired (sessions, authorization transactions, codes, refresh token
 * families past their absolute expiry, revoked access tokens' jtis), so that the database stays
 * bounded by traffic over the lifetimes rather than growing forever.
 *
 * Each run deletes at most `batchSize` rows per statement and `maxBatches` statements per table, so a
 * backlog is worked off over several runs without a long lock. With several instances on PostgreSQL
 * one sweeps at a time (an advisory try-lock per batch); the others skip. Deletes are idempotent, so
 * even without the lock nothing live is ever deleted.
 */
import type { Knex } from 'knex';
import { retentionCutoffs } from '../domain/retention.js';
import { withAdvisoryTryLock } from '../store/database.js';
import { ExpiredRowsRepository, type SweptTable } from '../store/expiredRowsRepository.js';

export interface SweepReport {
  /** Rows deleted per table (anonymous sessions count under sessions). */
  deleted: Record<SweptTable, number>;
  /** True when another instance was sweeping and this run stopped early. */
  skipped: boolean;
}

export interface SweeperOptions {
  /** Self-registered clients nobody granted anything are deleted this long after they registered; null keeps them. */
  unusedDynamicClientMs?: number | null;
  batchSize?: number;
  maxBatches?: number;
  onError?: (err: unknown) => void;
}

type Step = (repo: ExpiredRowsRepository, trx: Knex, limit: number) => Promise<number>;

export class Sweeper {
  private readonly repo: ExpiredRowsRepository;
  private readonly batchSize: number;
  private readonly maxBatches: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SweepReport> | null = null;

  constructor(
    private readonly db: Knex,
    private readonly options: SweeperOptions = {},
  ) {
    this.repo = new ExpiredRowsRepository(db);
    this.batchSize = options.batchSize ?? 500;
    this.maxBatches = options.maxBatches ?? 20;
  }

  /** One run now (or joins the run under way). `now` is for tests that look into the future. */
  sweep(now = Date.now()): Promise<SweepReport> {
    this.running ??= this.run(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Sweeps every `intervalMs`; the timer never keeps the process alive. */
  start(intervalMs: number): void {
    if (intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.options.onError?.(err));
    }, intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run under way, so the database can be closed after. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async run(now: number): Promise<SweepReport> {
    const cut = retentionCutoffs(now);
    const steps: [SweptTable, Step][] = [
      ['authorization_transactions', (r, trx, n) => r.deleteExpired('authorization_transactions', cut.transactionsExpiredBefore, n, trx)],
      ['sessions', (r, trx, n) => r.deleteExpired('sessions', cut.sessionsExpiredBefore, n, trx)],
      ['sessions', (r, trx, n) => r.deleteAnonymousSessions(cut.anonymousSessionsWithoutTransactionsAt, n, trx)],
      ['authorization_codes', (r, trx, n) => r.deleteExpired('authorization_codes', cut.codesExpiredBefore, n, trx)],
      ['refresh_tokens', (r, trx, n) => r.deleteExpired('refresh_tokens', cut.refreshTokensExpiredBefore, n, trx)],
      ['revoked_access_tokens', (r, trx, n) => r.deleteExpired('revoked_access_tokens', cut.revokedAccessTokensExpiredBefore, n, trx)],
    ];
    const unusedAfter = this.options.unusedDynamicClientMs;
    if (unusedAfter) steps.push(['clients', (r, trx, n) => r.deleteUnusedDynamicClients(now - unusedAfter, n, trx)]);
    const deleted: Record<SweptTable, number> = {
      sessions: 0,
      authorization_transactions: 0,
      authorization_codes: 0,
      refresh_tokens: 0,
      revoked_access_tokens: 0,
      clients: 0,
    };
    for (const [table, step] of steps) {
      for (let batch = 0; batch < this.maxBatches; batch++) {
        let count = 0;
        const locked = await withAdvisoryTryLock(this.db, 'sweep', async (trx) => {
          count = await step(this.repo, trx, this.batchSize);
        });
        if (!locked) return { deleted, skipped: true };
        deleted[table] += count;
        if (count < this.batchSize) break;
      }
    }
    return { deleted, skipped: false };
  }
}
