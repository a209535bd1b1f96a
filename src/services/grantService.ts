/** The consents users gave, as the Management API lists and deletes them; each deletion is logged (grant_revoked). */
import type { AuthContext } from '../context.js';
import type { RequestInfo } from '../domain/logEvents.js';
import type { CheckpointRequest } from '../store/checkpoint.js';
import type { GrantFilter, UserGrant } from '../domain/userGrants.js';
import type { PageRequest } from '../store/rows.js';
import { recordGrantRevoked, type Revoker } from './consentEvents.js';

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
  async delete(id: string, by: Revoker, request?: RequestInfo): Promise<boolean> {
    const grant = await this.ctx.repos.grants.findById(id);
    return grant !== null && this.deleteAndRecord(grant, by, request);
  }

  /**
   * The user's grants as they are now, one by one so that each revocation is logged with its
   * application and scopes. A consent given while this runs is newer than the request and stays.
   */
  async deleteForUser(userId: string, by: Revoker, request?: RequestInfo): Promise<number> {
    let deleted = 0;
    for (const grant of await this.ctx.repos.grants.listForUser(userId)) if (await this.deleteAndRecord(grant, by, request)) deleted++;
    return deleted;
  }

  /** Only the request that actually deleted the grant logs it (two at once: one event). */
  private async deleteAndRecord(grant: UserGrant, by: Revoker, request?: RequestInfo): Promise<boolean> {
    if (!(await this.ctx.repos.grants.delete(grant.id))) return false;
    await recordGrantRevoked(this.ctx, grant, by, request);
    return true;
  }
}
