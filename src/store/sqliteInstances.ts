/**
 * Several processes on one SQLite file work (WAL mode), but they do not add throughput: SQLite lets one
 * writer in at a time, and a process that finds the file locked waits in SQLite's busy handler, which
 * sleeps on the thread that runs the event loop, so every request of that process stalls while another
 * process writes. Each server keeps a heartbeat row (pid and host) in `server_instances`; one that finds
 * another live row logs a warning, once per other instance, at start or at a later heartbeat.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Knex } from 'knex';
import { num, type Row } from './rows.js';

export const HEARTBEAT_MS = 10_000;
/** A row not refreshed for three heartbeats belongs to a process that ended without saying so. */
const STALE_AFTER_HEARTBEATS = 3;

export interface OtherInstance {
  pid: number;
  host: string;
  startedAt: number;
}

export class SqliteInstances {
  private readonly id = randomUUID();
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Knex,
    private readonly warn: (others: OtherInstance[]) => void,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {}

  async start(): Promise<void> {
    const now = Date.now();
    await this.db('server_instances').insert({ id: this.id, pid: process.pid, host: hostname(), started_at: now, seen_at: now });
    await this.check();
    this.timer = setInterval(() => void this.check().catch(() => undefined), this.heartbeatMs);
    this.timer.unref();
  }

  /** Refreshes this instance's row and warns about live rows of others not warned about yet. */
  async check(now = Date.now()): Promise<void> {
    await this.db('server_instances').where({ id: this.id }).update({ seen_at: now });
    const cutoff = now - STALE_AFTER_HEARTBEATS * this.heartbeatMs;
    await this.db('server_instances').where('seen_at', '<', cutoff).delete();
    const rows = (await this.db('server_instances').whereNot({ id: this.id }).select('id', 'pid', 'host', 'started_at')) as Row[];
    const fresh = rows.filter((row) => !this.warned.has(String(row.id)));
    if (fresh.length === 0) return;
    for (const row of fresh) this.warned.add(String(row.id));
    this.warn(fresh.map((row) => ({ pid: num(row.pid), host: String(row.host), startedAt: num(row.started_at) })));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.db('server_instances').where({ id: this.id }).delete();
  }
}

export function sqliteInstancesWarning(others: OtherInstance[]): string {
  const list = others.map((o) => `pid ${o.pid} on ${o.host}`).join(', ');
  return `Another server process uses this SQLite file (${list}). SQLite lets one writer in at a time and each process waits for the others on its event loop, so several processes add no throughput and stall each other: run one process per SQLite file, or use PostgreSQL for several instances.`;
}
