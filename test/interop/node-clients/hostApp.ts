/**
 * A host application as our README tells people to write one for an issuer with a path: the router
 * at its mount path, and `auth.wellKnown` at the host's root, where RFC 8414 §3.1 puts the metadata of
 * such an issuer (/.well-known/oauth-authorization-server/auth). startTestServer mounts the router only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { createAuthServer } from '../../../src/index.js';
import { TEST_PASSWORD_COST, type TestServer } from '../../helpers/testServer.js';
import { listen } from '../harness.js';

export async function startHostApp(mountPath: string): Promise<TestServer> {
  const app = express();
  let mounted: { wellKnown: express.Router; router: express.Router } | null = null;
  app.use((req, res, next) => (mounted ? mounted.wellKnown(req, res, next) : next()));
  app.use(mountPath, (req, res, next) => (mounted ? mounted.router(req, res, next) : next()));
  const running = await listen(app);
  const issuer = `${running.origin}${mountPath}/`;
  const dir = mkdtempSync(join(tmpdir(), 'auth-interop-'));
  const auth = await createAuthServer({
    issuer,
    database: { client: 'better-sqlite3', connection: { filename: join(dir, 'auth.sqlite') }, useNullAsDefault: true },
    sessionSecrets: ['interop-session-secret-that-is-long-enough'],
    passwordHashCost: TEST_PASSWORD_COST,
  });
  mounted = auth;
  return {
    issuer,
    origin: running.origin,
    mountPath,
    auth,
    close: async () => {
      await running.close();
      await auth.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
