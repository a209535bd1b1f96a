/** Whether the person behind a subject may still be issued anything. */
import type { AuthContext } from '../../context.js';
import { storedUserId } from '../userService.js';

/**
 * Database and upstream users must exist and not be blocked; users handed over by the host's authenticate hook
 * are the host's to vouch for.
 */
export async function isActiveSubject(ctx: AuthContext, sub: string): Promise<boolean> {
  const id = storedUserId(sub);
  if (id === null) return true;
  const user = await ctx.repos.users.findById(id);
  return user !== null && !user.blocked;
}
