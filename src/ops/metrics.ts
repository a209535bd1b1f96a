/**
 * Prometheus metrics (prom-client), one registry per createAuthServer call (nothing global, so two
 * servers in one process, as in the tests, never mix their counts).
 */
import type { Knex } from 'knex';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LogEvent, LogType } from '../domain/logEvents.js';

/** What a sign-in event says about the attempt (Auth0's event types). */
const SIGN_IN_RESULTS: Partial<Record<LogType, string>> = {
  s: 'success',
  fp: 'wrong_password',
  fu: 'unknown_user',
  f: 'refused',
  limit_wc: 'too_many_attempts',
};

const TOKEN_EVENTS: Partial<Record<LogType, { grantType: string; issued: boolean }>> = {
  seacft: { grantType: 'authorization_code', issued: true },
  feacft: { grantType: 'authorization_code', issued: false },
  seccft: { grantType: 'client_credentials', issued: true },
  feccft: { grantType: 'client_credentials', issued: false },
  sepft: { grantType: 'password', issued: true },
  fepft: { grantType: 'password', issued: false },
  sertft: { grantType: 'refresh_token', issued: true },
  fertft: { grantType: 'refresh_token', issued: false },
};

/** The part of tarn's pool (Knex's) that says how the connections are used. */
interface PoolUse {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  max: number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly requestDuration: Histogram<'method' | 'route' | 'status'>;
  readonly inFlight: Gauge;
  readonly signIns: Counter<'result'>;
  readonly consents: Counter<'outcome'>;
  readonly tokens: Counter<'grant_type'>;
  readonly tokenFailures: Counter<'grant_type'>;
  readonly revocations: Counter<'source'>;
  readonly logStreamEvents: Counter<'outcome'>;

  constructor(db: Knex) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requestDuration = new Histogram({
      name: 'auth_http_request_duration_seconds',
      help: 'Requests by route (a fixed set of labels) and status, with their latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.inFlight = new Gauge({ name: 'auth_http_requests_in_flight', help: 'Requests being answered now', registers });
    this.signIns = new Counter({ name: 'auth_sign_ins_total', help: 'Sign-in attempts by result (success, wrong_password, unknown_user, refused, too_many_attempts)', labelNames: ['result'], registers });
    this.consents = new Counter({ name: 'auth_consents_total', help: 'Consent dialogs shown, accepted and declined', labelNames: ['outcome'], registers });
    this.tokens = new Counter({ name: 'auth_tokens_issued_total', help: 'Token endpoint successes by grant type', labelNames: ['grant_type'], registers });
    this.tokenFailures = new Counter({ name: 'auth_token_failures_total', help: 'Token endpoint failures by grant type', labelNames: ['grant_type'], registers });
    this.revocations = new Counter({ name: 'auth_revocations_total', help: 'Revocations by where they were asked (account page, /oauth/revoke, Management API)', labelNames: ['source'], registers });
    this.logStreamEvents = new Counter({ name: 'auth_log_stream_events_total', help: 'Audit events sent to log streams, or dropped and why', labelNames: ['outcome'], registers });
    const pool = () => (db.client as { pool?: PoolUse }).pool;
    new Gauge({
      name: 'auth_db_pool_connections',
      help: 'Database pool connections: used, free, pending (requests waiting for one) and max',
      labelNames: ['state'],
      registers,
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'used' }, p.numUsed());
        this.set({ state: 'free' }, p.numFree());
        this.set({ state: 'pending' }, p.numPendingAcquires());
        this.set({ state: 'max' }, p.max);
      },
    });
  }

  /** Sign-ins, failures and tokens are counted from the audit log's events: one source of truth. */
  onAuditEvent(event: LogEvent): void {
    const result = SIGN_IN_RESULTS[event.type];
    if (result) this.signIns.inc({ result });
    const token = TOKEN_EVENTS[event.type];
    if (token) (token.issued ? this.tokens : this.tokenFailures).inc({ grant_type: token.grantType });
  }
}
