/**
 * The route label of a request, for metrics and logs: one of a fixed set, so that a scanner sending
 * random paths cannot grow the metrics without bound (each label value is a time series).
 */
const KNOWN = new Set([
  '/',
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/.well-known/jwks.json',
  '/authorize',
  '/u/login',
  '/u/consent',
  '/u/consent/switch',
  '/u/account/apps',
  '/u/account/apps/revoke',
  '/u/account/login',
  '/oauth/token',
  '/oauth/revoke',
  '/oauth/introspect',
  '/userinfo',
  '/v2/logout',
  '/oidc/logout',
  '/oidc/register',
  '/healthz',
  '/readyz',
  '/metrics',
]);
const API_RESOURCES = new Set(['clients', 'resource-servers', 'grants', 'client-grants', 'connections', 'users', 'user-blocks', 'logs']);
const API_ACTIONS = new Set(['rotate-secret', 'logs', 'clients']);

/** `path` is relative to the issuer (the router's mount point). */
export function routeLabel(path: string): string {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (KNOWN.has(p)) return p;
  if (p.startsWith('/assets/')) return '/assets/*';
  if (p.startsWith('/oidc/register/')) return '/oidc/register/:id';
  const api = /^\/api\/v2\/([a-z-]+)(?:\/([^/]+))?(?:\/([a-z-]+))?$/.exec(p);
  if (api && API_RESOURCES.has(api[1] ?? '') && (api[3] === undefined || API_ACTIONS.has(api[3]))) {
    return `/api/v2/${api[1]}${api[2] ? '/:id' : ''}${api[3] ? `/${api[3]}` : ''}`;
  }
  return 'unmatched';
}
