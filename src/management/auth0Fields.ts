/**
 * Fields Auth0 defines that a body may carry and that this server accepts without acting on them:
 * the read-only ones every GET returns (so what we return can be sent back as is), and Auth0 settings
 * for features this server does not have. A field that is neither ours nor Auth0's is still a 400
 * naming it, so a typo is never silently dropped. The README's "Auth0 compatibility" lists them.
 */
import { z } from 'zod';
import { CLIENT_FIELDS } from '../domain/clients.js';
import { CLIENT_GRANT_FIELDS } from '../domain/clientGrants.js';
import { auth0Name, readOnlyAuth0Names, type FieldSpec } from '../domain/fieldMapping.js';
import { RESOURCE_SERVER_FIELDS } from '../domain/resourceServers.js';
import { parseBody } from './requests.js';

/** Read-only on clients: ours (from the field declaration), and Auth0's that we do not have. */
const CLIENT_READ_ONLY = [...readOnlyAuth0Names(CLIENT_FIELDS), 'tenant', 'global', 'callback_url_template', 'signing_keys'];
/** Auth0 client settings for features we do not implement. */
const CLIENT_UNSUPPORTED = [
  'sso',
  'sso_disabled',
  'cross_origin_authentication',
  'cross_origin_auth',
  'cross_origin_loc',
  'custom_login_page_on',
  'custom_login_page',
  'custom_login_page_preview',
  'form_template',
  'addons',
  'mobile',
  'native_social_login',
  'encryption_key',
  'client_aliases',
  'allowed_clients',
  'is_token_endpoint_ip_header_trusted',
  'refresh_token',
  'organization_usage',
  'organization_require_behavior',
  'default_organization',
  'client_authentication_methods',
  'require_pushed_authorization_requests',
  'require_proof_of_possession',
  'signed_request_object',
  'compliance_level',
  'par_request_expiry',
  'token_quota',
  'oidc_logout',
  'oidc_backchannel_logout',
  'session_transfer',
  'skip_non_verifiable_callback_uri_confirmation_prompt',
  'express_configuration',
  'token_exchange',
] as const;

const RESOURCE_SERVER_READ_ONLY = readOnlyAuth0Names(RESOURCE_SERVER_FIELDS);
const RESOURCE_SERVER_UNSUPPORTED = [
  'signing_secret',
  'token_lifetime_for_web',
  'enforce_policies',
  'token_dialect',
  'client',
  'consent_policy',
  'authorization_details',
  'token_encryption',
  'proof_of_possession',
  'verificationLocation',
  'options',
] as const;

const USER_READ_ONLY = ['user_id', 'created_at', 'updated_at', 'last_login', 'last_ip', 'logins_count', 'identities', 'multifactor', 'last_password_reset'] as const;
const USER_UNSUPPORTED = ['given_name', 'family_name', 'username', 'phone_number', 'phone_verified', 'verify_email', 'verify_phone_number', 'client_id'] as const;

const CONNECTION_READ_ONLY = ['id', 'realms', 'options'] as const;
const CONNECTION_UNSUPPORTED = ['display_name', 'metadata', 'is_domain_connection', 'show_as_button', 'authentication', 'connected_accounts'] as const;

const CLIENT_GRANT_READ_ONLY = [...readOnlyAuth0Names(CLIENT_GRANT_FIELDS), 'is_system'];
const CLIENT_GRANT_UNSUPPORTED = ['organization_usage', 'allow_any_organization', 'authorization_details_types'] as const;

export const IGNORED_FIELDS = {
  client: [...CLIENT_READ_ONLY, ...CLIENT_UNSUPPORTED],
  resourceServer: [...RESOURCE_SERVER_READ_ONLY, ...RESOURCE_SERVER_UNSUPPORTED],
  user: [...USER_READ_ONLY, ...USER_UNSUPPORTED],
  connection: [...CONNECTION_READ_ONLY, ...CONNECTION_UNSUPPORTED],
  clientGrant: [...CLIENT_GRANT_READ_ONLY, ...CLIENT_GRANT_UNSUPPORTED],
} as const;

/** The Auth0 JSON of an entity's declared fields that have a top-level Auth0 name (null is left out). */
export function presentFields(fields: Record<string, FieldSpec>, entity: object): Record<string, unknown> {
  const values = entity as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(fields)) {
    const name = auth0Name(spec);
    if (name !== null) out[name] = values[key] ?? undefined;
  }
  return out;
}

/**
 * The entity's properties a validated body sets: each writable declared field present in it. `T` is
 * the entity the declaration describes; the body's schema was built from the same declaration.
 */
export function changesFrom<T>(fields: Record<string, FieldSpec>, body: object): Partial<T> {
  const values = body as Record<string, unknown>;
  const changes: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries<FieldSpec>(fields)) {
    const name = auth0Name(spec);
    if (!spec.readOnly && name !== null && values[name] !== undefined) changes[key] = values[name];
  }
  return changes as Partial<T>;
}

/** Zod shape entries accepting (any value of) each of these fields; the routes never read them. */
export function ignoredFields(names: readonly string[]): Record<string, z.ZodOptional<z.ZodUnknown>> {
  return Object.fromEntries(names.map((name) => [name, z.unknown().optional()]));
}

/**
 * The body without the fields we accept and ignore, before it is validated: the schema then names only
 * what we act on (and keeps its precise type), and still refuses any field that is not Auth0's.
 */
export function withoutIgnored(body: unknown, names: readonly string[]): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const ignored = new Set(names);
  return Object.fromEntries(Object.entries(body).filter(([key]) => !ignored.has(key)));
}

/** A validated body of this kind of entity (`IGNORED_FIELDS` key): the ignored fields dropped first. */
export function readAuth0Body<T extends z.ZodType>(schema: T, body: unknown, kind: keyof typeof IGNORED_FIELDS): z.infer<T> {
  return parseBody(schema, withoutIgnored(body, IGNORED_FIELDS[kind]));
}

/** One of an enumeration's values, with Auth0's kind of message naming them. */
export function oneOf<T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { message: `must be one of: ${values.join(', ')}` });
}
