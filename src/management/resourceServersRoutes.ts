/** /api/v2/resource-servers: the APIs that access tokens are for, their scopes and access policies. */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import type { WritableAuth0Name } from '../domain/fieldMapping.js';
import { CLIENT_ACCESS_POLICIES, RESOURCE_SERVER_FIELDS, USER_ACCESS_POLICIES, type ResourceServer } from '../domain/resourceServers.js';
import type { ResourceServerService } from '../services/resourceServerService.js';
import { requireScope } from './authentication.js';
import { notFound } from './errors.js';
import { changesFrom, oneOf, presentFields, readAuth0Body } from './auth0Fields.js';
import { pageResponse, readFieldSelection, readPaging } from './requests.js';

const scopeValue = z.string().min(1).max(280).regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be a scope token (no spaces or quotes)');
/** The description in other languages, by language tag: `{ "fr": "Lire vos rendez-vous" }` (README, Languages). */
const descriptions = z
  .record(z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "fr" or "pt-BR"'), z.string().max(500))
  .refine((map) => Object.keys(map).length <= 50, 'at most 50 languages');
const scopes = z
  .array(z.object({ value: scopeValue, description: z.string().max(500).optional(), descriptions: descriptions.optional() }).strict())
  .max(500)
  .refine((list) => new Set(list.map((s) => s.value)).size === list.length, 'scope values must be unique');
const policy = <T extends readonly [string, ...string[]]>(values: T) => z.object({ policy: oneOf(values) }).strict();

/** Every writable declared field (RESOURCE_SERVER_FIELDS), by its Auth0 name; the compiler checks none is missing. */
const declaredFields = {
  identifier: z.string().min(1).max(600),
  name: z.string().trim().min(1).max(255),
  token_lifetime: z.number().int().min(60).max(30 * 24 * 3600),
  signing_alg: z.literal('RS256', { message: 'only RS256 is supported' }),
  allow_offline_access: z.boolean(),
  skip_consent_for_verifiable_first_party_clients: z.boolean(),
} satisfies Record<WritableAuth0Name<typeof RESOURCE_SERVER_FIELDS>, z.ZodType>;

const fields = {
  ...declaredFields,
  scopes,
  // Auth0's API access policies. There are no anonymous-user flows here, so only their refusal can be honoured.
  subject_type_authorization: z
    .object({
      user: policy(USER_ACCESS_POLICIES).optional(),
      client: policy(CLIENT_ACCESS_POLICIES).optional(),
      anonymous_user: policy(['deny_all']).optional(),
    })
    .strict(),
};

const anyApiField = z.object(fields).partial();
const createSchema = anyApiField.required({ name: true, identifier: true }).strict();
// The identifier is immutable: its current value (as GET returns it) passes, any other is refused.
const updateSchema = anyApiField.extend({ identifier: z.unknown().optional() }).strict();

export function presentResourceServer(rs: ResourceServer): Record<string, unknown> {
  return {
    ...presentFields(RESOURCE_SERVER_FIELDS, rs),
    scopes: rs.scopes,
    subject_type_authorization: { user: { policy: rs.accessPolicy.user }, client: { policy: rs.accessPolicy.client } },
  };
}

type ApiBody = z.infer<typeof updateSchema>;

function toChanges(body: ApiBody) {
  const access = body.subject_type_authorization;
  return {
    ...changesFrom<ResourceServer>(RESOURCE_SERVER_FIELDS, body),
    identifier: body.identifier,
    ...(body.scopes !== undefined && { scopes: body.scopes.map((s) => ({ value: s.value, description: s.description ?? '', ...(s.descriptions && Object.keys(s.descriptions).length > 0 && { descriptions: s.descriptions }) })) }),
    ...(access && { accessPolicy: { ...(access.user && { user: access.user.policy }), ...(access.client && { client: access.client.policy }) } }),
  };
}

export function resourceServersRoutes(_ctx: AuthContext, service: ResourceServerService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_resource_server', 'The resource server does not exist');

  router.post('/resource-servers', requireScope('create:resource_servers'), async (req, res) => {
    const body = readAuth0Body(createSchema, req.body, 'resourceServer');
    res.status(201).json(presentResourceServer(await service.create({ ...toChanges(body), identifier: body.identifier, name: body.name })));
  });

  router.get('/resource-servers', requireScope('read:resource_servers'), async (req, res) => {
    const select = readFieldSelection(req);
    const paging = readPaging(req);
    const { items, total } = await service.list({ offset: paging.offset, limit: paging.perPage });
    res.json(pageResponse('resource_servers', items.map((rs) => select(presentResourceServer(rs))), total, paging));
  });

  router.get('/resource-servers/:id', requireScope('read:resource_servers'), async (req, res) => {
    const select = readFieldSelection(req);
    const rs = await service.find(String(req.params.id));
    if (!rs) throw missing();
    res.json(select(presentResourceServer(rs)));
  });

  router.patch('/resource-servers/:id', requireScope('update:resource_servers'), async (req, res) => {
    const rs = await service.update(String(req.params.id), toChanges(readAuth0Body(updateSchema, req.body, 'resourceServer')));
    if (!rs) throw missing();
    res.json(presentResourceServer(rs));
  });

  router.delete('/resource-servers/:id', requireScope('delete:resource_servers'), async (req, res) => {
    if (!(await service.delete(String(req.params.id)))) throw missing();
    res.status(204).end();
  });
  return router;
}
