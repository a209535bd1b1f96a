/**
 * Password hashing with scrypt (memory-hard, in Node's own crypto: no native addon to build).
 * Stored as `scrypt$N$r$p$salt$hash` so the cost can be raised later without breaking old hashes.
 */
import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import pLimit from 'p-limit';
import { timingSafeEqualStrings } from '../domain/constantTime.js';

const KEY_LENGTH = 32;
// 2^15 with r=8 uses 32 MiB per hash: a compromise for memory under concurrent logins. OWASP asks for
// 2^17 (128 MiB); raise the passwordHashCost option where the machine allows it.
export const DEFAULT_SCRYPT_COST = 2 ** 15;

/**
 * Hashes run at most one per core but one (at least one, at most libuv's four threads), the rest wait
 * their turn. A burst of sign-ins then costs 32 MiB per running hash rather than per libuv thread,
 * and leaves a core, and libuv threads, for everything else: jose signs tokens on the same pool.
 */
export const MAX_CONCURRENT_HASHES = Math.max(1, Math.min(4, availableParallelism() - 1));
const hashing = pLimit(MAX_CONCURRENT_HASHES);

export function hashesInProgress(): number {
  return hashing.activeCount;
}

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) =>
          err ? reject(err) : resolve(key),
        );
      }),
  );
}

export async function hashPassword(password: string, cost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N: cost, r: 8, p: 1 });
  return `scrypt$${cost}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

let verificationsStarted = 0;

/** Password verifications started in this process: what shows that a refused sign-in computed no hash. */
export function passwordVerificationsStarted(): number {
  return verificationsStarted;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  verificationsStarted += 1;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqualStrings(key.toString('base64url'), hash);
}

/** A hash to verify against when the user does not exist, so timing does not reveal which emails exist. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(cost = DEFAULT_SCRYPT_COST): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'), cost);
  return dummyHash;
}
