/**
 * /api/v2/keys/signing: the keys that sign this server's tokens, in Auth0's model (current, next,
 * previous, revoked). Only public material is shown. Auth0 also returns an X.509 certificate (`cert`,
 * `pkcs7`); this server has none, so it returns the public JWK instead (README, Auth0 compatibility).
 */
import express, { type Router } from 'express';
import type { AuthContext } from '../context.js';
import { KeyRotationConflict, type SigningKeyInfo } from '../tokens/keyStore.js';
import { requireScope } from './authentication.js';
import { conflict, ManagementError, notFound } from './errors.js';
import { readFieldSelection } from './requests.js';

const iso = (at: number | null) => (at === null ? undefined : new Date(at).toISOString());

export function presentSigningKey(key: SigningKeyInfo): Record<string, unknown> {
  return {
    kid: key.kid,
    current: key.state === 'current',
    next: key.state === 'next',
    previous: key.state === 'previous',
    revoked: key.state === 'revoked',
    current_since: iso(key.currentSince),
    current_until: iso(key.currentUntil),
    revoked_at: iso(key.revokedAt),
    thumbprint: key.thumbprint,
    jwk: key.publicJwk,
  };
}

export function keysRoutes(ctx: AuthContext): Router {
  const router = express.Router();
  const missing = () => notFound('inexistent_key', 'The signing key does not exist');

  router.get('/keys/signing', requireScope('read:signing_keys'), async (req, res) => {
    const select = readFieldSelection(req);
    res.json((await ctx.keys.list()).map((k) => select(presentSigningKey(k))));
  });

  router.get('/keys/signing/:kid', requireScope('read:signing_keys'), async (req, res) => {
    const select = readFieldSelection(req);
    const key = await ctx.keys.find(String(req.params.kid));
    if (!key) throw missing();
    res.json(select(presentSigningKey(key)));
  });

  // Auth0 answers 201 with the key that now signs.
  router.post('/keys/signing/rotate', requireScope('create:signing_keys'), async (_req, res) => {
    try {
      const current = await ctx.keys.rotate();
      res.status(201).json({ kid: current.kid, jwk: current.publicJwk });
    } catch (err) {
      if (err instanceof KeyRotationConflict) throw conflict('key_rotation_in_progress', err.message);
      throw err;
    }
  });

  router.put('/keys/signing/:kid/revoke', requireScope('update:signing_keys'), async (req, res) => {
    const revoked = await ctx.keys.revoke(String(req.params.kid));
    if (revoked === null) throw missing();
    if (revoked === false) {
      throw new ManagementError(400, 'invalid_key_state', 'Only a previous key can be revoked: rotate first so that this key no longer signs or is about to.');
    }
    res.json(presentSigningKey(revoked));
  });
  return router;
}
