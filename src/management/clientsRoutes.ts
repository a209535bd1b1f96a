/** /api/v2/clients: Auth0's application registry. */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import { APP_TYPES, AUTH_METHODS, CLIENT_FIELDS, GRANT_TYPES, REDIRECTION_POLICIES, THIRD_PARTY_SECURITY_MODES, type Client } from '../domain/clients.js';
import type { WritableAuth0Name } from '../domain/fieldMapping.js';
import type { ClientChanges, ClientService } from '../services/clientService.js';
import type { RegistryService } from '../services/registryService.js';
import { callerHas, requireScope } from './authentication.js';
import { invalidQuery, ManagementError, notFound } from './errors.js';
import { changesFrom, oneOf, presentFields, readAuth0Body } from './auth0Fields.js';
import { checkpointResponse, pageResponse, readBoolean, readCheckpoint, readFieldSelection, readPaging, readString } from './requests.js';

const url = z.string().max(2000);
const urlList = z.array(url).max(100);

/** Every writable declared field (CLIENT_FIELDS), by its Auth0 name; the compiler checks none is missing. */
const declaredFields = {
  name: z.string().trim().min(1).max(255),
  description: z.string().max(140),
  logo_uri: z.string().max(2000).regex(/^https:\/\//, 'must be an https URL'),
  app_type: oneOf(APP_TYPES),
  token_endpoint_auth_method: oneOf(AUTH_METHODS),
  is_first_party: z.boolean(),
  callbacks: urlList,
  allowed_logout_urls: urlList,
  web_origins: urlList,
  allowed_origins: urlList,
  initiate_login_uri: z.string().max(2000).regex(/^https:\/\//, 'must be an https URL'),
  grant_types: z.array(oneOf(GRANT_TYPES)).max(GRANT_TYPES.length),
  client_metadata: z.record(z.string().max(255), z.string().max(255)),
  third_party_security_mode: oneOf(THIRD_PARTY_SECURITY_MODES),
  redirection_policy: oneOf(REDIRECTION_POLICIES),
} satisfies Record<WritableAuth0Name<typeof CLIENT_FIELDS>, z.ZodType>;

const clientFields = {
  ...declaredFields,
  jwt_configuration: z
    .object({
      alg: z.enum(['RS256', 'HS256']).optional(),
      lifetime_in_seconds: z.number().int().min(60).max(30 * 24 * 3600).optional(),
      secret_encoded: z.literal(false).optional(),
    })
    .strict(),
  // GET returns it; every client here is OIDC-conformant, so only true can be honoured.
  oidc_conformant: z.literal(true, { message: 'only OIDC-conformant clients are supported (oidc_conformant: true)' }),
  client_secret: z.string().min(32).max(512),
};

const anyClientField = z.object(clientFields).partial();
// Auth0's read-only and unsupported fields are dropped before these see a body (readAuth0Body); others are a 400.
const createSchema = anyClientField.required({ name: true }).strict();
const updateSchema = anyClientField.strict();

type ClientBody = z.infer<typeof updateSchema>;

/** The Auth0 JSON of a client; the secret only for callers with read:client_keys, and only when it can be read. */
export function presentClient(client: Client, withSecret: boolean): Record<string, unknown> {
  return {
    ...presentFields(CLIENT_FIELDS, client),
    ...(withSecret && client.clientSecret ? { client_secret: client.clientSecret } : {}),
    oidc_conformant: true,
    jwt_configuration: { alg: client.jwtAlg, lifetime_in_seconds: client.jwtLifetimeInSeconds, secret_encoded: false },
  };
}

function toChanges(body: ClientBody): ClientChanges {
  return {
    ...changesFrom<ClientChanges>(CLIENT_FIELDS, body),
    ...(body.jwt_configuration?.alg !== undefined && { jwtAlg: body.jwt_configuration.alg }),
    ...(body.jwt_configuration?.lifetime_in_seconds !== undefined && { jwtLifetimeInSeconds: body.jwt_configuration.lifetime_in_seconds }),
    ...(body.client_secret !== undefined && { clientSecret: body.client_secret }),
  };
}

/** A secret that does not decrypt is the operator's problem to know of, not a 500 (README: client secrets at rest). */
const unreadableSecret = (clientId: string) =>
  new ManagementError(
    409,
    'client_secret_unreadable',
    `The secret of client ${clientId} cannot be decrypted with the configured secretEncryptionKey (the key changed or is missing, or the stored value was altered), so the client cannot authenticate. Rotate it (POST /api/v2/clients/${clientId}/rotate-secret), or read the client without client_secret (fields=client_secret&include_fields=false).`,
  );

export function clientsRoutes(_ctx: AuthContext, _registry: RegistryService, clients: ClientService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_client', 'The client does not exist');

  router.post('/clients', requireScope('create:clients'), async (req, res) => {
    const body = readAuth0Body(createSchema, req.body, 'client');
    const client = await clients.create({
      ...toChanges(body),
      // The two fields a client may lack, which NewClient types without null.
      clientSecret: body.client_secret,
      thirdPartySecurityMode: body.third_party_security_mode,
      name: body.name,
      appType: body.app_type ?? 'regular_web',
    });
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
    // In a list, a client whose secret cannot be read is shown without it rather than failing the page.
    const show = (c: Client) => select(presentClient(c, withSecret));
    if (checkpoint) {
      const { clients: list, next } = await clients.listAfter(filter, checkpoint);
      res.json(checkpointResponse('clients', list.map(show), next));
      return;
    }
    const { clients: list, total } = await clients.list(filter, { offset: paging.offset, limit: paging.perPage });
    res.json(pageResponse('clients', list.map(show), total, paging));
  });

  router.get('/clients/:id', requireScope('read:clients'), async (req, res) => {
    const select = readFieldSelection(req);
    const client = await clients.find(req.params.id as string);
    if (!client) throw missing();
    const withSecret = callerHas(res, 'read:client_keys');
    if (withSecret && client.secretUnreadable && 'client_secret' in select({ client_secret: null })) throw unreadableSecret(client.clientId);
    res.json(select(presentClient(client, withSecret)));
  });

  router.patch('/clients/:id', requireScope('update:clients'), async (req, res) => {
    const body = readAuth0Body(updateSchema, req.body, 'client');
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
