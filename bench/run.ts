/**
 * `npm run bench`: this project and oidc-provider, side by side, on this machine, in one run.
 * Every server and the load generator run in processes of their own, on 127.0.0.1 only; every
 * scenario is bounded in time (BENCH_SECONDS, default 10, after BENCH_WARMUP seconds), and the run
 * cleans up its files, processes and PostgreSQL schema. Prints a table and writes bench/results.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import knexFactory from 'knex';
import type { LoadResult, ReadyMessage } from './common.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const VUS = Number(process.env.BENCH_VUS ?? 8);
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCALE_USERS = Number(process.env.BENCH_SCALE_USERS ?? 100_000);
const SCALE_GRANTS = Number(process.env.BENCH_SCALE_GRANTS ?? 1_000_000);
const children = new Set<ChildProcess>();
const work = mkdtempSync(join(tmpdir(), 'auth-bench-'));

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function run(script: string, env: Record<string, string>, until: RegExp, timeoutMs: number): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} timed out:\n${output.slice(-2000)}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = until.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!until.exec(output)) reject(new Error(`${script} exited with ${code}:\n${output.slice(-2000)}`));
    });
  });
}

interface Server {
  ready: ReadyMessage;
  child: ChildProcess;
  startMs: number;
}

async function startServer(script: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const { child, match } = await run(script, { ...env, PORT: String(port) }, /READY (\{.*\})\n/, 600_000);
  return { ready: JSON.parse(match[1] ?? '{}') as ReadyMessage, child, startMs: performance.now() - started };
}

/** Peak (VmHWM) and current (VmRSS) resident memory of a server process, in MB. */
function rssMb(child: ChildProcess): { peak: number; now: number } {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const mb = (field: string) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
    return { peak: mb('VmHWM'), now: mb('VmRSS') };
  } catch {
    return { peak: 0, now: 0 };
  }
}

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

async function load(scenario: 'A' | 'B' | 'C' | 'D', targets: ReadyMessage[], userOffset = 0): Promise<LoadResult> {
  const input = { scenario, targets, vus: VUS, seconds: SECONDS, warmupSeconds: WARMUP, userOffset };
  const { match } = await run('bench/load.ts', { BENCH_LOAD: JSON.stringify(input) }, /RESULT (\{.*\})\n/, (SECONDS + WARMUP + 120) * 1000);
  const result = JSON.parse(match[1] ?? '{}') as LoadResult;
  log(`  ${scenario} ${result.target}: ${result.perSecond.toFixed(1)}/s p50 ${result.p50.toFixed(1)} ms p99 ${result.p99.toFixed(1)} ms${result.errors ? ` (${result.errors} errors: ${result.firstError})` : ''}`);
  return result;
}

/** The ceiling: RS256 signatures per second on one core, with jose, in this process. */
async function signatureCeiling(): Promise<number> {
  const { privateKey } = await generateKeyPair('RS256');
  const end = performance.now() + 3000;
  let count = 0;
  while (performance.now() < end) {
    await new SignJWT({ scope: 'read:posts' }).setProtectedHeader({ alg: 'RS256' }).setIssuer('x').setAudience('y').setExpirationTime('1h').sign(privateKey);
    count += 1;
  }
  return count / 3;
}

async function main(): Promise<void> {
  const startedAt = new Date();
  log(`bench: ${SECONDS}s per scenario after ${WARMUP}s warm-up, ${VUS} virtual users, work folder ${work}`);
  const ceiling = await signatureCeiling();
  log(`RS256 signatures/s on one core (jose): ${ceiling.toFixed(0)}`);

  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'bench-key', alg: 'RS256', use: 'sig' });
  const users = String(VUS * 3);
  const scenarios = ['A', 'B', 'C', 'D'] as const;
  const results: { ours: Record<string, LoadResult>; 'oidc-provider': Record<string, LoadResult> } = { ours: {}, 'oidc-provider': {} };
  const rss: Record<string, { peak: number; now: number }> = {};

  const sqlite = join(work, 'bench.sqlite');
  const ours = await startServer('bench/servers/ours.ts', { BENCH_DB: sqlite, BENCH_JWK: jwk, BENCH_USERS: users });
  log(`ours (SQLite) started in ${ours.startMs.toFixed(0)} ms`);
  for (const s of scenarios) results.ours[s] = await load(s, [ours.ready]);
  rss.ours = rssMb(ours.child);

  const op = await startServer('bench/servers/oidcProvider.ts', { BENCH_JWK: jwk, BENCH_USERS: users });
  for (const s of scenarios) results['oidc-provider'][s] = await load(s, [op.ready]);
  rss['oidc-provider'] = rssMb(op.child);
  await stop(op);

  // 1 → 2 processes on SQLite: the second instance shares the database file (and so the sessions).
  const second = await startServer('bench/servers/ours.ts', { BENCH_DB: sqlite, BENCH_JWK: jwk, BENCH_SEED: '0' });
  const sqliteTwo = await load('A', [ours.ready, second.ready], VUS);
  await stop(second);
  await stop(ours);

  // The same on PostgreSQL, in a schema of its own.
  const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = knexFactory({ client: 'pg', connection: PG_URL });
  let pgOne: LoadResult | null = null;
  let pgTwo: LoadResult | null = null;
  try {
    await admin.raw(`create schema "${schema}"`);
    const pgEnv = { BENCH_DB: PG_URL, BENCH_PG_SCHEMA: schema, BENCH_JWK: jwk, BENCH_USERS: users };
    const pg1 = await startServer('bench/servers/ours.ts', pgEnv);
    pgOne = await load('A', [pg1.ready]);
    const pg2 = await startServer('bench/servers/ours.ts', { ...pgEnv, BENCH_SEED: '0' });
    pgTwo = await load('A', [pg1.ready, pg2.ready], VUS);
    await stop(pg2);
    await stop(pg1);
  } catch (err) {
    log(`PostgreSQL runs skipped: ${String(err)}`);
  } finally {
    await admin.raw(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
    await admin.destroy();
  }

  // E: scale. Seed the API and clients through the server, then bulk-add users and grants.
  const scaleDb = join(work, 'scale.sqlite');
  const seeder = await startServer('bench/servers/ours.ts', { BENCH_DB: scaleDb, BENCH_JWK: jwk, BENCH_USERS: users });
  await stop(seeder);
  const { match: seeded } = await run('bench/scale.ts', { BENCH_DB: scaleDb, BENCH_SCALE_USERS: String(SCALE_USERS), BENCH_SCALE_GRANTS: String(SCALE_GRANTS) }, /SEEDED (\{.*\})\n/, 900_000);
  const scaleInfo = JSON.parse(seeded[1] ?? '{}') as { users: number; grants: number; seconds: number };
  log(`E: seeded ${scaleInfo.users} users and ${scaleInfo.grants} grants in ${scaleInfo.seconds.toFixed(1)} s`);
  const scaled = await startServer('bench/servers/ours.ts', { BENCH_DB: scaleDb, BENCH_JWK: jwk, BENCH_SEED: '0' });
  const scaleA = await load('A', [scaled.ready]);
  await stop(scaled);
  const scaleSizeMb = statSync(scaleDb).size / 1024 / 1024;

  // The report.
  const ratio = (s: (typeof scenarios)[number]) => (results.ours[s]?.perSecond ?? 0) / Math.max(results['oidc-provider'][s]?.perSecond ?? 0, 0.001);
  const signaturesPer: Record<string, number> = { A: 2, B: 2, C: 1, D: 2 };
  const targets: Record<string, string> = { A: '≥ 3×', B: '≥ 2×', C: '≥ 1.5× and ≥ 60 % of ceiling', D: '≥ 2×' };
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const rows = scenarios.map((s) => {
    const o = results.ours[s];
    const p = results['oidc-provider'][s];
    const ofCeiling = ((o?.perSecond ?? 0) * (signaturesPer[s] ?? 1)) / ceiling;
    return `| ${s} | ${o?.perSecond.toFixed(1)} | ${o?.p50.toFixed(1)} / ${o?.p99.toFixed(1)} | ${p?.perSecond.toFixed(1)} | ${p?.p50.toFixed(1)} / ${p?.p99.toFixed(1)} | ${ratio(s).toFixed(2)}× | ${(ofCeiling * 100).toFixed(0)} % | ${targets[s]} |${o?.errors || p?.errors ? ` errors: ours ${o?.errors}, oidc-provider ${p?.errors}` : ''}`;
  });
  const fmt = (r: LoadResult | null) => (r ? `${r.perSecond.toFixed(1)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms` : 'not run');
  const report = `# Benchmark results

- Date: ${startedAt.toISOString()}
- Node ${process.version}; ${cpu}, ${cpus().length} cores
- Command: \`BENCH_SECONDS=${SECONDS} BENCH_WARMUP=${WARMUP} BENCH_VUS=${VUS} npm run bench\`
- Each scenario: ${VUS} virtual users in a separate load-generator process, ${WARMUP} s warm-up then ${SECONDS} s measured, on 127.0.0.1.
  The servers and the load generator share the machine's cores, so the figures are the whole system's.

Scenarios: **A** returning user (session + covering grant → /authorize → code → token, PKCE, RS256 ID token and JWT access token);
**B** first consent (prompt=consent → consent page → Accept → code → token); **C** client_credentials (RS256 JWT);
**D** refresh token rotation. Flows per second, latency p50 / p99 in ms.

| scenario | ours /s | ours p50 / p99 | oidc-provider /s | oidc-provider p50 / p99 | ratio | signatures vs one-core ceiling | target |
| --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

- RS256 signatures per second on one core (jose, in-process): **${ceiling.toFixed(0)}**.
- Resident memory after the four scenarios: ours **${rss.ours?.now} MB** (peak ${rss.ours?.peak} MB), oidc-provider **${rss['oidc-provider']?.now} MB** (peak ${rss['oidc-provider']?.peak} MB); target < 250 MB.
  Our peak includes the virtual users' sign-ins at set-up: each scrypt hash (cost 2^15) holds 32 MiB while it runs, four at a time on libuv's pool; oidc-provider's bench set-up checks no password hash.
- Scenario A with 1 → 2 server processes: SQLite ${fmt(results.ours.A ?? null)} → ${fmt(sqliteTwo)}; PostgreSQL ${fmt(pgOne)} → ${fmt(pgTwo)}.
- E (scale, this project): ${scaleInfo.users.toLocaleString('en')} users and ${scaleInfo.grants.toLocaleString('en')} grants in SQLite (seeded in ${scaleInfo.seconds.toFixed(1)} s, ${scaleSizeMb.toFixed(0)} MB):
  server start ${scaled.startMs.toFixed(0)} ms; scenario A ${fmt(scaleA)} (target p99 < 5 ms).
`;
  writeFileSync('bench/results.md', report);
  process.stdout.write(report);
}

main()
  .catch((err: unknown) => {
    log(String(err instanceof Error ? err.stack : err));
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });
