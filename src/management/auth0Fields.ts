/**
 * Fields Auth0 defines that a body may carry and that this server accepts without acting on them:
 * the read-only ones every GET returns (so what we return can be sent back as is), and Auth0 settings
 * for features this server does not have. A field that is neither ours nor Auth0's is still a 400
 * naming it, so a typo is never silently dropped. The README's "Auth0 compatibility" lists them.
 */
import { z } from 'zod';

/** Read-only on clients: returned by GET (or by Auth0's), never set by a body. */
const CLIENT_READ_ONLY = ['client_id', 'tenant', 'global', 'callback_url_template', 'signing_keys', 'is_dynamically_registered'] as const;
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

const RESOURCE_SERVER_READ_ONLY = ['id', 'is_system'] as const;
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

const CLIENT_GRANT_READ_ONLY = ['id', 'is_system'] as const;
const CLIENT_GRANT_UNSUPPORTED = ['organization_usage', 'allow_any_organization', 'authorization_details_types'] as const;

export const IGNORED_FIELDS = {
  client: [...CLIENT_READ_ONLY, ...CLIENT_UNSUPPORTED],
  resourceServer: [...RESOURCE_SERVER_READ_ONLY, ...RESOURCE_SERVER_UNSUPPORTED],
  user: [...USER_READ_ONLY, ...USER_UNSUPPORTED],
  connection: [...CONNECTION_READ_ONLY, ...CONNECTION_UNSUPPORTED],
  clientGrant: [...CLIENT_GRANT_READ_ONLY, ...CLIENT_GRANT_UNSUPPORTED],
} as const;

/** Zod shape entries accepting (any value of) each of these fields; the routes never read them. */
export function ignoredFields(names: readonly string[]): Record<string, z.ZodOptional<z.ZodUnknown>> {
  return Object.fromEntries(names.map((name) => [name, z.unknown().optional()]));
}
