/**
 * One core's RS256 throughput with jose, measured in a process whose libuv pool has one thread
 * (UV_THREADPOOL_SIZE=1, set by the caller): jose signs on that pool, so keeping 64 signatures in
 * flight keeps exactly one core busy signing. Prints `CEILING {"perSecond": n}`.
 */
import { generateKeyPair, SignJWT } from 'jose';

const SECONDS = 3;
const IN_FLIGHT = 64;

const { privateKey } = await generateKeyPair('RS256');
const sign = () => new SignJWT({ scope: 'read:posts' }).setProtectedHeader({ alg: 'RS256' }).setIssuer('x').setAudience('y').setExpirationTime('1h').sign(privateKey);
let count = 0;
const end = performance.now() + SECONDS * 1000;
await Promise.all(
  Array.from({ length: IN_FLIGHT }, async () => {
    while (performance.now() < end) {
      await sign();
      count += 1;
    }
  }),
);
process.stdout.write(`CEILING ${JSON.stringify({ perSecond: count / SECONDS })}\n`);
