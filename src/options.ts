/** The options of createAuthServer, each with its documented default. */
import type { Request } from 'express';
import type { Knex } from 'knex';
import proxyaddr from 'proxy-addr';
import type { MetadataFetchPolicy } from './services/clientMetadataFetcher.js';
import type { ThirdPartySecurityMode } from './domain/clients.js';
import { databaseConfigFromUrl } from './store/database.js';
import { parseSecretEncryptionKey } from './store/secretCipher.js';
import { checkColor, type Branding, type Locale, type TextOverrides } from './http/texts.js';
import { resolveAbuseLimits, type AbuseLimits, type LimitRule } from './domain/abuseLimits.js';
import type { Logger } from 'pino';
import { checkOptions, type LOG_LEVELS, type optionsSchema } from './ops/optionsSchema.js';
import { resolveLogStream, type LogStreamOptions, type LogStreamSettings } from './ops/logStreams.js';

export type LogLevel = (typeof LOG_LEVELS)[number];

/** A user the host application has already signed in (the `authenticate` hook's answer). */
export interface AuthenticatedUser {
  /** The subject identifier put in tokens and grants (`sub`). */
  sub: string;
  /** When the user signed in, in seconds since the epoch; defaults to now. */
  authTime?: number;
  /** Profile claims released with the `profile` and `email` scopes. */
  claims?: { email?: string; email_verified?: boolean; name?: string; nickname?: string; picture?: string };
}

export interface AuthServerOptions {
  /** The issuer URL; must end with "/" and include the mount path. Required. */
  issuer: string;
  /** A Knex configuration. Default: SQLite file ./data/auth.sqlite. */
  database?: Knex.Config;
  /** Secrets that sign the session cookie (the first signs, all verify). Default: a random one per process. */
  sessionSecrets?: string[];
  /** Cookie settings. Defaults: name "auth.sid", SameSite=Lax, HttpOnly, Secure when the issuer is https. */
  cookie?: { name?: string; secure?: boolean; sameSite?: 'lax' | 'strict' | 'none'; maxAgeSeconds?: number; domain?: string };
  /** A folder whose templates override the built-in ones of the same name. Default: none. */
  viewsDirectory?: string;
  /** The host app's own login: return the signed-in user, or null to fall back to `loginUrl` or our login page. */
  authenticate?: (req: Request) => Promise<AuthenticatedUser | null> | AuthenticatedUser | null;
  /** With `authenticate`: where to send a user who is not signed in; `returnTo` brings them back. */
  loginUrl?: (returnTo: string) => string;
  /** Run migrations when the router is created. Default: true. */
  migrate?: boolean;
  /**
   * No longer used: new password hashes are Argon2id with OWASP's parameters, and scrypt hashes of
   * earlier versions are verified with the cost stored in them. Accepted so existing configurations start.
   */
  passwordHashCost?: number;
  /** Company name shown on pages. Default: "Authorization Server". */
  companyName?: string;
  /** The company's logo on every page (an https URL). Default: none. */
  logoUrl?: string;
  /** Page colours as hex. Defaults: primary #3b5bdb, background #f3f4f7. */
  colors?: { primary?: string; background?: string };
  /**
   * Any page text, by key (see src/http/texts.ts for the keys and English defaults): flat keys change the
   * English texts, `fr: { … }` (or de, es, en) a language's. Default: none.
   */
  texts?: TextOverrides;
  /** The pages' language when neither `ui_locales` nor Accept-Language names one we have: en, fr, de or es. Default: "en". */
  defaultLocale?: Locale;
  /** Dynamic Client Registration (POST /oidc/register). Default: off. */
  dynamicClientRegistration?:
    | boolean
    | {
        /** Accepted registrations per address and minute. Default: 10. */
        requestsPerMinutePerIp?: number;
        /** RFC 7591 §3: registration needs `Authorization: Bearer <this>`. Default: open registration. */
        initialAccessToken?: string;
        /** Registered clients nobody has granted anything within this long are deleted. Default: 30 days; 0 keeps them. */
        unusedClientSeconds?: number;
      };
  /** Refresh tokens: unused for this long, they expire. Default: 15 days. */
  refreshTokenIdleSeconds?: number;
  /** Refresh tokens: however used, a family ends this long after the authorization. Default: 30 days. */
  refreshTokenAbsoluteSeconds?: number;
  /**
   * Clients, APIs and client grants are cached in memory. A change made through this instance applies
   * at once; one made by another instance (or in SQL) within this many milliseconds. 0 checks the
   * database's change counter before every read. Default: 1000.
   */
  registryCacheMs?: number;
  /**
   * Express's `trust proxy` value for this router's own requests (e.g. 1, 'loopback', a list of
   * addresses): behind a TLS-terminating proxy it lets the Secure session cookie be set and the client's
   * address be read from X-Forwarded-For. The host app's own setting is used when this is absent.
   */
  trustProxy?: boolean | number | string | string[];
  /**
   * Auth0's tenant "default audience": the API identifier used when an authorization, password or
   * client-credentials request names none, for clients that cannot send `audience`. Default: none.
   */
  defaultAudience?: string;
  /**
   * The security mode of new third-party clients that do not choose one, dynamically registered and
   * metadata-document clients included: Auth0's `strict` (PKCE, no implicit or password grants, a
   * client grant for every API) or `permissive`. Default: permissive.
   */
  thirdPartySecurityMode?: ThirdPartySecurityMode;
  /**
   * Client ID Metadata Documents (MCP's way for clients to identify themselves): a client_id that is a
   * URL is fetched as the client's metadata. Off by default; `true` or the fetch policy below.
   */
  clientIdMetadataDocuments?:
    | boolean
    | {
        /** host:port pairs fetched even over http and at private or loopback addresses (development, tests). */
        trustedHosts?: string[];
        /** Only client ids on these domains (and their subdomains). Default: any. */
        allowDomains?: string[];
        /** Never client ids on these domains. */
        denyDomains?: string[];
        /** Largest document accepted. Default: 10 KB. */
        maxBytes?: number;
        /** Default: 3000 ms. */
        timeoutMs?: number;
      };
  /**
   * How often expired sessions, authorization transactions, codes and refresh token families are
   * deleted, in milliseconds; 0 turns the sweeper off (then call `sweep()` yourself). Default: 60000.
   */
  sweepIntervalMs?: number;
  /**
   * How long a person has to finish signing in and consenting after the app sent them to /authorize
   * (Keycloak's "login timeout"), in seconds; each /authorize keeps a row until then. Default: 600.
   */
  loginTimeoutSeconds?: number;
  /**
   * Limits on failed credential checks, each `{ limit, windowSeconds }` (README, Security). Defaults:
   * 10 failed sign-ins per account and address, 20 per address; 10 wrong client secrets per client and
   * address, 20 per address; each in 15 minutes. They can be tuned, not switched off.
   */
  abuseLimits?: Partial<Record<keyof AbuseLimits, Partial<LimitRule>>>;
  /**
   * 32 random bytes, base64: client secrets are stored encrypted with it (AES-256-GCM). Default: the
   * SECRET_ENCRYPTION_KEY environment variable; without either, secrets are stored in plain text.
   */
  secretEncryptionKey?: string;
  /** After POST /api/v2/clients/{id}/rotate-secret the old secret keeps working this long. Default: 0 (Auth0: at once). */
  secretRotationGraceSeconds?: number;
  /** The structured log's level (pino). Default: the LOG_LEVEL environment variable, else "info". */
  logLevel?: LogLevel;
  /** A pino logger of the host's to write to (its level applies). Default: a new one on stdout. */
  logger?: Logger;
  /** Prometheus metrics at `{issuer}metrics`: false turns them off; `{ token }` requires `Authorization: Bearer <token>`. Default: on, open. */
  metrics?: boolean | { token?: string };
  /** Audit events also pushed to these HTTP endpoints (Auth0's log streams). Default: none. */
  logStreams?: LogStreamOptions[];
  /**
   * Account emails (sign-up verification, password reset). `smtpUrl` (smtp://user:pass@host:587, smtps://…
   * for TLS from the start) sends them with nodemailer; without it, each email's link is written to the
   * log instead (development and the demo). Defaults: the SMTP_URL environment variable, from
   * "no-reply@<issuer's host>".
   */
  mail?: { from?: string; smtpUrl?: string };
}

export interface ResolvedOptions {
  issuer: string;
  issuerUrl: URL;
  database: Knex.Config;
  sessionSecrets: string[];
  cookie: { name: string; secure: boolean; sameSite: 'lax' | 'strict' | 'none'; maxAgeSeconds: number; domain?: string; path: string };
  viewsDirectory: string | null;
  authenticate: AuthServerOptions['authenticate'] | null;
  loginUrl: AuthServerOptions['loginUrl'] | null;
  migrate: boolean;
  passwordHashCost: number;
  companyName: string;
  branding: Branding;
  texts: TextOverrides;
  defaultLocale: Locale;
  refreshTokenIdleSeconds: number;
  refreshTokenAbsoluteSeconds: number;
  registryCacheMs: number;
  /** null: the host app's `trust proxy` setting applies. */
  trustProxy: ((address: string, hop: number) => boolean) | null;
  defaultAudience: string | null;
  thirdPartySecurityMode: ThirdPartySecurityMode;
  /** null when client ids in URL form are not fetched. */
  clientIdMetadataDocuments: MetadataFetchPolicy | null;
  sweepIntervalMs: number;
  loginTimeoutSeconds: number;
  /** null when registration is off. */
  dynamicClientRegistration: { requestsPerMinutePerIp: number; initialAccessToken: string | null; unusedClientSeconds: number } | null;
  abuseLimits: AbuseLimits;
  /** null: client secrets are stored in plain text. */
  secretEncryptionKey: Buffer | null;
  secretRotationGraceSeconds: number;
  logLevel: LogLevel;
  logger: Logger | null;
  /** null when the metrics endpoint is off. */
  metrics: { token: string | null } | null;
  logStreams: LogStreamSettings[];
  /** smtpUrl null: emails are logged, not sent. */
  mail: { from: string; smtpUrl: string | null };
}

/**
 * Every option must have a row in the zod schema (src/ops/optionsSchema.ts), which refuses unknown
 * keys: this fails to compile when one is missing there, rather than refusing the option at start.
 */
export const EVERY_OPTION_IS_CHECKED: Record<Exclude<keyof AuthServerOptions, keyof typeof optionsSchema.shape>, never> = {};

export function resolveOptions(options: AuthServerOptions): ResolvedOptions {
  checkOptions(options);
  const issuerUrl = new URL(options.issuer);
  const secure = options.cookie?.secure ?? issuerUrl.protocol === 'https:';
  return {
    issuer: options.issuer,
    issuerUrl,
    database: options.database ?? databaseConfigFromUrl(undefined),
    sessionSecrets: options.sessionSecrets?.length ? options.sessionSecrets : [crypto.randomUUID() + crypto.randomUUID()],
    cookie: {
      name: options.cookie?.name ?? 'auth.sid',
      secure,
      sameSite: options.cookie?.sameSite ?? 'lax',
      maxAgeSeconds: options.cookie?.maxAgeSeconds ?? 24 * 60 * 60,
      domain: options.cookie?.domain,
      path: issuerUrl.pathname,
    },
    viewsDirectory: options.viewsDirectory ?? null,
    authenticate: options.authenticate ?? null,
    loginUrl: options.loginUrl ?? null,
    migrate: options.migrate ?? true,
    passwordHashCost: options.passwordHashCost ?? 2 ** 15,
    companyName: options.companyName ?? 'Authorization Server',
    branding: {
      companyName: options.companyName ?? 'Authorization Server',
      logoUrl: options.logoUrl ?? null,
      primaryColor: checkColor(options.colors?.primary ?? '#3b5bdb', 'colors.primary'),
      backgroundColor: checkColor(options.colors?.background ?? '#f3f4f7', 'colors.background'),
    },
    texts: options.texts ?? {},
    defaultLocale: options.defaultLocale ?? 'en',
    dynamicClientRegistration: options.dynamicClientRegistration
      ? registrationSettings(options.dynamicClientRegistration === true ? {} : options.dynamicClientRegistration)
      : null,
    refreshTokenIdleSeconds: options.refreshTokenIdleSeconds ?? 15 * 24 * 3600,
    refreshTokenAbsoluteSeconds: options.refreshTokenAbsoluteSeconds ?? 30 * 24 * 3600,
    registryCacheMs: nonNegative(options.registryCacheMs ?? 1000, 'registryCacheMs'),
    trustProxy: options.trustProxy === undefined ? null : compileTrust(options.trustProxy),
    defaultAudience: options.defaultAudience ?? null,
    thirdPartySecurityMode: options.thirdPartySecurityMode ?? 'permissive',
    clientIdMetadataDocuments: metadataFetchPolicy(options.clientIdMetadataDocuments),
    sweepIntervalMs: nonNegative(options.sweepIntervalMs ?? 60_000, 'sweepIntervalMs'),
    loginTimeoutSeconds: options.loginTimeoutSeconds ?? 600,
    abuseLimits: resolveAbuseLimits(options.abuseLimits),
    secretEncryptionKey: parseSecretEncryptionKey(options.secretEncryptionKey ?? process.env.SECRET_ENCRYPTION_KEY),
    secretRotationGraceSeconds: nonNegative(options.secretRotationGraceSeconds ?? 0, 'secretRotationGraceSeconds'),
    logLevel: options.logLevel ?? logLevelFromEnvironment(),
    logger: options.logger ?? null,
    metrics: options.metrics === false ? null : { token: (typeof options.metrics === 'object' ? options.metrics.token : undefined) ?? null },
    logStreams: (options.logStreams ?? []).map(resolveLogStream),
    mail: { from: options.mail?.from ?? `no-reply@${issuerUrl.hostname}`, smtpUrl: options.mail?.smtpUrl || process.env.SMTP_URL || null },
  };
}

function registrationSettings(given: Exclude<AuthServerOptions['dynamicClientRegistration'], boolean | undefined>): NonNullable<ResolvedOptions['dynamicClientRegistration']> {
  if (given.initialAccessToken !== undefined && given.initialAccessToken.length < 16) throw new TypeError('dynamicClientRegistration.initialAccessToken must have at least 16 characters');
  return {
    requestsPerMinutePerIp: given.requestsPerMinutePerIp || 10,
    initialAccessToken: given.initialAccessToken ?? null,
    unusedClientSeconds: given.unusedClientSeconds ?? 30 * 24 * 3600,
  };
}

function metadataFetchPolicy(value: AuthServerOptions['clientIdMetadataDocuments']): MetadataFetchPolicy | null {
  if (!value) return null;
  const given = value === true ? {} : value;
  return {
    trustedHosts: given.trustedHosts ?? [],
    allowDomains: given.allowDomains ?? null,
    denyDomains: given.denyDomains ?? [],
    maxBytes: given.maxBytes ?? 10 * 1024,
    timeoutMs: given.timeoutMs ?? 3000,
  };
}

/** Express's own reading of `trust proxy` values: true, a hop count, or addresses and subnet names. */
function compileTrust(value: boolean | number | string | string[]): (address: string, hop: number) => boolean {
  if (value === true) return () => true;
  if (value === false) return () => false;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new TypeError('trustProxy must be a boolean, a hop count, or addresses');
    return (_address, hop) => hop < value;
  }
  const list = typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value;
  return proxyaddr.compile(list);
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new TypeError(`${name} must be a number of milliseconds, 0 or more`);
  return value;
}

/** LOG_LEVEL is read here too, so an embedding host's operators can change the level without a code change. */
function logLevelFromEnvironment(): LogLevel {
  const value = process.env.LOG_LEVEL;
  const levels: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (value === undefined || value === '') return 'info';
  if (!levels.includes(value)) throw new TypeError(`LOG_LEVEL must be one of ${levels.join(', ')} (got "${value}")`);
  return value as LogLevel;
}
