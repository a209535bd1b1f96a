/** /api/v2/client-grants: the audiences and scopes client_credentials can obtain. */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import type { ClientGrant } from '../store/clientGrantsRepository.js';
import type { ClientGrantService } from '../services/clientGrantService.js';
import { requireScope } from './authentication.js';
import { IGNORED_FIELDS, ignoredFields } from './auth0Fields.js';
import { invalidBody, notFound } from './errors.js';
import { checkpointResponse, pageResponse, parseBody, readCheckpoint, readFieldSelection, readPaging, readString } from './requests.js';

const scopeList = z.array(z.string().min(1).max(280)).max(500);
const ignored = ignoredFields(IGNORED_FIELDS.clientGrant);
const createSchema = z.object({ client_id: z.string().min(1).max(64), audience: z.string().min(1).max(600), scope: scopeList, ...ignored }).strict();
// client_id and audience come back from GET; they cannot change, so only their current values pass.
const updateSchema = z.object({ scope: scopeList.optional(), client_id: z.string().optional(), audience: z.string().optional(), ...ignored }).strict();

const present = (grant: ClientGrant) => ({ id: grant.id, client_id: grant.clientId, audience: grant.audience, scope: grant.scopes });

export function clientGrantsRoutes(ctx: AuthContext, service: ClientGrantService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_client_grant', 'The client grant does not exist');

  router.post('/client-grants', requireScope('create:client_grants'), async (req, res) => {
    const body = parseBody(createSchema, req.body);
    res.status(201).json(present(await service.create({ clientId: body.client_id, audience: body.audience, scopes: body.scope })));
  });

  router.get('/client-grants', requireScope('read:client_grants'), async (req, res) => {
    const select = readFieldSelection(req);
    const checkpoint = readCheckpoint(req);
    const paging = readPaging(req);
    const filter = { clientId: readString(req, 'client_id'), audience: readString(req, 'audience') };
    if (checkpoint) {
      const { items, next } = await ctx.repos.clientGrants.listAfter(filter, checkpoint);
      res.json(checkpointResponse('client_grants', items.map((g) => select(present(g))), next));
      return;
    }
    const { items, total } = await ctx.repos.clientGrants.list(filter, { offset: paging.offset, limit: paging.perPage });
    res.json(pageResponse('client_grants', items.map((g) => select(present(g))), total, paging));
  });

  router.get('/client-grants/:id', requireScope('read:client_grants'), async (req, res) => {
    const select = readFieldSelection(req);
    const grant = await ctx.repos.clientGrants.findById(String(req.params.id));
    if (!grant) throw missing();
    res.json(select(present(grant)));
  });

  router.patch('/client-grants/:id', requireScope('update:client_grants'), async (req, res) => {
    const body = parseBody(updateSchema, req.body);
    const stored = await ctx.repos.clientGrants.findById(String(req.params.id));
    if (!stored) throw missing();
    if (body.client_id !== undefined && body.client_id !== stored.clientId) throw invalidBody('Payload validation error: client_id of a client grant cannot be changed.');
    if (body.audience !== undefined && body.audience !== stored.audience) throw invalidBody('Payload validation error: audience of a client grant cannot be changed.');
    const grant = body.scope === undefined ? stored : await service.updateScopes(stored.id, body.scope);
    if (!grant) throw missing();
    res.json(present(grant));
  });

  router.delete('/client-grants/:id', requireScope('delete:client_grants'), async (req, res) => {
    if (!(await ctx.repos.clientGrants.delete(String(req.params.id)))) throw missing();
    res.status(204).end();
  });
  return router;
}
