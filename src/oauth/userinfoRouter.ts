/** GET|POST /userinfo (OIDC Core §5.3): the claims the token's profile and email scopes release. */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { noStore } from '../http/security.js';
import { corsForClient, corsPreflight } from '../http/cors.js';
import { releasedClaims, userinfoAudience } from '../services/authorizeService.js';
import { bearerToken, verifyAccessToken } from '../tokens/accessTokenVerifier.js';

export function userinfoRouter(ctx: AuthContext): Router {
  const router = express.Router();
  const audience = userinfoAudience(ctx.options.issuer);

  const fail = (res: Response, error: string, description: string) => {
    // RFC 6750 §3: the error goes in WWW-Authenticate, and a request without a token gets no error code.
    const params = error ? `, error="${error}", error_description="${description}"` : '';
    res.status(401).set('WWW-Authenticate', `Bearer realm="userinfo"${params}`).json(error ? { error, error_description: description } : {});
  };

  const userinfo = async (req: Request, res: Response) => {
    const token = bearerToken(req.headers.authorization, (req.body as Record<string, unknown> | undefined)?.access_token);
    if (!token) return fail(res, '', '');
    let scopes: string[];
    let sub: string;
    try {
      const payload = await verifyAccessToken(ctx.keys, token, ctx.options.issuer, audience);
      scopes = String(payload.scope ?? '').split(' ');
      sub = String(payload.sub);
      const clientId = typeof payload.client_id === 'string' ? payload.client_id : null;
      corsForClient(req, res, clientId ? await ctx.repos.clients.findById(clientId) : null);
    } catch {
      return fail(res, 'invalid_token', 'The access token is invalid or expired.');
    }
    if (!scopes.includes('openid')) {
      res.status(403).set('WWW-Authenticate', 'Bearer error="insufficient_scope", scope="openid"').json({ error: 'insufficient_scope' });
      return;
    }
    const user = sub.startsWith('auth0|') ? await ctx.repos.users.findById(sub.slice('auth0|'.length)) : null;
    if (sub.startsWith('auth0|') && (!user || user.blocked)) return fail(res, 'invalid_token', 'The user no longer exists.');
    const claims = user
      ? {
          name: user.name,
          nickname: user.nickname,
          picture: user.picture,
          updated_at: Math.floor(user.updatedAt / 1000),
          email: user.email,
          email_verified: user.emailVerified,
        }
      : {};
    res.json({ sub, ...releasedClaims(claims, scopes) });
  };

  router.options('/userinfo', corsPreflight((origin) => ctx.repos.clients.anyAllowsOrigin(origin), ['GET', 'POST']));
  router.get('/userinfo', noStore, userinfo);
  router.post('/userinfo', noStore, express.urlencoded({ extended: false, limit: '16kb' }), userinfo);
  return router;
}
