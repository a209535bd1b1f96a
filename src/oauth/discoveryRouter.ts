/** OpenID Provider metadata (OIDC Discovery 1.0, RFC 8414) and the JWKS: exactly what is implemented. */
import { LOCALES } from '../http/texts.js';
import express, { type RequestHandler, type Router } from 'express';
import type { AuthContext } from '../context.js';
import type { ResolvedOptions } from '../options.js';
import { RESPONSE_MODES_SUPPORTED, RESPONSE_TYPES_SUPPORTED } from '../domain/authorizationRequest.js';
import { AUTH_METHODS } from '../domain/clients.js';
import { GRANT_TYPES_SUPPORTED } from '../services/grantHandlers.js';

export function discoveryMetadata(options: Pick<ResolvedOptions, 'issuer' | 'dynamicClientRegistration' | 'clientIdMetadataDocuments'>): Record<string, unknown> {
  const { issuer } = options;
  return {
    ...(options.dynamicClientRegistration ? { registration_endpoint: `${issuer}oidc/register` } : {}),
    ...(options.clientIdMetadataDocuments ? { client_id_metadata_document_supported: true } : {}),
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    revocation_endpoint: `${issuer}oauth/revoke`,
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint: `${issuer}oauth/introspect`,
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    jwks_uri: `${issuer}.well-known/jwks.json`,
    userinfo_endpoint: `${issuer}userinfo`,
    end_session_endpoint: `${issuer}oidc/logout`,
    response_types_supported: [...RESPONSE_TYPES_SUPPORTED],
    response_modes_supported: [...RESPONSE_MODES_SUPPORTED],
    grant_types_supported: [...GRANT_TYPES_SUPPORTED, 'implicit'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256', 'HS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'] satisfies (typeof AUTH_METHODS)[number][],
    code_challenge_methods_supported: ['S256'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'name', 'nickname', 'picture', 'updated_at', 'email', 'email_verified'],
    prompt_values_supported: ['none', 'login', 'consent'],
    ui_locales_supported: [...LOCALES],
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
  };
}

/**
 * The metadata at both well-known names, relative to the issuer: OIDC Discovery's
 * `{issuer}.well-known/openid-configuration` and RFC 8414's `oauth-authorization-server`, which clients
 * such as oauth4webapi ask for when they speak plain OAuth 2.0.
 */
export function discoveryRouter(ctx: AuthContext): Router {
  const router = express.Router();
  const metadata = discoveryMetadata(ctx.options);
  router.get(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'], publicJson(() => metadata));
  router.get('/.well-known/jwks.json', publicJson(() => ctx.keys.jwks()));
  return router;
}

/**
 * For an issuer with a path (https://example.com/auth/), RFC 8414 §3.1 inserts the well-known name
 * between host and path: /.well-known/oauth-authorization-server/auth. That URL is outside the
 * router's mount point, so the host mounts this small router at its root (the standalone server does).
 */
export function rootWellKnownRouter(ctx: AuthContext): Router {
  const router = express.Router();
  const path = ctx.options.issuerUrl.pathname.replace(/\/$/, '');
  if (path === '') return router;
  const metadata = discoveryMetadata(ctx.options);
  router.get([`/.well-known/oauth-authorization-server${path}`, `/.well-known/openid-configuration${path}`], publicJson(() => metadata));
  return router;
}

/** Public documents any web page may read (RFC 9700 §2.6 allows CORS on metadata and JWKS). */
function publicJson(body: () => unknown): RequestHandler {
  return (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').set('Access-Control-Allow-Origin', '*').json(body());
  };
}
