/**
 * The issuer's root (a small landing page linking to discovery and the account page) and a styled
 * 404, instead of Express's bare "Cannot GET /". Both carry the pages' security headers.
 */
import type { RequestHandler } from 'express';
import type { PageRenderer } from '../http/render.js';
import { pageSecurity } from '../http/security.js';

export function landingPage(render: PageRenderer): RequestHandler[] {
  return [
    ...pageSecurity(),
    (req, res, next) => {
      const base = req.baseUrl;
      render(res, 'landing', {
        discoveryUrl: `${base}/.well-known/openid-configuration`,
        jwksUrl: `${base}/.well-known/jwks.json`,
        accountUrl: `${base}/u/account/apps`,
      }).catch(next);
    },
  ];
}

/**
 * For the end of the host's app (the standalone server mounts it last): any request nothing else
 * answered. `assetsPath` is the issuer's, since this runs outside the router.
 */
export function notFoundPage(render: PageRenderer, issuerPath: string): RequestHandler[] {
  const assetsPath = `${issuerPath.replace(/\/$/, '')}/assets`;
  return [
    ...pageSecurity(),
    (_req, res, next) => {
      res.locals.assetsPath = assetsPath;
      render(res, 'not_found', { homeUrl: issuerPath }, 404).catch(next);
    },
  ];
}
