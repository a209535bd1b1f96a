/** APIs through the Management API: creating, reading, updating and deleting them, with their rules. */
import type { AuthContext } from '../context.js';
import { DEFAULT_ACCESS_POLICY, type ApiScope, type ResourceServer } from '../domain/resourceServers.js';
import type { PageRequest } from '../store/rows.js';
import { ConflictError, ForbiddenOperationError } from './errors.js';
import { ValidationError, type NewResourceServer, type RegistryService } from './registryService.js';

type AccessPolicy = ResourceServer['accessPolicy'];

export type ResourceServerChanges = Partial<Pick<ResourceServer, 'name' | 'tokenLifetime' | 'allowOfflineAccess' | 'skipConsentForVerifiableFirstPartyClients'>> & {
  scopes?: ApiScope[];
  /** Immutable (it is the audience of issued tokens): only its current value passes. */
  identifier?: unknown;
  /** Auth0's subject_type_authorization: what is given replaces that subject type's policy, the rest stays. */
  accessPolicy?: Partial<AccessPolicy>;
};

export type NewApi = Omit<NewResourceServer, 'accessPolicy' | 'isSystem'> & { accessPolicy?: Partial<AccessPolicy> };

export class ResourceServerService {
  constructor(
    private readonly ctx: AuthContext,
    private readonly registry: RegistryService,
  ) {}

  async create(input: NewApi): Promise<ResourceServer> {
    if (await this.ctx.repos.resourceServers.findByIdentifier(input.identifier)) {
      throw new ConflictError(`A resource server with identifier "${input.identifier}" already exists.`);
    }
    const { accessPolicy, ...rest } = input;
    return this.registry.createResourceServer({ ...rest, accessPolicy: { ...DEFAULT_ACCESS_POLICY, ...accessPolicy } });
  }

  async find(id: string): Promise<ResourceServer | null> {
    return this.ctx.repos.resourceServers.findById(id);
  }

  async list(page: PageRequest): Promise<{ items: ResourceServer[]; total: number }> {
    return this.ctx.repos.resourceServers.list(page);
  }

  async update(id: string, changes: ResourceServerChanges): Promise<ResourceServer | null> {
    const current = await this.ctx.repos.resourceServers.findById(id);
    if (!current) return null;
    if (current.isSystem) throw new ForbiddenOperationError('The Management API is a system resource server and cannot be changed.');
    const { identifier, accessPolicy, ...rest } = changes;
    if (identifier !== undefined && identifier !== current.identifier) {
      throw new ValidationError(['Payload validation error: identifier cannot be changed: it is the audience of issued tokens.']);
    }
    const next: ResourceServer = { ...current, ...rest, accessPolicy: { ...current.accessPolicy, ...accessPolicy }, updatedAt: Date.now() };
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

