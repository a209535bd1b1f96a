/** /api/v2/user-blocks: blocks left by failed sign-ins (account and address), listed and lifted as with Auth0. */
import express, { type Request, type Router } from 'express';
import type { UserBlocksService } from '../services/userBlocksService.js';
import { requireScope } from './authentication.js';
import { invalidQuery, notFound } from './errors.js';
import { readString } from './requests.js';

export function userBlocksRoutes(blocks: UserBlocksService): Router {
  const router = express.Router();

  const identifier = (req: Request): string => {
    const value = readString(req, 'identifier')?.trim();
    if (!value) throw invalidQuery("Query validation error: Missing required property: identifier.");
    if (value.length > 320) throw invalidQuery("Query validation error: 'identifier' is too long.");
    return value;
  };

  const missing = () => notFound('inexistent_user', 'The user does not exist');

  router.get('/user-blocks', requireScope('read:users'), async (req, res) => {
    res.json({ blocked_for: await blocks.list(identifier(req)) });
  });

  router.delete('/user-blocks', requireScope('update:users'), async (req, res) => {
    await blocks.unblock(identifier(req));
    res.status(204).end();
  });

  router.get('/user-blocks/:id', requireScope('read:users'), async (req, res) => {
    // `auth0|<id>`, URL-encoded or not (Express decodes the parameter).
    const blocked = await blocks.listForUser(String(req.params.id));
    if (!blocked) throw missing();
    res.json({ blocked_for: blocked });
  });

  router.delete('/user-blocks/:id', requireScope('update:users'), async (req, res) => {
    if (!(await blocks.unblockUser(String(req.params.id)))) throw missing();
    res.status(204).end();
  });
  return router;
}
