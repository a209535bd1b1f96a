/** /api/v2/client-grants: the APIs and scopes a client may obtain, and the default permissions of third-party clients. */
import express, { type Router } from 'express';
import { z } from 'zod';
import type { AuthContext } from '../context.js';
import { CLIENT_GRANT_FIELDS, CLIENT_GRANT_SUBJECT_TYPES, DEFAULT_CLIENT_GRANT_FIELDS, DEFAULT_FOR, type ClientGrantSubjectType } from '../domain/clientGrants.js';
import type { WritableAuth0Name } from '../domain/fieldMapping.js';
import { isDefaultGrant, type AnyClientGrant, type ClientGrantService } from '../services/clientGrantService.js';
import { requireScope } from './authentication.js';
import { oneOf, presentFields, readAuth0Body } from './auth0Fields.js';
import { invalidQuery, notFound } from './errors.js';
import { checkpointResponse, pageResponse, readCheckpoint, readFieldSelection, readPaging, readString } from './requests.js';


/** Every writable declared field of both kinds of grant, by its Auth0 name; the compiler checks none is missing. */
const declaredFields = {
  client_id: z.string().min(1).max(64),
  default_for: oneOf(DEFAULT_FOR),
  audience: z.string().min(1).max(600),
  scope: z.array(z.string().min(1).max(280)).max(500),
  // Auth0 also has anonymous_user; there are no anonymous flows here.
  subject_type: oneOf(CLIENT_GRANT_SUBJECT_TYPES),
} satisfies Record<WritableAuth0Name<typeof CLIENT_GRANT_FIELDS> | WritableAuth0Name<typeof DEFAULT_CLIENT_GRANT_FIELDS>, z.ZodType>;

// allow_all_scopes is Auth0's; a grant here always lists its scopes, so only false can be honoured.
const grantFields = z.object({ ...declaredFields, allow_all_scopes: z.literal(false, { message: 'only false is supported: list the scopes' }) }).partial();
const createSchema = grantFields.required({ audience: true }).strict();
const updateSchema = grantFields.strict();

const present = (grant: AnyClientGrant) => (isDefaultGrant(grant) ? presentFields(DEFAULT_CLIENT_GRANT_FIELDS, grant) : presentFields(CLIENT_GRANT_FIELDS, grant));

type GrantBody = z.infer<typeof updateSchema>;

const toRequest = (body: GrantBody) => ({ clientId: body.client_id, defaultFor: body.default_for, audience: body.audience, subjectType: body.subject_type, scopes: body.scope });

function readSubjectType(value: string | undefined): ClientGrantSubjectType | undefined {
  if (value === undefined || (CLIENT_GRANT_SUBJECT_TYPES as readonly string[]).includes(value)) return value as ClientGrantSubjectType | undefined;
  throw invalidQuery(`Query validation error: 'subject_type' must be one of: ${CLIENT_GRANT_SUBJECT_TYPES.join(', ')}.`);
}

function readDefaultFor(value: string | undefined): (typeof DEFAULT_FOR)[number] | undefined {
  if (value === undefined || value === 'third_party_clients') return value;
  throw invalidQuery("Query validation error: 'default_for' must be third_party_clients.");
}

export function clientGrantsRoutes(_ctx: AuthContext, service: ClientGrantService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_client_grant', 'The client grant does not exist');

  router.post('/client-grants', requireScope('create:client_grants'), async (req, res) => {
    const body = readAuth0Body(createSchema, req.body, 'clientGrant');
    res.status(201).json(present(await service.createAny({ ...toRequest(body), audience: body.audience, scopes: body.scope ?? [] })));
  });

  router.get('/client-grants', requireScope('read:client_grants'), async (req, res) => {
    const select = readFieldSelection(req);
    const checkpoint = readCheckpoint(req);
    const paging = readPaging(req);
    const filter = {
      clientId: readString(req, 'client_id'),
      audience: readString(req, 'audience'),
      subjectType: readSubjectType(readString(req, 'subject_type')),
      defaultFor: readDefaultFor(readString(req, 'default_for')),
    };
    if (checkpoint) {
      const { items, next } = await service.listAfter(filter, checkpoint);
      res.json(checkpointResponse('client_grants', items.map((g) => select(present(g))), next));
      return;
    }
    const { items, total } = await service.list(filter, { offset: paging.offset, limit: paging.perPage });
    res.json(pageResponse('client_grants', items.map((g) => select(present(g))), total, paging));
  });

  router.get('/client-grants/:id', requireScope('read:client_grants'), async (req, res) => {
    const select = readFieldSelection(req);
    const grant = await service.find(String(req.params.id));
    if (!grant) throw missing();
    res.json(select(present(grant)));
  });

  router.patch('/client-grants/:id', requireScope('update:client_grants'), async (req, res) => {
    const grant = await service.update(String(req.params.id), toRequest(readAuth0Body(updateSchema, req.body, 'clientGrant')));
    if (!grant) throw missing();
    res.json(present(grant));
  });

  router.delete('/client-grants/:id', requireScope('delete:client_grants'), async (req, res) => {
    if (!(await service.delete(String(req.params.id)))) throw missing();
    res.status(204).end();
  });
  return router;
}
