/**
 * /api/v2/grants: the consents users gave. Deleting one removes its refresh tokens (foreign key), so
 * the application loses offline access, and the next authorization shows the dialog again; each
 * deletion is a grant_revoked event naming the caller.
 */
import express, { type Response, type Router } from 'express';
import type { AuthContext } from '../context.js';
import { GRANT_FIELDS, type UserGrant } from '../domain/userGrants.js';
import { requestInfo } from '../services/auditLog.js';
import type { Revoker } from '../services/consentEvents.js';
import { GrantService } from '../services/grantService.js';
import { presentFields } from './auth0Fields.js';
import { requireScope } from './authentication.js';
import { invalidQuery, notFound } from './errors.js';
import { checkpointResponse, pageResponse, readCheckpoint, readFieldSelection, readPaging, readString } from './requests.js';

const present = (grant: UserGrant) => presentFields(GRANT_FIELDS, grant);

/** The caller, for the grant_revoked event: the client, and the administrator acting with a user's token. */
function revoker(res: Response): Revoker {
  return { via: 'management_api', clientId: res.locals.caller?.clientId ?? '', userId: res.locals.caller?.userId ?? null };
}

export function grantsRoutes(ctx: AuthContext): Router {
  const router = express.Router();
  const grants = new GrantService(ctx);

  router.get('/grants', requireScope('read:grants'), async (req, res) => {
    const select = readFieldSelection(req);
    const checkpoint = readCheckpoint(req);
    const paging = readPaging(req);
    const filter = { userId: readString(req, 'user_id'), clientId: readString(req, 'client_id'), audience: readString(req, 'audience') };
    if (checkpoint) {
      const { items, next } = await grants.listAfter(filter, checkpoint);
      res.json(checkpointResponse('grants', items.map((g) => select(present(g))), next));
      return;
    }
    const { items, total } = await grants.list(filter, { offset: paging.offset, limit: paging.perPage });
    res.json(pageResponse('grants', items.map((g) => select(present(g))), total, paging));
  });

  // Auth0 answers 204 even for an unknown id; we say 404, so a typo is not mistaken for a revocation.
  router.delete('/grants/:id', requireScope('delete:grants'), async (req, res) => {
    if (!(await grants.delete(String(req.params.id), revoker(res), requestInfo(req)))) throw notFound('inexistent_grant', 'The grant does not exist');
    res.status(204).end();
  });

  router.delete('/grants', requireScope('delete:grants'), async (req, res) => {
    const userId = readString(req, 'user_id');
    if (!userId) throw invalidQuery('Query validation error: user_id is required to delete grants in bulk.');
    await grants.deleteForUser(userId, revoker(res), requestInfo(req));
    res.status(204).end();
  });
  return router;
}
