/**
 * Where a server's time went: `npx tsx bench/profileSummary.ts <file.cpuprofile> [rows]` sums the V8
 * profile's self time by function and by package/file (samples × their interval), idle excluded.
 * Profiles come from `BENCH_PROFILE=<folder> BENCH_PARTS=compare BENCH_SCENARIOS=A npm run bench`.
 * It also sums self time by kind of work (signing, SQL, HTTP and sockets, routing, …), the same
 * categories for both servers, so that what each one spends on the floor every flow pays (the
 * signatures, the sockets) can be set beside what is its own.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, rowsArg] = process.argv.slice(2);
if (!file) throw new Error('usage: profileSummary <file.cpuprofile> [rows]');
const rows = Number(rowsArg ?? 40);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

/** node_modules/<pkg> or our own file, relative to the repository. */
function place(url: string): string {
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg?.[1]) return pkg[1];
  const own = /\/(dist\/.*|src\/.*)$/.exec(url);
  return own?.[1] ?? (url || '(native)');
}

/** Kinds of work, first match wins; tested against "function url". */
const KINDS: [string, RegExp][] = [
  ['signing (RS256)', /node:internal\/crypto\/(sig|util|rsa|keys)|tokenSigner|\bjose\b/],
  ['socket writes and reads', /^(writev|writeLatin1String|writeUtf8String|writeBuffer|onStreamRead) /],
  ['garbage collection', /^\(garbage collector\)/],
  ['SQL (driver, Knex, repositories)', /better-sqlite3|knex|tarn|\bpg\b|pg-protocol|store\/|sqlprof/],
  ['HTTP parsing and responses', /node:_http|node:net|node:internal\/streams|node:stream|node:events|on-finished|on-headers|raw-body|type-is|content-type|http-errors|statuses/],
  ['routing, body parsing, framework', /router|express|koa|path-to-regexp|parseurl|\bqs\b|querystring|body-parser|co-body|delegates|cookies|keygrip|proxy-addr|forwarded/],
  ['sessions and cookies', /express-session|cookie-signature|\bcookie\b|uid-safe/],
  ['security headers', /helmet/],
  ['logging and metrics', /pino|sonic-boom|redact|prom-client|requestObserver|securityEvents|metrics/],
  ['hashing, HMAC, random', /node:internal\/crypto/],
  ['module loading (start-up)', /node:internal\/modules|node:internal\/bootstrap|^(internalModuleStat|openFileHandle|readFileUtf8) /],
  ['the server\'s own code', /dist\/src|oidc-provider/],
];
const byKind = new Map<string, number>();

const byFunction = new Map<string, number>();
const byPlace = new Map<string, number>();
let total = 0;
for (const [id, us] of selfUs) {
  const node = byId.get(id);
  if (!node) continue;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)' || functionName === '(program)') continue;
  total += us;
  const where = place(url);
  const fn = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  byPlace.set(where, (byPlace.get(where) ?? 0) + us);
  const kind = KINDS.find(([, pattern]) => pattern.test(`${functionName} ${url}`))?.[0] ?? 'other (native, microtasks, timers)';
  byKind.set(kind, (byKind.get(kind) ?? 0) + us);
}

function print(title: string, map: Map<string, number>): void {
  process.stdout.write(`\n${title} (self time, of ${(total / 1000).toFixed(0)} ms busy)\n`);
  for (const [name, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
    process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}\n`);
  }
}

print('By kind of work', byKind);
print('By package or file', byPlace);
print('By function', byFunction);
