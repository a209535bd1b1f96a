/**
 * The administrator role: who may use the dashboard and act on the Management API as a person. Checked
 * on every Management API request made with a user's token, so that a revoked role, a blocked or a
 * deleted user stops working at once rather than when the token expires.
 */
import type { Knex } from 'knex';
import type { AuthContext } from '../context.js';
import { isActiveSubject } from '../services/authorization/activeUsers.js';

export const ADMINISTRATOR_ROLE = 'administrator';

export class Administrators {
  constructor(private readonly db: Knex) {}

  async grant(userId: string, grantedBy: string | null = null): Promise<boolean> {
    const existing = await this.db('user_roles').where({ user_id: userId, role: ADMINISTRATOR_ROLE }).first();
    if (existing) return false;
    await this.db('user_roles')
      .insert({ user_id: userId, role: ADMINISTRATOR_ROLE, granted_by: grantedBy, created_at: Date.now() })
      .onConflict(['user_id', 'role'])
      .ignore();
    return true;
  }

  async revoke(userId: string): Promise<boolean> {
    return (await this.db('user_roles').where({ user_id: userId, role: ADMINISTRATOR_ROLE }).delete()) > 0;
  }

  async holds(userId: string): Promise<boolean> {
    return (await this.db('user_roles').where({ user_id: userId, role: ADMINISTRATOR_ROLE }).first()) !== undefined;
  }

  async list(): Promise<string[]> {
    const rows: { user_id: string }[] = await this.db('user_roles').where({ role: ADMINISTRATOR_ROLE }).orderBy('user_id').select('user_id');
    return rows.map((r) => r.user_id);
  }
}

/**
 * Holds the role, and is a user of ours who exists and is not blocked (`sub` is the token's subject,
 * e.g. auth0|usr_…). A subject from the host's `authenticate` hook is the host's to vouch for.
 */
export async function isActiveAdministrator(ctx: AuthContext, sub: string): Promise<boolean> {
  if (!sub || !(await new Administrators(ctx.db).holds(sub))) return false;
  return isActiveSubject(ctx, sub);
}
