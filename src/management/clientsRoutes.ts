/** /api/v2/clients: Auth0's application registry. */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import { APP_TYPES, AUTH_METHODS, GRANT_TYPES, type Client } from '../domain/clients.js';
import type { ClientService } from '../services/clientService.js';
import type { RegistryService } from '../services/registryService.js';
import { callerHas, requireScope } from './authentication.js';
import { invalidQuery, ManagementError, notFound } from './errors.js';
import { IGNORED_FIELDS, ignoredFields } from './auth0Fields.js';
import { checkpointResponse, pageResponse, parseBody, readBoolean, readCheckpoint, readFieldSelection, readPaging, readString } from './requests.js';

const url = z.string().max(2000);
const urlList = z.array(url).max(100);

const clientFields = {
  name: z.string().trim().min(1).max(255),
  description: z.string().max(140),
  logo_uri: z.string().max(2000).regex(/^https:\/\//, 'must be an https URL'),
  app_type: z.enum(APP_TYPES),
  token_endpoint_auth_method: z.enum(AUTH_METHODS),
  is_first_party: z.boolean(),
  callbacks: urlList,
  allowed_logout_urls: urlList,
  web_origins: urlList,
  allowed_origins: urlList,
  initiate_login_uri: z.string().max(2000).regex(/^https:\/\//, 'must be an https URL'),
  grant_types: z.array(z.enum(GRANT_TYPES)).max(GRANT_TYPES.length),
  jwt_configuration: z
    .object({
      alg: z.enum(['RS256', 'HS256']).optional(),
      lifetime_in_seconds: z.number().int().min(60).max(30 * 24 * 3600).optional(),
      secret_encoded: z.literal(false).optional(),
    })
    .strict(),
  client_metadata: z.record(z.string().max(255), z.string().max(255)),
  // GET returns it; every client here is OIDC-conformant, so only true can be honoured.
  oidc_conformant: z.literal(true, { message: 'only OIDC-conformant clients are supported (oidc_conformant: true)' }),
};

const anyClientField = z.object(clientFields).partial();
const clientSecret = z.string().min(32).max(512).optional();
// Auth0's read-only and unsupported fields are accepted and ignored (auth0Fields.ts); others are a 400.
const createSchema = anyClientField.required({ name: true }).extend({ client_secret: clientSecret, ...ignoredFields(IGNORED_FIELDS.client) }).strict();
const updateSchema = anyClientField.extend({ client_secret: clientSecret, ...ignoredFields(IGNORED_FIELDS.client) }).strict();

/** The Auth0 JSON of a client; the secret only for callers with read:client_keys. */
export function presentClient(client: Client, withSecret: boolean): Record<string, unknown> {
  return {
    client_id: client.clientId,
    ...(withSecret && client.clientSecret ? { client_secret: client.clientSecret } : {}),
    name: client.name,
    description: client.description,
    logo_uri: client.logoUri ?? undefined,
    app_type: client.appType,
    is_first_party: client.isFirstParty,
    oidc_conformant: true,
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    callbacks: client.callbacks,
    allowed_logout_urls: client.allowedLogoutUrls,
    web_origins: client.webOrigins,
    allowed_origins: client.allowedOrigins,
    initiate_login_uri: client.initiateLoginUri ?? undefined,
    grant_types: client.grantTypes,
    jwt_configuration: { alg: client.jwtAlg, lifetime_in_seconds: client.jwtLifetimeInSeconds, secret_encoded: false },
    client_metadata: client.clientMetadata,
    is_dynamically_registered: client.isDynamic,
  };
}

type ClientBody = z.infer<typeof updateSchema>;

function toChanges(body: ClientBody) {
  return {
    ...(body.name !== undefined && { name: body.name }),
    ...(body.description !== undefined && { description: body.description }),
    ...(body.logo_uri !== undefined && { logoUri: body.logo_uri }),
    ...(body.app_type !== undefined && { appType: body.app_type }),
    ...(body.token_endpoint_auth_method !== undefined && { tokenEndpointAuthMethod: body.token_endpoint_auth_method }),
    ...(body.is_first_party !== undefined && { isFirstParty: body.is_first_party }),
    ...(body.callbacks !== undefined && { callbacks: body.callbacks }),
    ...(body.allowed_logout_urls !== undefined && { allowedLogoutUrls: body.allowed_logout_urls }),
    ...(body.web_origins !== undefined && { webOrigins: body.web_origins }),
    ...(body.allowed_origins !== undefined && { allowedOrigins: body.allowed_origins }),
    ...(body.initiate_login_uri !== undefined && { initiateLoginUri: body.initiate_login_uri }),
    ...(body.grant_types !== undefined && { grantTypes: body.grant_types }),
    ...(body.jwt_configuration?.alg !== undefined && { jwtAlg: body.jwt_configuration.alg }),
    ...(body.jwt_configuration?.lifetime_in_seconds !== undefined && { jwtLifetimeInSeconds: body.jwt_configuration.lifetime_in_seconds }),
    ...(body.client_metadata !== undefined && { clientMetadata: body.client_metadata }),
    ...(body.client_secret !== undefined && { clientSecret: body.client_secret }),
  };
}

export function clientsRoutes(ctx: AuthContext, registry: RegistryService, clients: ClientService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_client', 'The client does not exist');

  router.post('/clients', requireScope('create:clients'), async (req, res) => {
    const body = parseBody(createSchema, req.body);
    const changes = toChanges(body);
    const client = await registry.createClient({ ...changes, name: body.name, appType: body.app_type ?? 'regular_web' });
    // The creator receives the secret once, as with Auth0; later reads need read:client_keys.
    res.status(201).json(presentClient(client, true));
  });

  router.get('/clients', requireScope('read:clients'), async (req, res) => {
    const select = readFieldSelection(req);
    const checkpoint = readCheckpoint(req);
    const paging = readPaging(req);
    const appTypes = readString(req, 'app_type')?.split(',').filter(Boolean);
    const invalid = appTypes?.find((t) => !(APP_TYPES as readonly string[]).includes(t));
    if (invalid) throw invalidQuery(`Query validation error: unknown app_type "${invalid}".`);
    const filter = { appTypes: appTypes as Client['appType'][] | undefined, isFirstParty: readBoolean(req, 'is_first_party') };
    const withSecret = callerHas(res, 'read:client_keys');
    const show = (c: Client) => select(presentClient(c, withSecret));
    if (checkpoint) {
      const { clients: list, next } = await ctx.repos.clients.listAfter(filter, checkpoint);
      res.json(checkpointResponse('clients', list.map(show), next));
      return;
    }
    const { clients: list, total } = await ctx.repos.clients.list(filter, { offset: paging.offset, limit: paging.perPage });
    res.json(pageResponse('clients', list.map(show), total, paging));
  });

  router.get('/clients/:id', requireScope('read:clients'), async (req, res) => {
    const select = readFieldSelection(req);
    const client = await ctx.repos.clients.findById(req.params.id as string);
    if (!client) throw missing();
    res.json(select(presentClient(client, callerHas(res, 'read:client_keys'))));
  });

  router.patch('/clients/:id', requireScope('update:clients'), async (req, res) => {
    const body = parseBody(updateSchema, req.body);
    if (body.client_secret !== undefined && !callerHas(res, 'update:client_keys')) {
      throw new ManagementError(403, 'insufficient_scope', 'Insufficient scope; expected any of: update:client_keys');
    }
    const client = await clients.update(req.params.id as string, toChanges(body));
    if (!client) throw missing();
    res.json(presentClient(client, callerHas(res, 'read:client_keys')));
  });

  router.delete('/clients/:id', requireScope('delete:clients'), async (req, res) => {
    if (!(await clients.delete(req.params.id as string))) throw missing();
    res.status(204).end();
  });

  router.post('/clients/:id/rotate-secret', requireScope('update:client_keys'), async (req, res) => {
    const client = await clients.rotateSecret(req.params.id as string);
    if (!client) throw missing();
    res.json(presentClient(client, true));
  });
  return router;
}
