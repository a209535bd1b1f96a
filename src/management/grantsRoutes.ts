/**
 * /api/v2/grants: the consents users gave. Deleting one removes its refresh tokens (foreign key), so
 * the application loses offline access, and the next authorization shows the dialog again.
 */
import express, { type Router } from 'express';
import type { AuthContext } from '../context.js';
import type { UserGrant } from '../store/grantsRepository.js';
import { requireScope } from './authentication.js';
import { invalidQuery, notFound } from './errors.js';
import { checkpointResponse, pageResponse, readCheckpoint, readFieldSelection, readPaging, readString } from './requests.js';

// Auth0's shape, with its camelCase clientID.
const present = (grant: UserGrant) => ({ id: grant.id, clientID: grant.clientId, user_id: grant.userId, audience: grant.audience, scope: grant.scopes });

export function grantsRoutes(ctx: AuthContext): Router {
  const router = express.Router();

  router.get('/grants', requireScope('read:grants'), async (req, res) => {
    const select = readFieldSelection(req);
    const checkpoint = readCheckpoint(req);
    const paging = readPaging(req);
    const filter = { userId: readString(req, 'user_id'), clientId: readString(req, 'client_id'), audience: readString(req, 'audience') };
    if (checkpoint) {
      const { items, next } = await ctx.repos.grants.listAfter(filter, checkpoint);
      res.json(checkpointResponse('grants', items.map((g) => select(present(g))), next));
      return;
    }
    const { items, total } = await ctx.repos.grants.list(filter, { offset: paging.offset, limit: paging.perPage });
    res.json(pageResponse('grants', items.map((g) => select(present(g))), total, paging));
  });

  // Auth0 answers 204 even for an unknown id; we say 404, so a typo is not mistaken for a revocation.
  router.delete('/grants/:id', requireScope('delete:grants'), async (req, res) => {
    if (!(await ctx.repos.grants.delete(String(req.params.id)))) throw notFound('inexistent_grant', 'The grant does not exist');
    res.status(204).end();
  });

  router.delete('/grants', requireScope('delete:grants'), async (req, res) => {
    const userId = readString(req, 'user_id');
    if (!userId) throw invalidQuery('Query validation error: user_id is required to delete grants in bulk.');
    await ctx.repos.grants.deleteForUser(userId);
    res.status(204).end();
  });
  return router;
}
