/** /api/v2/users: people in database connections. The password hash never leaves the server. */
import express, { type Router } from 'express';
import { z } from 'zod';
import { userSubject, type User } from '../domain/users.js';
import { upstreamIdentity } from '../domain/connections.js';
import { parseUserQuery, UserQueryError } from '../domain/userQuery.js';
import { storedUserId, USER_SORT_FIELDS, type UserFilter, type UserService, type UserSort } from '../services/userService.js';
import { IGNORED_FIELDS, ignoredFields } from './auth0Fields.js';
import { requireScope } from './authentication.js';
import { invalidQuery, notFound } from './errors.js';
import { checkpointResponse, pageResponse, parseBody, readCheckpoint, readFieldSelection, readPaging, readString } from './requests.js';

const profile = {
  email: z.string().max(320),
  email_verified: z.boolean(),
  // null (as GET returns a missing value) clears it.
  name: z.string().max(255).nullable(),
  nickname: z.string().max(255).nullable(),
  picture: z.string().max(2000).regex(/^https:\/\//, 'must be an https URL').nullable(),
  blocked: z.boolean(),
  user_metadata: z.record(z.string().max(255), z.json()),
  app_metadata: z.record(z.string().max(255), z.json()),
};
const password = z.string().min(8, 'must have at least 8 characters').max(1024);
const anyUserField = z.object({ ...profile, password }).partial();
const ignored = ignoredFields(IGNORED_FIELDS.user);
const createSchema = anyUserField.required({ email: true, password: true }).extend({ connection: z.string().min(1).max(128), ...ignored }).strict();
const updateSchema = anyUserField.extend({ connection: z.string().max(128).optional(), ...ignored }).strict();

/** Auth0's `sort` for users: `field:1` or `field:-1`. */
function readSort(req: Parameters<typeof readString>[0]): UserSort | undefined {
  const raw = readString(req, 'sort');
  if (raw === undefined) return undefined;
  const match = /^([a-z_]+):(1|-1)$/.exec(raw);
  const field = USER_SORT_FIELDS.find((f) => f === match?.[1]);
  if (!match || !field) throw invalidQuery(`Query validation error: 'sort' must be field:1 or field:-1 with one of ${USER_SORT_FIELDS.join(', ')}.`);
  return { field, descending: match[2] === '-1' };
}

export function usersRoutes(users: UserService): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_user', 'The user does not exist');
  const present = async (user: User) => ({
    user_id: userSubject(user),
    email: user.email,
    email_verified: user.emailVerified,
    name: user.name,
    nickname: user.nickname,
    picture: user.picture,
    blocked: user.blocked,
    created_at: new Date(user.createdAt).toISOString(),
    updated_at: new Date(user.updatedAt).toISOString(),
    last_login: user.lastLogin === null ? null : new Date(user.lastLogin).toISOString(),
    logins_count: user.loginsCount,
    identities: [{ connection: await users.connectionName(user.connectionId), ...upstreamIdentity(user), isSocial: false }],
    user_metadata: user.userMetadata ?? {},
    app_metadata: user.appMetadata ?? {},
  });

  /** `auth0|<id>`, URL-encoded or not (Express decodes the parameter). */
  const load = async (param: unknown) => {
    const user = await users.findBySubject(String(param));
    if (!user) throw missing();
    return user;
  };

  router.post('/users', requireScope('create:users'), async (req, res) => {
    const body = parseBody(createSchema, req.body);
    const user = await users.create({
      connection: body.connection,
      email: body.email,
      password: body.password,
      // On creation a null is the same as leaving the field out.
      name: body.name ?? undefined,
      emailVerified: body.email_verified,
      nickname: body.nickname ?? undefined,
      picture: body.picture ?? undefined,
      blocked: body.blocked,
      userMetadata: body.user_metadata,
      appMetadata: body.app_metadata,
    });
    res.status(201).json(await present(user));
  });

  router.get('/users', requireScope('read:users'), async (req, res) => {
    const select = readFieldSelection(req);
    const checkpoint = readCheckpoint(req);
    const paging = readPaging(req);
    const sort = readSort(req);
    const engine = readString(req, 'search_engine');
    if (engine !== undefined && engine !== 'v3') throw invalidQuery(`Query validation error: search_engine "${engine}" is not supported; use v3.`);
    const q = readString(req, 'q');
    let query: UserFilter['query'];
    try {
      query = q === undefined || q.trim() === '' ? undefined : parseUserQuery(q);
    } catch (err) {
      if (err instanceof UserQueryError) throw invalidQuery(`Query validation error: ${err.message}.`);
      throw err;
    }
    const name = readString(req, 'connection');
    let connectionId: string | undefined;
    if (name) {
      const id = await users.connectionIdByName(name);
      if (id === null) throw invalidQuery(`Query validation error: unknown connection "${name}".`);
      connectionId = id;
    }
    const email = readString(req, 'email')?.trim().toLowerCase();
    const filter: UserFilter = { email, connectionId, query };
    const show = async (user: User) => select(await present(user));
    if (checkpoint) {
      if (sort) throw invalidQuery("Query validation error: 'sort' cannot be combined with 'from'/'take' (checkpoints follow creation order).");
      const { items, next } = await users.searchAfter(filter, checkpoint);
      res.json(checkpointResponse('users', await Promise.all(items.map(show)), next));
      return;
    }
    const { items, total } = await users.search(filter, { offset: paging.offset, limit: paging.perPage }, sort);
    res.json(pageResponse('users', await Promise.all(items.map(show)), total, paging));
  });

  // Auth0: every user with this exact email, in any connection (a bare array; the email is case-insensitive).
  router.get('/users-by-email', requireScope('read:users'), async (req, res) => {
    const select = readFieldSelection(req);
    const email = readString(req, 'email')?.trim().toLowerCase();
    if (!email) throw invalidQuery("Query validation error: 'email' is required.");
    const found = await users.findAllByEmail(email);
    res.json(await Promise.all(found.map(async (user) => select(await present(user)))));
  });

  router.get('/users/:id', requireScope('read:users'), async (req, res) => {
    const select = readFieldSelection(req);
    res.json(select(await present(await load(req.params.id))));
  });

  router.patch('/users/:id', requireScope('update:users'), async (req, res) => {
    const body = parseBody(updateSchema, req.body);
    const user = await load(req.params.id);
    const updated = await users.update(user.id, {
      email: body.email,
      password: body.password,
      emailVerified: body.email_verified,
      name: body.name,
      nickname: body.nickname,
      picture: body.picture,
      blocked: body.blocked,
      userMetadata: body.user_metadata,
      appMetadata: body.app_metadata,
    });
    if (!updated) throw missing();
    res.json(await present(updated));
  });

  router.delete('/users/:id', requireScope('delete:users'), async (req, res) => {
    const id = storedUserId(String(req.params.id));
    if (!id || !(await users.delete(id))) throw missing();
    res.status(204).end();
  });
  return router;
}
