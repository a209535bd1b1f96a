/**
 * `npm run bench:passwords`: what a password hash costs on this machine, Argon2id with OWASP's
 * parameters (new hashes) against scrypt N=2^15 (hashes of earlier versions), one at a time and with
 * as many running as the server allows at once (MAX_CONCURRENT_HASHES). Each measure lasts
 * BENCH_HASH_SECONDS (default 3). Sign-in throughput is bounded by the second column.
 */
import { ARGON2ID_PARAMS, DEFAULT_SCRYPT_COST, hashPassword, hashPasswordScrypt, MAX_CONCURRENT_HASHES } from '../src/services/passwords.js';

const SECONDS = Number(process.env.BENCH_HASH_SECONDS ?? 3);

export interface HashingResult {
  name: string;
  /** Hashes per second, one at a time. */
  serial: number;
  /** Hashes per second with MAX_CONCURRENT_HASHES under way. */
  concurrent: number;
}

async function rate(hash: () => Promise<string>, workers: number): Promise<number> {
  const end = Date.now() + SECONDS * 1000;
  let done = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < end) {
        await hash();
        done += 1;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

export async function measurePasswordHashing(): Promise<HashingResult[]> {
  const argon = () => hashPassword('correct horse battery staple');
  const scrypt = () => hashPasswordScrypt('correct horse battery staple', DEFAULT_SCRYPT_COST);
  const { memoryCost: m, timeCost: t, parallelism: p } = ARGON2ID_PARAMS;
  return [
    { name: `argon2id m=${m / 1024} MiB t=${t} p=${p}`, serial: await rate(argon, 1), concurrent: await rate(argon, MAX_CONCURRENT_HASHES) },
    { name: `scrypt N=2^${Math.log2(DEFAULT_SCRYPT_COST)} r=8 p=1 (32 MiB)`, serial: await rate(scrypt, 1), concurrent: await rate(scrypt, MAX_CONCURRENT_HASHES) },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await measurePasswordHashing();
  console.log(`| hash | per second, one at a time | per second, ${MAX_CONCURRENT_HASHES} at a time |\n| --- | ---: | ---: |`);
  for (const r of results) console.log(`| ${r.name} | ${r.serial.toFixed(1)} | ${r.concurrent.toFixed(1)} |`);
}
