import { createHash, randomFillSync } from 'node:crypto';

/**
 * Random bytes come from a pool refilled 4 KB at a time (as randomUUID does): a small randomBytes
 * call costs about 5 µs here, most of it the call into OpenSSL, and a flow makes several. The pool's
 * bytes are handed out once and only as encoded strings, so no caller can keep a view of the pool.
 */
const POOL = Buffer.allocUnsafe(4096);
let poolOffset = POOL.length;

function pooledBytes(count: number): Buffer {
  if (count > POOL.length) return randomFillSync(Buffer.allocUnsafe(count));
  if (poolOffset + count > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const bytes = POOL.subarray(poolOffset, poolOffset + count);
  poolOffset += count;
  return bytes;
}

/** `count` random bytes, encoded. */
export function randomString(count: number, encoding: 'base64url' | 'base64' | 'hex'): string {
  return pooledBytes(count).toString(encoding);
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random alphanumeric string (rejection sampling keeps every character equally likely). */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of Buffer.from(pooledBytes(length * 2))) {
      if (byte < 248 && out.length < length) out += ALPHANUMERIC[byte % 62];
    }
  }
  return out;
}

export function randomToken(bytes = 32): string {
  return randomString(bytes, 'base64url');
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export const newClientId = (): string => randomAlphanumeric(32);
/** 48 random bytes: above the 32 bytes the registry promises. */
export const newClientSecret = (): string => randomToken(48);
export const newId = (prefix: string): string => `${prefix}_${randomAlphanumeric(16)}`;
