/** /api/v2/resource-servers: the APIs that access tokens are for, and their scopes. */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import type { ResourceServer } from '../domain/resourceServers.js';
import type { ResourceServerService } from '../services/resourceServerService.js';
import { requireScope } from './authentication.js';
import { invalidBody, notFound } from './errors.js';
import { IGNORED_FIELDS, ignoredFields } from './auth0Fields.js';
import { pageResponse, parseBody, readFieldSelection, readPaging } from './requests.js';

const scopeValue = z.string().min(1).max(280).regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'must be a scope token (no spaces or quotes)');
const scopes = z
  .array(z.object({ value: scopeValue, description: z.string().max(500).optional() }).strict())
  .max(500)
  .refine((list) => new Set(list.map((s) => s.value)).size === list.length, 'scope values must be unique');

const fields = {
  name: z.string().trim().min(1).max(255),
  scopes,
  token_lifetime: z.number().int().min(60).max(30 * 24 * 3600),
  signing_alg: z.literal('RS256', { message: 'only RS256 is supported' }),
  allow_offline_access: z.boolean(),
  skip_consent_for_verifiable_first_party_clients: z.boolean(),
};

const anyApiField = z.object(fields).partial();
const ignored = ignoredFields(IGNORED_FIELDS.resourceServer);
const createSchema = anyApiField.required({ name: true }).extend({ identifier: z.string().min(1).max(600), ...ignored }).strict();
// The identifier is immutable: its current value (as GET returns it) passes, any other is refused.
const updateSchema = anyApiField.extend({ identifier: z.unknown().optional(), ...ignored }).strict();

export function presentResourceServer(rs: ResourceServer): Record<string, unknown> {
  return {
    id: rs.id,
    name: rs.name,
    identifier: rs.identifier,
    scopes: rs.scopes,
    signing_alg: rs.signingAlg,
    token_lifetime: rs.tokenLifetime,
    allow_offline_access: rs.allowOfflineAccess,
    skip_consent_for_verifiable_first_party_clients: rs.skipConsentForVerifiableFirstPartyClients,
    is_system: rs.isSystem,
  };
}

export function resourceServersRoutes(ctx: AuthContext, service: ResourceServerService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_resource_server', 'The resource server does not exist');
  const withDescriptions = (list: { value: string; description?: string | undefined }[] | undefined) =>
    list?.map((s) => ({ value: s.value, description: s.description ?? '' }));

  router.post('/resource-servers', requireScope('create:resource_servers'), async (req, res) => {
    const body = parseBody(createSchema, req.body);
    const rs = await service.create({
      identifier: body.identifier,
      name: body.name,
      scopes: withDescriptions(body.scopes),
      tokenLifetime: body.token_lifetime,
      allowOfflineAccess: body.allow_offline_access,
      skipConsentForVerifiableFirstPartyClients: body.skip_consent_for_verifiable_first_party_clients,
    });
    res.status(201).json(presentResourceServer(rs));
  });

  router.get('/resource-servers', requireScope('read:resource_servers'), async (req, res) => {
    const select = readFieldSelection(req);
    const paging = readPaging(req);
    const { items, total } = await ctx.repos.resourceServers.list({ offset: paging.offset, limit: paging.perPage });
    res.json(pageResponse('resource_servers', items.map((rs) => select(presentResourceServer(rs))), total, paging));
  });

  router.get('/resource-servers/:id', requireScope('read:resource_servers'), async (req, res) => {
    const select = readFieldSelection(req);
    const rs = await ctx.repos.resourceServers.findById(String(req.params.id));
    if (!rs) throw missing();
    res.json(select(presentResourceServer(rs)));
  });

  router.patch('/resource-servers/:id', requireScope('update:resource_servers'), async (req, res) => {
    const body = parseBody(updateSchema, req.body);
    const stored = body.identifier === undefined ? null : await ctx.repos.resourceServers.findById(String(req.params.id));
    if (body.identifier !== undefined && body.identifier !== stored?.identifier) throw invalidBody('Payload validation error: identifier cannot be changed: it is the audience of issued tokens.');
    const rs = await service.update(String(req.params.id), {
      ...(body.name !== undefined && { name: body.name }),
      ...(body.scopes !== undefined && { scopes: withDescriptions(body.scopes) }),
      ...(body.token_lifetime !== undefined && { tokenLifetime: body.token_lifetime }),
      ...(body.allow_offline_access !== undefined && { allowOfflineAccess: body.allow_offline_access }),
      ...(body.skip_consent_for_verifiable_first_party_clients !== undefined && {
        skipConsentForVerifiableFirstPartyClients: body.skip_consent_for_verifiable_first_party_clients,
      }),
    });
    if (!rs) throw missing();
    res.json(presentResourceServer(rs));
  });

  router.delete('/resource-servers/:id', requireScope('delete:resource_servers'), async (req, res) => {
    if (!(await service.delete(String(req.params.id)))) throw missing();
    res.status(204).end();
  });
  return router;
}
