/**
 * Clients, APIs and client grants are read on every authorization and token request and change
 * rarely, so each instance keeps the ones it has read in memory.
 *
 * Consistency: a change made through this instance's repositories clears the cache at once (and
 * again when its transaction settles). A change made anywhere else (another instance, plain SQL)
 * bumps `registry_version` through triggers; the cache reads that counter at most once every
 * `checkIntervalMs` and forgets everything when it moved. So other instances see a change within
 * that interval; 0 checks the counter before every read.
 */
import type { Knex } from 'knex';

/** Beyond this many entries the cache starts over: unknown ids are never cached, so this bounds memory. */
const MAX_ENTRIES = 10_000;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export class RegistryCache {
  private readonly entries = new Map<string, unknown>();
  /** Bumped by every invalidation: a read that began before one must not fill the cache. */
  private generation = 0;
  private version: number | null = null;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private check: Promise<void> | null = null;

  constructor(
    private readonly db: Knex,
    private readonly checkIntervalMs: number,
  ) {}

  /**
   * The cached value for key, or what load returns (cached unless null). Values are frozen: every
   * caller shares them.
   */
  async get<T extends object>(key: string, load: () => Promise<T | null>): Promise<T | null> {
    await this.ensureFresh();
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit as T;
    const generation = this.generation;
    const value = await load();
    if (value === null || generation !== this.generation) return value;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, deepFreeze(value));
    return value;
  }

  /**
   * Like get, but an absence is cached too, for lookups whose key parts are already known to exist (a
   * registered client and API), so that their number stays bounded: the client grants a user flow reads
   * on every /authorize are most often absent.
   */
  async getOrAbsent<T extends object>(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const box = await this.get(key, async () => ({ value: await load() }));
    return box?.value ?? null;
  }

  invalidate(): void {
    this.entries.clear();
    this.generation += 1;
  }

  /**
   * After a write: forget now, and, if the write is part of a transaction, again once it commits or
   * rolls back (a read between the two may have seen the old row).
   */
  written(trx?: Knex): void {
    this.invalidate();
    const settled = (trx as Partial<Knex.Transaction> | undefined)?.executionPromise;
    if (settled) settled.then(() => this.invalidate(), () => this.invalidate());
  }

  private async ensureFresh(): Promise<void> {
    if (this.checkIntervalMs === 0) return this.readVersion();
    if (Date.now() - this.checkedAt < this.checkIntervalMs) return;
    // Concurrent requests share one check.
    this.check ??= this.readVersion().finally(() => {
      this.check = null;
    });
    await this.check;
  }

  private async readVersion(): Promise<void> {
    const startedAt = Date.now();
    const row = (await this.db('registry_version').where({ id: 1 }).first('version')) as { version?: number | string } | undefined;
    const version = Number(row?.version ?? 0);
    if (version !== this.version) {
      this.invalidate();
      this.version = version;
    }
    this.checkedAt = startedAt;
  }
}
