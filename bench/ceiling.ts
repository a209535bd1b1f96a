/**
 * The RS256 ceiling, measured with jose in a process whose libuv pool has one thread
 * (UV_THREADPOOL_SIZE=1, set by the caller), since jose signs on that pool: one signature at a time
 * (the ceiling: each waits for its hop to the pool and back), and 64 in flight, which keeps
 * exactly one core busy signing. Prints `CEILING {"sequential": n, "perCore": n}`.
 */
import { generateKeyPair, SignJWT } from 'jose';

const SECONDS = 3;

const { privateKey } = await generateKeyPair('RS256');
const sign = () => new SignJWT({ scope: 'read:posts' }).setProtectedHeader({ alg: 'RS256' }).setIssuer('x').setAudience('y').setExpirationTime('1h').sign(privateKey);

async function signaturesPerSecond(inFlight: number): Promise<number> {
  let count = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < end) {
        await sign();
        count += 1;
      }
    }),
  );
  return count / SECONDS;
}

const sequential = await signaturesPerSecond(1);
const perCore = await signaturesPerSecond(64);
process.stdout.write(`CEILING ${JSON.stringify({ sequential, perCore })}\n`);
