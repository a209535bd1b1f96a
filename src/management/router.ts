/** The Management API v2 (/api/v2): Auth0-compatible URLs, JSON shapes and errors. */
import express, { type Router } from 'express';
import type { AuthContext } from '../context.js';
import { noStore } from '../http/security.js';
import { rejectNulBytes } from '../http/nulBytes.js';
import { ClientService } from '../services/clientService.js';
import type { RegistryService } from '../services/registryService.js';
import { authenticateManagementToken } from './authentication.js';
import { clientsRoutes } from './clientsRoutes.js';
import { logsRoutes } from './logsRoutes.js';
import { resourceServersRoutes } from './resourceServersRoutes.js';
import { grantsRoutes } from './grantsRoutes.js';
import { clientGrantsRoutes } from './clientGrantsRoutes.js';
import { ResourceServerService } from '../services/resourceServerService.js';
import { ClientGrantService } from '../services/clientGrantService.js';
import { connectionsRoutes } from './connectionsRoutes.js';
import { usersRoutes } from './usersRoutes.js';
import { userBlocksRoutes } from './userBlocksRoutes.js';
import { keysRoutes } from './keysRoutes.js';
import { jobsRoutes } from './jobsRoutes.js';
import type { EmailVerificationService } from '../services/emailVerificationService.js';
import { UserBlocksService } from '../services/userBlocksService.js';
import { ConnectionService } from '../services/connectionService.js';
import { UserService } from '../services/userService.js';
import { recordWrites } from './auditWrites.js';
import { ManagementError, managementErrorHandler } from './errors.js';

export function managementRouter(ctx: AuthContext, registry: RegistryService, log: (err: unknown) => void, verification?: EmailVerificationService): Router {
  const router = express.Router();
  // NUL bytes and unreadable bodies are refused before the token check: nothing of them reaches SQL.
  router.use(noStore, express.json({ limit: '100kb' }), rejectNulBytes, authenticateManagementToken(ctx));
  router.use(recordWrites(ctx));
  router.use(clientsRoutes(ctx, registry, new ClientService(ctx)));
  router.use(resourceServersRoutes(ctx, new ResourceServerService(ctx, registry)));
  router.use(grantsRoutes(ctx));
  router.use(clientGrantsRoutes(ctx, new ClientGrantService(ctx)));
  router.use(connectionsRoutes(ctx, new ConnectionService(ctx)));
  router.use(logsRoutes(ctx));
  router.use(usersRoutes(new UserService(ctx, registry)));
  router.use(userBlocksRoutes(new UserBlocksService(ctx)));
  router.use(keysRoutes(ctx));
  if (verification) router.use(jobsRoutes(ctx, verification));
  router.use((_req, _res, next) => next(new ManagementError(404, 'not_found', 'Not Found')));
  router.use(managementErrorHandler(log));
  return router;
}
