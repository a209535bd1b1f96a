/**
 * Auth0's checkpoint paging (`from`, `take`, `next`): `next` is an opaque cursor naming the last item
 * returned, by the order every list is kept in (creation time, then id), so a page never repeats or
 * skips an item when others are added or deleted meanwhile, as offsets do.
 */
export interface Checkpoint {
  createdAt: number;
  id: string;
}

export function encodeCheckpoint(at: Checkpoint): string {
  return Buffer.from(`${at.createdAt}.${at.id}`, 'utf8').toString('base64url');
}

/** null when `from` is not a cursor this server made. */
export function decodeCheckpoint(from: string): Checkpoint | null {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(from)) return null;
  const text = Buffer.from(from, 'base64url').toString('utf8');
  const match = /^(\d{1,16})\.(.{1,1000})$/s.exec(text);
  if (!match?.[1] || !match[2]) return null;
  return { createdAt: Number(match[1]), id: match[2] };
}
