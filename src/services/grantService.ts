/** The consents users gave, as the Management API lists and deletes them. */
import type { AuthContext } from '../context.js';
import type { CheckpointRequest } from '../store/checkpoint.js';
import type { GrantFilter, UserGrant } from '../domain/userGrants.js';
import type { PageRequest } from '../store/rows.js';


export class GrantService {
  constructor(private readonly ctx: AuthContext) {}

  list(filter: GrantFilter, page: PageRequest): Promise<{ items: UserGrant[]; total: number }> {
    return this.ctx.repos.grants.list(filter, page);
  }

  /** Checkpoint paging (from, take) in creation order. */
  listAfter(filter: GrantFilter, page: CheckpointRequest): Promise<{ items: UserGrant[]; next: string | null }> {
    return this.ctx.repos.grants.listAfter(filter, page);
  }

  /** Its refresh tokens go with it (foreign key). False when there is no such grant. */
  delete(id: string): Promise<boolean> {
    return this.ctx.repos.grants.delete(id);
  }

  deleteForUser(userId: string): Promise<number> {
    return this.ctx.repos.grants.deleteForUser(userId);
  }
}
