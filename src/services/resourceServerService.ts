/** APIs after creation: the rules of updating and deleting them. */
import type { AuthContext } from '../context.js';
import type { ApiScope, ResourceServer } from '../domain/resourceServers.js';
import { ConflictError, ForbiddenOperationError } from './errors.js';
import type { NewResourceServer, RegistryService } from './registryService.js';

export type ResourceServerChanges = Partial<Pick<ResourceServer, 'name' | 'tokenLifetime' | 'allowOfflineAccess' | 'skipConsentForVerifiableFirstPartyClients'>> & {
  scopes?: ApiScope[];
};

export class ResourceServerService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly registry: RegistryService,
  ) {}

  async create(input: NewResourceServer): Promise<ResourceServer> {
    if (await this.ctx.repos.resourceServers.findByIdentifier(input.identifier)) {
      throw new ConflictError(`A resource server with identifier "${input.identifier}" already exists.`);
    }
    return this.registry.createResourceServer(input);
  }

  async update(id: string, changes: ResourceServerChanges): Promise<ResourceServer | null> {
    const current = await this.ctx.repos.resourceServers.findById(id);
    if (!current) return null;
    if (current.isSystem) throw new ForbiddenOperationError('The Management API is a system resource server and cannot be changed.');
    const next: ResourceServer = { ...current, ...changes, updatedAt: Date.now() };
    await this.ctx.repos.resourceServers.update(next);
    return next;
  }

  async delete(id: string): Promise<boolean> {
    const current = await this.ctx.repos.resourceServers.findById(id);
    if (!current) return false;
    if (current.isSystem) throw new ForbiddenOperationError('The Management API is a system resource server and cannot be deleted.');
    await this.ctx.repos.resourceServers.delete(current);
    return true;
  }
}
