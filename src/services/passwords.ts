/**
 * Password hashing: Argon2id with OWASP's parameters for new hashes (through @node-rs/argon2, whose
 * binary comes prebuilt from the registry), scrypt hashes of earlier versions still verified and
 * replaced at the next successful sign-in (`needsRehash`). Argon2id hashes are PHC strings
 * (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`); scrypt ones `scrypt$N$r$p$salt$hash`.
 */
import { randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash as argon2Hash, verify as argon2Verify, type Algorithm } from '@node-rs/argon2';
import pLimit from 'p-limit';
import { timingSafeEqualStrings } from '../domain/constantTime.js';

const KEY_LENGTH = 32;
export const DEFAULT_SCRYPT_COST = 2 ** 15;

/** OWASP Password Storage Cheat Sheet: Argon2id, 19 MiB, 2 iterations, 1 lane (its first, lightest row). */
export const ARGON2ID_PARAMS = { memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;
// Algorithm is an ambient const enum, which isolatedModules cannot read: 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;

/**
 * Hashes run at most one per core but one (at least one, at most libuv's four threads), the rest wait
 * their turn. A burst of sign-ins then costs 19 MiB per running hash rather than per thread, and
 * leaves a core, and libuv threads, for everything else: jose signs tokens on the same pool.
 */
export const MAX_CONCURRENT_HASHES = Math.max(1, Math.min(4, availableParallelism() - 1));
const hashing = pLimit(MAX_CONCURRENT_HASHES);

export function hashesInProgress(): number {
  return hashing.activeCount;
}

function deriveScrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return hashing(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) =>
          err ? reject(err) : resolve(key),
        );
      }),
  );
}

/** A new hash: always Argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hashing(() => argon2Hash(password.normalize('NFKC'), { ...ARGON2ID_PARAMS, algorithm: ARGON2ID }));
}

/** The format of earlier versions: kept for the benchmark's comparison and for tests of the rehash. */
export async function hashPasswordScrypt(password: string, cost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await deriveScrypt(password, salt, { N: cost, r: 8, p: 1 });
  return `scrypt$${cost}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

let verificationsStarted = 0;

/** Password verifications started in this process: what shows that a refused sign-in computed no hash. */
export function passwordVerificationsStarted(): number {
  return verificationsStarted;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  verificationsStarted += 1;
  if (stored.startsWith('$argon2id$')) {
    // A stored value the library cannot parse is a wrong password, not a failed request.
    return hashing(() => argon2Verify(stored, password.normalize('NFKC')).catch(() => false));
  }
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const key = await deriveScrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return timingSafeEqualStrings(key.toString('base64url'), hash);
}

/** True for a hash that is not Argon2id with at least today's parameters: the next sign-in replaces it. */
export function needsRehash(stored: string): boolean {
  const params = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!params) return true;
  const [m, t, p] = params.slice(1).map(Number) as [number, number, number];
  return m < ARGON2ID_PARAMS.memoryCost || t < ARGON2ID_PARAMS.timeCost || p < ARGON2ID_PARAMS.parallelism;
}

/** A hash to verify against when the user does not exist, so timing does not reveal which emails exist. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return dummyHash;
}
