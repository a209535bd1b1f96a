/** /api/v2/connections: database connections and the applications enabled on them. */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import type { Connection } from '../store/connectionsRepository.js';
import type { ConnectionService } from '../services/connectionService.js';
import { requireScope } from './authentication.js';
import { IGNORED_FIELDS, ignoredFields } from './auth0Fields.js';
import { invalidBody, notFound } from './errors.js';
import { pageResponse, parseBody, readFieldSelection, readPaging, readString } from './requests.js';

const clientIds = z.array(z.string().min(1).max(64)).max(1000);
const createSchema = z
  .object({
    name: z.string().max(128).regex(/^[A-Za-z0-9](-?[A-Za-z0-9])*$/, 'must be letters and digits, with single dashes between them'),
    strategy: z.literal('auth0', { message: 'only database connections (strategy "auth0") are supported' }),
    enabled_clients: clientIds.optional(),
    ...ignoredFields(IGNORED_FIELDS.connection),
  })
  .strict();
// name and strategy come back from GET; they cannot change, so only their current values pass.
const updateSchema = z
  .object({ enabled_clients: clientIds.optional(), name: z.string().optional(), strategy: z.string().optional(), ...ignoredFields(IGNORED_FIELDS.connection) })
  .strict();
const statusSchema = z.array(z.object({ client_id: z.string().min(1).max(64), status: z.boolean() }).strict()).min(1).max(50);

export function connectionsRoutes(ctx: AuthContext, service: ConnectionService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_connection', 'The connection does not exist');
  const present = async (c: Connection) => ({
    id: c.id,
    name: c.name,
    strategy: c.strategy,
    enabled_clients: await ctx.repos.connections.enabledClients(c.id),
    options: {},
    realms: [c.name],
  });
  const load = async (id: unknown) => {
    const connection = await ctx.repos.connections.findById(String(id));
    if (!connection) throw missing();
    return connection;
  };

  router.get('/connections', requireScope('read:connections'), async (req, res) => {
    const select = readFieldSelection(req);
    const paging = readPaging(req);
    const { items, total } = await ctx.repos.connections.search(
      { name: readString(req, 'name'), strategy: readString(req, 'strategy') },
      { offset: paging.offset, limit: paging.perPage },
    );
    res.json(pageResponse('connections', (await Promise.all(items.map(present))).map(select), total, paging));
  });

  router.post('/connections', requireScope('create:connections'), async (req, res) => {
    const body = parseBody(createSchema, req.body);
    res.status(201).json(await present(await service.create(body.name, body.enabled_clients ?? [])));
  });

  router.get('/connections/:id', requireScope('read:connections'), async (req, res) => {
    const select = readFieldSelection(req);
    res.json(select(await present(await load(req.params.id))));
  });

  router.patch('/connections/:id', requireScope('update:connections'), async (req, res) => {
    const body = parseBody(updateSchema, req.body);
    const connection = await load(req.params.id);
    if (body.name !== undefined && body.name !== connection.name) throw invalidBody('Payload validation error: the name of a connection cannot be changed.');
    if (body.strategy !== undefined && body.strategy !== connection.strategy) throw invalidBody('Payload validation error: the strategy of a connection cannot be changed.');
    if (body.enabled_clients) await service.replaceEnabledClients(connection.id, body.enabled_clients);
    res.json(await present(connection));
  });

  router.delete('/connections/:id', requireScope('delete:connections'), async (req, res) => {
    if (!(await ctx.repos.connections.delete(String(req.params.id)))) throw missing();
    res.status(204).end();
  });

  router.get('/connections/:id/clients', requireScope('read:connections'), async (req, res) => {
    const connection = await load(req.params.id);
    res.json({ clients: (await ctx.repos.connections.enabledClients(connection.id)).map((clientId) => ({ client_id: clientId })) });
  });

  router.patch('/connections/:id/clients', requireScope('update:connections'), async (req, res) => {
    const body = parseBody(statusSchema, req.body);
    const connection = await load(req.params.id);
    await service.setClientStatus(connection.id, body.map((c) => ({ clientId: c.client_id, enabled: c.status })));
    res.status(204).end();
  });
  return router;
}
