/**
 * Auth0's "log streams" (custom webhook): audit events are also POSTed, in batches, to an HTTP
 * collector (Splunk, Sumo Logic, a SIEM). The database stays the record; a stream is best effort:
 * a bounded queue (the oldest events are dropped when a collector is down for long), one batch in
 * flight per stream, retries with exponential backoff, and nothing a request ever waits for.
 */
import type { Logger } from 'pino';
import type { LogEvent } from '../domain/logEvents.js';
import { presentLog } from '../management/logsRoutes.js';

export interface LogStreamOptions {
  /** The collector's URL (https, or http for development). */
  url: string;
  /** Sent with every batch, e.g. `{ authorization: 'Bearer …' }`. */
  headers?: Record<string, string>;
  /** Events per POST. Default: 100. */
  batchSize?: number;
  /** Events kept while the collector is unreachable; the oldest are dropped beyond. Default: 10000. */
  maxQueue?: number;
  /** How long events wait to be batched. Default: 1000 ms. */
  flushIntervalMs?: number;
  /** Retries of a failed batch before it is dropped. Default: 5. */
  maxRetries?: number;
  /** The first retry's delay, doubled for each next one (at most 60 s). Default: 1000 ms. */
  retryBaseMs?: number;
  /** One POST's time limit. Default: 10000 ms. */
  timeoutMs?: number;
  /** Only these event types (e.g. ["s", "f", "fp"]). Default: every event. */
  types?: string[];
}

export type LogStreamSettings = Required<Omit<LogStreamOptions, 'types'>> & { types: string[] | null };

export function resolveLogStream(given: LogStreamOptions): LogStreamSettings {
  return {
    url: given.url,
    headers: given.headers ?? {},
    batchSize: given.batchSize ?? 100,
    maxQueue: given.maxQueue ?? 10_000,
    flushIntervalMs: given.flushIntervalMs ?? 1000,
    maxRetries: given.maxRetries ?? 5,
    retryBaseMs: given.retryBaseMs ?? 1000,
    timeoutMs: given.timeoutMs ?? 10_000,
    types: given.types ?? null,
  };
}

export interface LogStreamCounters {
  sent(count: number): void;
  dropped(count: number, reason: 'queue_full' | 'retries_exhausted' | 'shutdown'): void;
}

const MAX_BACKOFF_MS = 60_000;

export class LogStream {
  private queue: LogEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private closing = false;
  /** Set when close() gave up: no more attempts. */
  private stopped = false;

  constructor(
    private readonly settings: LogStreamSettings,
    private readonly logger: Logger,
    private readonly counters: LogStreamCounters,
  ) {}

  /** Queues an event; never waits and never throws. */
  push(event: LogEvent): void {
    if (this.closing || (this.settings.types && !this.settings.types.includes(event.type))) return;
    this.queue.push(event);
    if (this.queue.length > this.settings.maxQueue) {
      const dropped = this.queue.splice(0, this.queue.length - this.settings.maxQueue).length;
      this.counters.dropped(dropped, 'queue_full');
    }
    if (this.queue.length >= this.settings.batchSize) this.kick(0);
    else this.kick(this.settings.flushIntervalMs);
  }

  /** Sends what is queued, trying for at most `boundMs`; what is left then is dropped (and counted). */
  async close(boundMs: number): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    let bounded: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (bounded = setTimeout(resolve, boundMs)));
    const rest = (async () => {
      if (this.sending) await this.sending;
      await this.drain();
    })();
    await Promise.race([rest, deadline]);
    clearTimeout(bounded);
    this.stopped = true;
    if (this.queue.length > 0) this.counters.dropped(this.queue.splice(0).length, 'shutdown');
  }

  private kick(delayMs: number): void {
    if (this.sending || this.closing) return;
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.drain();
    }, delayMs).unref();
  }

  /** One batch in flight at a time, until the queue is empty. */
  private drain(): Promise<void> {
    this.sending ??= (async () => {
      try {
        while (this.queue.length > 0 && !this.stopped) await this.deliver(this.queue.splice(0, this.settings.batchSize));
      } finally {
        this.sending = null;
      }
    })();
    return this.sending;
  }

  private async deliver(batch: LogEvent[]): Promise<void> {
    // Auth0's webhook payload ("JSON array"): one { log_id, data } per event, data in /api/v2/logs' shape.
    const body = JSON.stringify(batch.map((event) => ({ log_id: event.logId, data: presentLog(event) })));
    for (let attempt = 0; ; attempt++) {
      const failure = await this.post(body);
      if (failure === null) {
        this.counters.sent(batch.length);
        return;
      }
      if (attempt >= this.settings.maxRetries || this.stopped) {
        this.logger.warn({ stream: safeUrl(this.settings.url), events: batch.length, failure }, 'log stream: batch dropped after retries');
        this.counters.dropped(batch.length, this.stopped ? 'shutdown' : 'retries_exhausted');
        return;
      }
      const delay = Math.min(MAX_BACKOFF_MS, this.settings.retryBaseMs * 2 ** attempt);
      this.logger.debug({ stream: safeUrl(this.settings.url), attempt: attempt + 1, delayMs: delay, failure }, 'log stream: retrying');
      await new Promise((resolve) => setTimeout(resolve, delay).unref());
    }
  }

  /** null when the collector took the batch; otherwise why not. */
  private async post(body: string): Promise<string | null> {
    try {
      const res = await fetch(this.settings.url, {
        method: 'POST',
        headers: { ...this.settings.headers, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
        redirect: 'error',
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.ok ? null : `status ${res.status}`;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
}

/** The collector's URL for the log, without credentials or query (a token may hide there). */
function safeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
