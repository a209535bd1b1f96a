/** Whether the person behind a subject may still be issued anything. */
import type { AuthContext } from '../../context.js';

/**
 * Database users must exist and not be blocked; users handed over by the host's authenticate hook
 * are the host's to vouch for.
 */
export async function isActiveSubject(ctx: AuthContext, sub: string): Promise<boolean> {
  if (!sub.startsWith('auth0|')) return true;
  const user = await ctx.repos.users.findById(sub.slice('auth0|'.length));
  return user !== null && !user.blocked;
}
