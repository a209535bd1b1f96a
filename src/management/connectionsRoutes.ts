/** /api/v2/connections: database and OpenID Connect connections, and the applications enabled on them. */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import { IGNORED_DATABASE_OPTIONS, IGNORED_OIDC_OPTIONS, type Connection } from '../domain/connections.js';
import type { ConnectionInput, ConnectionService } from '../services/connectionService.js';
import { requireScope } from './authentication.js';
import { IGNORED_FIELDS, ignoredFields } from './auth0Fields.js';
import { invalidBody, notFound } from './errors.js';
import { pageResponse, parseBody, readFieldSelection, readPaging, readString } from './requests.js';

const clientIds = z.array(z.string().min(1).max(64)).max(1000);
/** Auth0's connection fields we now act on leave the ignored list. */
const IGNORED_CONNECTION_FIELDS = IGNORED_FIELDS.connection.filter((name) => name !== 'options' && name !== 'display_name');
const displayName = z.string().min(1).max(128).nullable().optional();
const url = z
  .string()
  .max(2000)
  .url()
  .refine((value) => /^https?:\/\//i.test(value), 'must be an http(s) URL');

const databaseOptions = z.object({ disable_signup: z.boolean().optional(), ...ignoredFields(IGNORED_DATABASE_OPTIONS) }).strict();
const oidcOptions = z
  .object({
    type: z.enum(['front_channel', 'back_channel']).optional(),
    issuer: url.optional(),
    discovery_url: url.optional(),
    client_id: z.string().min(1).max(255),
    client_secret: z.string().min(1).max(1024).optional(),
    scope: z.string().max(1024).regex(/^[\x21\x23-\x5B\x5D-\x7E]+( [\x21\x23-\x5B\x5D-\x7E]+)*$/, 'must be space-separated scope values').optional(),
    ...ignoredFields(IGNORED_OIDC_OPTIONS),
  })
  .strict();

/** Only what we act on: the ignored Auth0 options are dropped here, never stored. */
function settingsOf(strategy: Connection['strategy'], options: unknown): ConnectionInput {
  if (strategy === 'oidc') {
    const { type, issuer, discovery_url, client_id, client_secret, scope } = parseBody(z.object({ options: oidcOptions }), { options }).options;
    return { strategy, options: { type, issuer, discovery_url, client_id, client_secret, scope } };
  }
  const { disable_signup } = parseBody(z.object({ options: databaseOptions }), { options: options ?? {} }).options;
  return { strategy, options: disable_signup === undefined ? {} : { disable_signup } };
}

const createSchema = z
  .object({
    name: z.string().max(128).regex(/^[A-Za-z0-9](-?[A-Za-z0-9])*$/, 'must be letters and digits, with single dashes between them'),
    strategy: z.enum(['auth0', 'oidc'], { message: 'only database connections (strategy "auth0") and OpenID Connect connections (strategy "oidc") are supported' }),
    display_name: displayName,
    enabled_clients: clientIds.optional(),
    options: z.unknown().optional(),
    ...ignoredFields(IGNORED_CONNECTION_FIELDS),
  })
  .strict()
  .refine((body) => body.strategy !== 'oidc' || body.options !== undefined, { message: 'options are required for strategy oidc', path: ['options'] });
// name and strategy come back from GET; they cannot change, so only their current values pass.
const updateSchema = z
  .object({
    enabled_clients: clientIds.optional(),
    name: z.string().optional(),
    strategy: z.string().optional(),
    display_name: displayName,
    options: z.unknown().optional(),
    ...ignoredFields(IGNORED_CONNECTION_FIELDS),
  })
  .strict();
const statusSchema = z.array(z.object({ client_id: z.string().min(1).max(64), status: z.boolean() }).strict()).min(1).max(50);

/** Auth0's options without the OIDC client secret, which is never returned. */
function presentOptions(connection: Connection): Record<string, unknown> {
  if (connection.strategy === 'auth0') return { ...connection.options };
  const { client_secret: _secret, issuer, discovery_url, ...rest } = connection.options;
  return { ...rest, ...(issuer ? { issuer } : {}), ...(discovery_url ? { discovery_url } : {}) };
}

export function connectionsRoutes(ctx: AuthContext, service: ConnectionService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_connection', 'The connection does not exist');
  const present = async (c: Connection) => ({
    id: c.id,
    name: c.name,
    strategy: c.strategy,
    ...(c.displayName ? { display_name: c.displayName } : {}),
    enabled_clients: await ctx.repos.connections.enabledClients(c.id),
    options: presentOptions(c),
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
    const settings = settingsOf(body.strategy, body.options);
    res.status(201).json(await present(await service.create({ name: body.name, displayName: body.display_name, enabledClients: body.enabled_clients ?? [], settings })));
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
    const settings = body.options === undefined ? undefined : settingsOf(connection.strategy, body.options);
    if (body.enabled_clients) await service.replaceEnabledClients(connection.id, body.enabled_clients);
    res.json(await present(await service.update(connection, { displayName: body.display_name, settings })));
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
