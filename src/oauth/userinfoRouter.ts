/** GET|POST /userinfo (OIDC Core §5.3): the claims the token's profile and email scopes release. */
import express, { type Request, type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { noStore } from '../http/security.js';
import { corsForClient, corsPreflight } from '../http/cors.js';
import { anyClientAllowsOrigin } from '../services/clientLookup.js';
import type { UserinfoService } from '../services/userinfoService.js';
import { bearerToken } from '../tokens/accessTokenVerifier.js';

export function userinfoRouter(ctx: AuthContext, service: UserinfoService): Router {
  const router = express.Router();

  const fail = (res: Response, error: string, description: string) => {
    // RFC 6750 §3: the error goes in WWW-Authenticate, and a request without a token gets no error code.
    // A header value is ASCII without quotes inside a quoted string.
    const quoted = description.replace(/[^\x20-\x7e]|"/g, '');
    const params = error ? `, error="${error}", error_description="${quoted}"` : '';
    res.status(401).set('WWW-Authenticate', `Bearer realm="userinfo"${params}`).json(error ? { error, error_description: description } : {});
  };

  const userinfo = async (req: Request, res: Response) => {
    const token = bearerToken(req.headers.authorization, (req.body as Record<string, unknown> | undefined)?.access_token);
    if (!token) return fail(res, '', '');
    const answer = await service.answer(token);
    if (answer.kind === 'invalid_token') return fail(res, 'invalid_token', answer.description);
    corsForClient(req, res, answer.client);
    if (answer.kind === 'insufficient_scope') {
      res.status(403).set('WWW-Authenticate', 'Bearer error="insufficient_scope", scope="openid"').json({ error: 'insufficient_scope' });
      return;
    }
    res.json(answer.claims);
  };

  router.options('/userinfo', corsPreflight((origin) => anyClientAllowsOrigin(ctx, origin), ['GET', 'POST']));
  router.get('/userinfo', noStore, userinfo);
  router.post('/userinfo', noStore, express.urlencoded({ extended: false, limit: '16kb' }), userinfo);
  return router;
}
