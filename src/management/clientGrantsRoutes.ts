/** /api/v2/client-grants: the audiences and scopes client_credentials can obtain. */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import type { ClientGrant } from '../store/clientGrantsRepository.js';
import type { ClientGrantService } from '../services/clientGrantService.js';
import { requireScope } from './authentication.js';
import { notFound } from './errors.js';
import { pageResponse, parseBody, readPaging, readString } from './requests.js';

const scopeList = z.array(z.string().min(1).max(280)).max(500);
const createSchema = z.object({ client_id: z.string().min(1).max(64), audience: z.string().min(1).max(600), scope: scopeList }).strict();
const updateSchema = z.object({ scope: scopeList }).strict();

const present = (grant: ClientGrant) => ({ id: grant.id, client_id: grant.clientId, audience: grant.audience, scope: grant.scopes });

export function clientGrantsRoutes(ctx: AuthContext, service: ClientGrantService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_client_grant', 'The client grant does not exist');

  router.post('/client-grants', requireScope('create:client_grants'), async (req, res) => {
    const body = parseBody(createSchema, req.body);
    res.status(201).json(present(await service.create({ clientId: body.client_id, audience: body.audience, scopes: body.scope })));
  });

  router.get('/client-grants', requireScope('read:client_grants'), async (req, res) => {
    const paging = readPaging(req);
    const { items, total } = await ctx.repos.clientGrants.list(
      { clientId: readString(req, 'client_id'), audience: readString(req, 'audience') },
      { offset: paging.offset, limit: paging.perPage },
    );
    res.json(pageResponse('client_grants', items.map(present), total, paging));
  });

  router.patch('/client-grants/:id', requireScope('update:client_grants'), async (req, res) => {
    const body = parseBody(updateSchema, req.body);
    const grant = await service.updateScopes(String(req.params.id), body.scope);
    if (!grant) throw missing();
    res.json(present(grant));
  });

  router.delete('/client-grants/:id', requireScope('delete:client_grants'), async (req, res) => {
    if (!(await ctx.repos.clientGrants.delete(String(req.params.id)))) throw missing();
    res.status(204).end();
  });
  return router;
}
