/**
 * The standalone server's and the admin CLI's environment variables, checked with zod at start: both
 * read them here, so the CLI works on the server's database and issuer with the same defaults.
 */
import type { Knex } from 'knex';
import { z } from 'zod';
import { databaseConfigFromUrl } from '../store/database.js';
import { ConfigurationError } from './configurationError.js';
import { LOG_LEVELS } from './optionsSchema.js';
import { LOCALES } from '../http/texts.js';

const port = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a port number such as 3000`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= 65535, `${name} must be a port number between 1 and 65535`);
const flag = (name: string) => z.enum(['true', 'false'], `${name} must be "true" or "false"`).transform((v) => v === 'true');
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

const schema = z.object({
  PORT: optional(port('PORT')),
  ISSUER: optional(z.string()),
  DATABASE_URL: optional(
    z.string().superRefine((url, ctx) => {
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
      if (scheme && !/^(postgres|postgresql|sqlite)$/i.test(scheme)) {
        ctx.addIssue({ code: 'custom', message: `DATABASE_URL uses ${scheme}://, which is not supported: use postgres://user:password@host:5432/database, or a SQLite file path such as ./data/auth.sqlite` });
      }
    }),
  ),
  SESSION_SECRET: optional(z.string()),
  SAMPLE_PORT: optional(port('SAMPLE_PORT')),
  MANAGEMENT_CLIENT_ID: optional(z.string()),
  MANAGEMENT_CLIENT_SECRET: optional(z.string().min(32, 'MANAGEMENT_CLIENT_SECRET must have at least 32 characters')),
  DYNAMIC_CLIENT_REGISTRATION: optional(flag('DYNAMIC_CLIENT_REGISTRATION')),
  DCR_INITIAL_ACCESS_TOKEN: optional(z.string()),
  CLIENT_ID_METADATA_DOCUMENTS: optional(flag('CLIENT_ID_METADATA_DOCUMENTS')),
  TRUST_PROXY: optional(z.string()),
  DEFAULT_AUDIENCE: optional(z.string()),
  THIRD_PARTY_SECURITY_MODE: optional(z.enum(['strict', 'permissive'], 'THIRD_PARTY_SECURITY_MODE must be strict or permissive')),
  DEFAULT_LOCALE: optional(z.enum(LOCALES, `DEFAULT_LOCALE must be one of ${LOCALES.join(', ')}`)),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)),
  METRICS_TOKEN: optional(z.string().min(16, 'METRICS_TOKEN must have at least 16 characters')),
  SHUTDOWN_TIMEOUT_MS: optional(z.string().regex(/^\d+$/, 'SHUTDOWN_TIMEOUT_MS must be a number of milliseconds').transform(Number)),
  LOG_STREAM_URL: optional(z.string()),
  LOG_STREAM_AUTHORIZATION: optional(z.string()),
  SMTP_URL: optional(z.string().regex(/^smtps?:\/\/\S+$/, 'SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:password@smtp.example.com:587')),
  MAIL_FROM: optional(z.string()),
});

export interface Environment {
  port: number;
  issuer: string;
  database: Knex.Config;
  sessionSecrets: string[] | undefined;
  samplePort: number;
  management: { clientId: string; clientSecret: string } | null;
  dynamicClientRegistration: false | { initialAccessToken: string | undefined };
  clientIdMetadataDocuments: boolean;
  trustProxy: boolean | number | string | undefined;
  defaultAudience: string | undefined;
  /** The security mode of new third-party clients that choose none (dynamically registered ones included). */
  thirdPartySecurityMode: 'strict' | 'permissive' | undefined;
  defaultLocale: (typeof LOCALES)[number] | undefined;
  logLevel: (typeof LOG_LEVELS)[number] | undefined;
  metricsToken: string | undefined;
  shutdownTimeoutMs: number;
  logStreams: { url: string; headers?: Record<string, string> }[];
  /** Account emails; without SMTP_URL their links are logged (the demo). */
  mail: { smtpUrl?: string; from?: string };
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigurationError('environment', parsed.error.issues.map((i) => i.message));
  const e = parsed.data;
  const problems: string[] = [];
  if ((e.MANAGEMENT_CLIENT_ID === undefined) !== (e.MANAGEMENT_CLIENT_SECRET === undefined)) {
    problems.push('MANAGEMENT_CLIENT_ID and MANAGEMENT_CLIENT_SECRET go together: set both, or neither');
  }
  if (e.SESSION_SECRET !== undefined && e.SESSION_SECRET.split(',').some((s) => s.length < 16)) {
    problems.push('SESSION_SECRET: each comma-separated secret must have at least 16 characters (e.g. `openssl rand -base64 32`)');
  }
  if (problems.length > 0) throw new ConfigurationError('environment', problems);
  const listenPort = e.PORT ?? 3000;
  return {
    port: listenPort,
    // The options' schema checks the issuer itself (scheme, trailing "/"), with the same messages.
    issuer: e.ISSUER ?? `http://localhost:${listenPort}/`,
    database: databaseConfigFromUrl(e.DATABASE_URL),
    sessionSecrets: e.SESSION_SECRET?.split(','),
    samplePort: e.SAMPLE_PORT ?? listenPort + 1,
    management: e.MANAGEMENT_CLIENT_ID && e.MANAGEMENT_CLIENT_SECRET ? { clientId: e.MANAGEMENT_CLIENT_ID, clientSecret: e.MANAGEMENT_CLIENT_SECRET } : null,
    dynamicClientRegistration: e.DYNAMIC_CLIENT_REGISTRATION ? { initialAccessToken: e.DCR_INITIAL_ACCESS_TOKEN } : false,
    clientIdMetadataDocuments: e.CLIENT_ID_METADATA_DOCUMENTS ?? false,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    defaultAudience: e.DEFAULT_AUDIENCE,
    thirdPartySecurityMode: e.THIRD_PARTY_SECURITY_MODE,
    defaultLocale: e.DEFAULT_LOCALE,
    logLevel: e.LOG_LEVEL,
    metricsToken: e.METRICS_TOKEN,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS ?? 10_000,
    mail: { ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}), ...(e.MAIL_FROM ? { from: e.MAIL_FROM } : {}) },
    logStreams: e.LOG_STREAM_URL ? [{ url: e.LOG_STREAM_URL, ...(e.LOG_STREAM_AUTHORIZATION ? { headers: { authorization: e.LOG_STREAM_AUTHORIZATION } } : {}) }] : [],
  };
}

/** TRUST_PROXY as Express reads `trust proxy`: true/false, a hop count, or comma-separated addresses. */
function parseTrustProxy(value: string | undefined): boolean | number | string | undefined {
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}
