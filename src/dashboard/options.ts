/** createDashboard's options: its own strict schema, since the dashboard is mounted apart from createAuthServer. */
import { z } from 'zod';
import { ConfigurationError } from '../ops/configurationError.js';

export interface DashboardOptions {
  /** Where the host mounts the dashboard's router, e.g. "/dashboard" (the default). */
  mountPath?: string;
  /**
   * The dashboard's public URL (its redirect URI is `{url}callback`). Default: the issuer's origin and
   * `mountPath`; set it when a proxy serves the dashboard elsewhere.
   */
  url?: string;
  /** The dashboard's own client id (a first-party regular web application, created if absent). Default "dashboard". */
  clientId?: string;
  /** Lifetime of the Management API tokens the dashboard uses for each request; default 300 seconds. */
  tokenLifetimeSeconds?: number;
}

export interface ResolvedDashboardOptions {
  mountPath: string;
  url: string;
  clientId: string;
  tokenLifetimeSeconds: number;
}

const schema = z
  .object({
    mountPath: z.string().regex(/^\/[A-Za-z0-9/_-]*$/, 'a path such as /dashboard').optional(),
    url: z.url({ protocol: /^https?$/ }).optional(),
    clientId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
    tokenLifetimeSeconds: z.number().int().min(30).max(3600).optional(),
  })
  .strict();

export function resolveDashboardOptions(issuer: string, options: DashboardOptions = {}): ResolvedDashboardOptions {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw new ConfigurationError('createDashboard', parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`));
  }
  const mountPath = (options.mountPath ?? '/dashboard').replace(/\/+$/, '') || '/';
  const url = options.url ?? new URL(`${mountPath === '/' ? '' : mountPath}/`, issuer).toString();
  return {
    mountPath,
    url: url.endsWith('/') ? url : `${url}/`,
    clientId: options.clientId ?? 'dashboard',
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 300,
  };
}
