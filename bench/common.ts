/** What the benchmark's processes share: the fixtures both servers are set up with, and the JSON they print. */
export const API = 'https://api.bench.test/';
export const API_SCOPES = ['read:posts', 'write:posts'];
export const REDIRECT_URI = 'https://client.bench.test/cb';
export const CLIENT = { id: 'bench-web', secret: 'bench-web-secret-of-more-than-thirty-two-chars' };
export const M2M = { id: 'bench-m2m', secret: 'bench-m2m-secret-of-more-than-thirty-two-chars' };
export const PASSWORD = 'bench-password-1';
export const SESSION_SECRET = 'bench-session-secret';
export const userEmail = (i: number): string => `user${i}@bench.test`;

/** A server child prints one line `READY {json}` when it listens. */
export interface ReadyMessage {
  port: number;
  issuer: string;
  /** How the login works: our login page, or oidc-provider's interaction handler. */
  kind: 'ours' | 'oidc-provider';
}

export function announceReady(message: ReadyMessage): void {
  process.stdout.write(`READY ${JSON.stringify(message)}\n`);
}

/** This project's bench server measures its own time per request path (ms). */
export interface ServerTimes {
  count: number;
  p50: number;
  p99: number;
}

export interface ServerStats {
  /** The server process's CPU time (all threads) since the last reset, in ms. */
  cpuMs: number;
  paths: Record<string, ServerTimes>;
}

export interface LoadResult {
  scenario: string;
  target: string;
  flows: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU time the load generator itself spent per measured flow, in ms (user + system). */
  clientCpuMsPerFlow: number;
  /** With one target: the server's CPU time per measured flow (ms), and its time per request by path. */
  serverCpuMsPerFlow?: number;
  serverTimes?: Record<string, ServerTimes>;
  firstError?: string;
}
