/**
 * The options of createAuthServer checked with zod at start, so a mistake stops the server with a
 * sentence saying what is wrong and how to fix it, instead of being dropped or failing later.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_TEXTS, LOCALES } from '../http/texts.js';
import { DEFAULT_ABUSE_LIMITS } from '../domain/abuseLimits.js';
import { closestName, ConfigurationError } from './configurationError.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const func = (what: string) => z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', { message: `must be a function (${what})` });
const positiveInt = (unit: string) => z.number().int(`must be a whole number of ${unit}`).positive(`must be a number of ${unit} above 0`);
const nonNegative = (unit: string) => z.number().refine((v) => Number.isFinite(v) && v >= 0, `must be a number of ${unit}, 0 or more`);

function absoluteHttpUrl(value: string, ctx: z.RefinementCtx, example: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: `must be an absolute URL with its scheme, e.g. ${example} (got "${value}")` });
    return null;
  }
  // "localhost:3000/" parses as the scheme "localhost:": a scheme is what is missing there.
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    ctx.addIssue({ code: 'custom', message: `must be an absolute URL starting with https:// (or http:// for development), e.g. ${example} (got "${value}")` });
    return null;
  }
  return url;
}

const issuer = z
  .string({ error: (i) => (i.input === undefined ? 'is required: the URL people reach this server at, ending with "/", e.g. https://id.example.com/' : 'must be a string') })
  .superRefine((value, ctx) => {
    const url = absoluteHttpUrl(value, ctx, 'https://id.example.com/');
    if (!url) return;
    if (url.search || url.hash) ctx.addIssue({ code: 'custom', message: `must not have a query or fragment (got "${value}")` });
    else if (!value.endsWith('/')) ctx.addIssue({ code: 'custom', message: `must end with "/" and include the mount path, e.g. "${value}/"` });
  });

const database = z.looseObject({
  client: z.enum(['better-sqlite3', 'sqlite3', 'pg', 'postgres', 'postgresql'], {
    error: (i) => `must be "better-sqlite3" (SQLite) or "pg" (PostgreSQL), the databases this server supports (got ${JSON.stringify(i.input)})`,
  }),
});

const sessionSecret = z
  .string({ error: (i) => (i.input === undefined ? 'is undefined: is the environment variable holding it unset?' : 'must be a string') })
  .min(16, 'is too short to sign cookies safely: use at least 16 random characters (e.g. `openssl rand -base64 32`)');

function checkTextKeys(keys: string[], ctx: z.RefinementCtx): void {
  for (const key of keys) {
    if (key in DEFAULT_TEXTS) continue;
    const near = closestName(key, Object.keys(DEFAULT_TEXTS));
    ctx.addIssue({ code: 'custom', path: [key], message: `is not a text key${near ? ` (did you mean "${near}"?)` : ''}; the keys are in src/http/texts.ts` });
  }
}

const textsOfOneLocale = z.record(z.string(), z.string('must be a string')).superRefine((value, ctx) => checkTextKeys(Object.keys(value), ctx));

/** Flat keys change the English texts; under a locale's name ("fr"), that language's. */
const texts = z
  .object(Object.fromEntries(LOCALES.map((locale) => [locale, textsOfOneLocale.optional()])))
  .catchall(z.string(`must be a string, or an object of texts under a locale's name (${LOCALES.join(', ')})`))
  .superRefine((value, ctx) => checkTextKeys(Object.keys(value).filter((key) => !(LOCALES as readonly string[]).includes(key)), ctx));

const limitRule = z.strictObject({ limit: positiveInt('attempts'), windowSeconds: z.number().positive('must be a number of seconds above 0') }).partial();

const logStream = z.strictObject({
  url: z.string().superRefine((v, ctx) => void absoluteHttpUrl(v, ctx, 'https://logs.example.com/collect')),
  headers: z.record(z.string(), z.string()).optional(),
  batchSize: z.number().int().min(1).max(1000).optional(),
  maxQueue: z.number().int().min(1).optional(),
  flushIntervalMs: nonNegative('milliseconds').optional(),
  maxRetries: z.number().int().min(0).optional(),
  retryBaseMs: nonNegative('milliseconds').optional(),
  timeoutMs: positiveInt('milliseconds').optional(),
  types: z.array(z.string()).optional(),
});

/** Every option, strictly: a key that is not one of them is refused (it would be a typo). */
export const optionsSchema = z.strictObject({
  issuer,
  database: database.optional(),
  sessionSecrets: z.array(sessionSecret).optional(),
  cookie: z
    .strictObject({
      name: z.string().min(1),
      secure: z.boolean(),
      sameSite: z.enum(['lax', 'strict', 'none']),
      maxAgeSeconds: positiveInt('seconds'),
      domain: z.string().min(1),
    })
    .partial()
    .optional(),
  viewsDirectory: z
    .string()
    .superRefine((dir, ctx) => {
      if (!existsSync(dir)) ctx.addIssue({ code: 'custom', message: `is a folder that does not exist: ${dir}` });
    })
    .optional(),
  authenticate: func('req) => user or null').optional(),
  loginUrl: func('returnTo) => URL').optional(),
  migrate: z.boolean().optional(),
  passwordHashCost: z
    .number()
    .int()
    .refine((n) => n >= 2 ** 10 && (n & (n - 1)) === 0, 'must be a power of two, 1024 (2 ** 10) or more; the default is 2 ** 15')
    .optional(),
  companyName: z.string().min(1, 'must not be empty').optional(),
  logoUrl: z
    .string()
    .superRefine((v, ctx) => {
      const url = absoluteHttpUrl(v, ctx, 'https://cdn.example.com/logo.svg');
      if (url && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: `must be an https URL: the pages' Content-Security-Policy only loads images over https (got "${v}")` });
    })
    .optional(),
  colors: z
    .strictObject({ primary: z.string().regex(/^#(?:[0-9a-fA-F]{3}){1,2}$/, 'must be a hex colour such as #3b5bdb'), background: z.string().regex(/^#(?:[0-9a-fA-F]{3}){1,2}$/, 'must be a hex colour such as #f3f4f7') })
    .partial()
    .optional(),
  texts: texts.optional(),
  defaultLocale: z.enum(LOCALES, `must be one of ${LOCALES.join(', ')}`).optional(),
  dynamicClientRegistration: z
    .union([
      z.boolean(),
      z
        .strictObject({
          requestsPerMinutePerIp: positiveInt('requests'),
          initialAccessToken: z.string().min(16, 'must have at least 16 characters'),
          unusedClientSeconds: nonNegative('seconds'),
        })
        .partial(),
    ])
    .optional(),
  refreshTokenIdleSeconds: positiveInt('seconds').optional(),
  refreshTokenAbsoluteSeconds: positiveInt('seconds').optional(),
  registryCacheMs: nonNegative('milliseconds').optional(),
  trustProxy: z.union([z.boolean(), z.number().int().min(0), z.string(), z.array(z.string())], 'must be a boolean, a hop count, or addresses').optional(),
  defaultAudience: z.string().min(1).optional(),
  clientIdMetadataDocuments: z
    .union([
      z.boolean(),
      z
        .strictObject({
          trustedHosts: z.array(z.string()),
          allowDomains: z.array(z.string()),
          denyDomains: z.array(z.string()),
          maxBytes: positiveInt('bytes'),
          timeoutMs: positiveInt('milliseconds'),
        })
        .partial(),
    ])
    .optional(),
  sweepIntervalMs: nonNegative('milliseconds').optional(),
  loginTimeoutSeconds: positiveInt('seconds').optional(),
  abuseLimits: z.strictObject(Object.fromEntries(Object.keys(DEFAULT_ABUSE_LIMITS).map((k) => [k, limitRule.optional()]))).optional(),
  thirdPartySecurityMode: z.enum(['strict', 'permissive'], 'must be "strict" or "permissive"').optional(),
  logLevel: z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`).optional(),
  logger: z.custom((v) => typeof v === 'object' && v !== null && typeof (v as { child?: unknown }).child === 'function', 'must be a pino logger').optional(),
  metrics: z.union([z.boolean(), z.strictObject({ token: z.string().min(16, 'must have at least 16 characters').optional() })]).optional(),
  logStreams: z.array(logStream).optional(),
  // Issue 13: client secrets at rest (32 bytes, base64) and the overlap of a rotated secret.
  secretEncryptionKey: z.string().refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)').optional(),
  secretRotationGraceSeconds: nonNegative('seconds').optional(),
  // Issue 16: account emails.
  mail: z
    .strictObject({
      from: z.string().regex(/^[^\s@]+@[^\s@]+$|^.*<[^\s@]+@[^\s@]+>$/, 'must be an email address, or "Name <address>"'),
      smtpUrl: z.string().regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:password@smtp.example.com:587'),
    })
    .partial()
    .optional(),
});

/** Checks the options; throws one ConfigurationError listing every problem. */
export function checkOptions(options: unknown): void {
  const result = optionsSchema.safeParse(options);
  if (result.success) return;
  throw new ConfigurationError(
    'createAuthServer',
    result.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((key) => {
          const near = closestName(key, Object.keys(optionsSchema.shape));
          const where = issue.path.length ? `${issue.path.join('.')}.` : '';
          return `${where}${key}: is not an option${near && issue.path.length === 0 ? ` (did you mean "${near}"?)` : ''}`;
        });
      }
      return [`${issue.path.join('.') || '(options)'}: ${issue.message}`];
    }).flat(),
  );
}
