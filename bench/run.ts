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
import { exportJWK, generateKeyPair } from 'jose';
import knexFactory from 'knex';
import type { LoadResult, ReadyMessage } from './common.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const VUS = Number(process.env.BENCH_VUS ?? 8);
/** Server processes sharing one PostgreSQL database, in the `processes` part. */
const PG_PROCESSES = [1, 2, 4];
const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PROFILE = process.env.BENCH_PROFILE;
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

/** The core the load generator is pinned to with taskset (the last one), when taskset exists. */
const LOAD_CORE = String(cpus().length - 1);

function run(script: string, env: Record<string, string>, until: RegExp, timeoutMs: number, pinned = false): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  // Every process runs the compiled build (compiled by `npm run bench` first, like `npm run build`), as a
  // production deployment would: no TypeScript compiler in the measured processes' memory.
  const compiled = join('dist', script.replace(/\.ts$/, '.js'));
  // BENCH_PROFILE=<folder>: the servers write V8 CPU profiles there (read them with bench/profileSummary.ts).
  const profile = PROFILE && script.startsWith('bench/servers/') ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] : [];
  const args = [...profile, compiled];
  const child = spawn(pinned ? 'taskset' : process.execPath, pinned ? ['-c', LOAD_CORE, process.execPath, ...args] : args, { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
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
  /** What the server printed so far (its JSON log lines). */
  output: () => string;
}

async function startServer(script: string, env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const started = performance.now();
  const { child, match, output } = await run(script, { ...env, PORT: String(port) }, /READY (\{.*\})\n/, 600_000);
  return { ready: JSON.parse(match[1] ?? '{}') as ReadyMessage, child, startMs: performance.now() - started, output };
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

async function load(scenario: Scenario | 'L', targets: ReadyMessage[], options: { userOffset?: number; vus?: number; pinned?: boolean } = {}): Promise<LoadResult> {
  const input = { scenario, targets, vus: options.vus ?? VUS, seconds: SECONDS, warmupSeconds: WARMUP, userOffset: options.userOffset ?? 0 };
  const { match } = await run('bench/load.ts', { BENCH_LOAD: JSON.stringify(input) }, /RESULT (\{.*\})\n/, (SECONDS + WARMUP + 120) * 1000, options.pinned);
  const result = JSON.parse(match[1] ?? '{}') as LoadResult;
  log(
    `  ${scenario} ${result.target} (${input.vus} VU): ${result.perSecond.toFixed(1)}/s p50 ${result.p50.toFixed(1)} ms p99 ${result.p99.toFixed(1)} ms, client ${result.clientCpuMsPerFlow.toFixed(2)} ms CPU/flow${result.serverCpuMsPerFlow !== undefined ? `, server ${result.serverCpuMsPerFlow.toFixed(2)} ms CPU/flow` : ''}${result.errors ? ` (${result.errors} errors: ${result.firstError})` : ''}`,
  );
  return result;
}

/**
 * RS256 signatures per second with jose, measured in a child process on a one-thread libuv pool: one
 * after another (the issue's ceiling) and with one core kept busy (the cost of a signature in CPU time).
 */
async function signatureCeilings(): Promise<{ sequential: number; perCore: number }> {
  const { match } = await run('bench/ceiling.ts', { UV_THREADPOOL_SIZE: '1' }, /CEILING (\{.*\})\n/, 60_000);
  return JSON.parse(match[1] ?? '{}') as { sequential: number; perCore: number };
}

type Scenario = 'A' | 'B' | 'C' | 'D';
const ALL_SCENARIOS: Scenario[] = ['A', 'B', 'C', 'D'];
/** BENCH_SCENARIOS=A,D limits the comparison (for profiling one flow); a partial run keeps bench/results.md. */
const SCENARIOS = ALL_SCENARIOS.filter((s) => (process.env.BENCH_SCENARIOS ?? 'A,B,C,D').split(',').includes(s));
const SIGNATURES: Record<Scenario, number> = { A: 2, B: 2, C: 1, D: 2 };
const TARGETS: Record<Scenario, { ratio: number; text: string }> = {
  A: { ratio: 3, text: '≥ 3×' },
  B: { ratio: 2, text: '≥ 2×' },
  C: { ratio: 1.5, text: '≥ 1.5× and ≥ 60 % of ceiling' },
  D: { ratio: 2, text: '≥ 2×' },
};

async function main(): Promise<void> {
  const startedAt = new Date();
  const parts = new Set((process.env.BENCH_PARTS ?? 'compare,processes,scale').split(','));
  const full = ['compare', 'processes', 'scale'].every((p) => parts.has(p)) && SCENARIOS.length === ALL_SCENARIOS.length;
  log(`bench: ${SECONDS}s per scenario after ${WARMUP}s warm-up, ${VUS} virtual users, parts ${[...parts].join(', ')}, work folder ${work}`);
  const { sequential: ceiling, perCore } = await signatureCeilings();
  log(`RS256 signatures/s (jose): ${ceiling.toFixed(0)} one after another, ${perCore.toFixed(0)} on one busy core`);

  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'bench-key', alg: 'RS256', use: 'sig' });
  const users = String(VUS * 3);
  const results: { ours: Partial<Record<Scenario, LoadResult>>; 'oidc-provider': Partial<Record<Scenario, LoadResult>> } = { ours: {}, 'oidc-provider': {} };
  const rss: Record<string, { peak: number; now: number }> = {};
  let sqliteTwo: LoadResult | null = null;
  let sqliteWarned = false;
  /** PostgreSQL, scenario A, by number of server processes (the load generator pinned to a core of its own). */
  const pgProcesses = new Map<number, LoadResult>();
  let login: LoadResult | null = null;

  const sqlite = join(work, 'bench.sqlite');
  if (parts.has('compare') || parts.has('processes')) {
    const ours = await startServer('bench/servers/ours.ts', { BENCH_DB: sqlite, BENCH_JWK: jwk, BENCH_USERS: users });
    log(`ours (SQLite) started in ${ours.startMs.toFixed(0)} ms`);
    if (parts.has('compare')) {
      const op = await startServer('bench/servers/oidcProvider.ts', { BENCH_JWK: jwk, BENCH_USERS: users });
      // Each scenario on both servers back to back: on a shared machine whose speed drifts, the two
      // measurements of a scenario then see the same machine.
      for (const s of SCENARIOS) {
        results.ours[s] = await load(s, [ours.ready]);
        results['oidc-provider'][s] = await load(s, [op.ready]);
      }
      // Keycloak's sizing anchor: a password sign-in per flow (ours only: oidc-provider's bench checks no password).
      if (SCENARIOS.length === ALL_SCENARIOS.length) login = await load('L', [ours.ready]);
      rss.ours = rssMb(ours.child);
      rss['oidc-provider'] = rssMb(op.child);
      await stop(op);
    }
    if (parts.has('processes')) {
      results.ours.A ??= await load('A', [ours.ready]);
      // 1 → 2 processes on SQLite: the second instance shares the database file (and so the sessions).
      const second = await startServer('bench/servers/ours.ts', { BENCH_DB: sqlite, BENCH_JWK: jwk, BENCH_SEED: '0' });
      sqliteTwo = await load('A', [ours.ready, second.ready], { userOffset: VUS });
      sqliteWarned = /sqlite_several_processes/.test(second.output());
      await stop(second);
    }
    await stop(ours);
  }

  if (parts.has('processes')) {
    // The same on PostgreSQL, in a schema of its own.
    const schema = `bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = knexFactory({ client: 'pg', connection: PG_URL });
    try {
      await admin.raw(`create schema "${schema}"`);
      const pgEnv = { BENCH_DB: PG_URL, BENCH_PG_SCHEMA: schema, BENCH_JWK: jwk, BENCH_USERS: users };
      const servers = [await startServer('bench/servers/ours.ts', pgEnv)];
      for (const count of PG_PROCESSES) {
        while (servers.length < count) servers.push(await startServer('bench/servers/ours.ts', { ...pgEnv, BENCH_SEED: '0' }));
        // Each run signs in other seeded users (VUS × 3 are seeded): the first run's sessions stay on their instance.
        pgProcesses.set(count, await load('A', servers.map((server) => server.ready), { userOffset: count === 1 ? 0 : VUS * Math.min(2, count / 2), pinned: true }));
      }
      for (const server of servers) await stop(server);
    } catch (err) {
      log(`PostgreSQL runs skipped: ${String(err)}`);
    } finally {
      await admin.raw(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
      await admin.destroy();
    }
  }

  // E: scale. Seed the API and clients through the server, then bulk-add users and grants.
  let scale: { users: number; grants: number; seconds: number; sizeMb: number; startMs: number; one: LoadResult; many: LoadResult } | null = null;
  if (parts.has('scale')) {
    const scaleDb = join(work, 'scale.sqlite');
    const seeder = await startServer('bench/servers/ours.ts', { BENCH_DB: scaleDb, BENCH_JWK: jwk, BENCH_USERS: users });
    await stop(seeder);
    const { match: seeded } = await run('bench/scale.ts', { BENCH_DB: scaleDb, BENCH_SCALE_USERS: String(SCALE_USERS), BENCH_SCALE_GRANTS: String(SCALE_GRANTS) }, /SEEDED (\{.*\})\n/, 900_000);
    const info = JSON.parse(seeded[1] ?? '{}') as { users: number; grants: number; seconds: number };
    log(`E: seeded ${info.users} users and ${info.grants} grants in ${info.seconds.toFixed(1)} s`);
    const scaled = await startServer('bench/servers/ours.ts', { BENCH_DB: scaleDb, BENCH_JWK: jwk, BENCH_SEED: '0' });
    // One user at a time shows the flow's own latency; eight show it under contention for the cores.
    const one = await load('A', [scaled.ready], { vus: 1 });
    const many = await load('A', [scaled.ready]);
    await stop(scaled);
    scale = { ...info, sizeMb: statSync(scaleDb).size / 1024 / 1024, startMs: scaled.startMs, one, many };
  }

  const report = renderReport({ startedAt, ceiling, perCore, results, rss, sqliteTwo, sqliteWarned, pgProcesses, login, scale });
  if (full) writeFileSync('bench/results.md', report);
  else log('A partial run (BENCH_PARTS): bench/results.md is left as it was.');
  process.stdout.write(report);
}

interface ReportInput {
  startedAt: Date;
  ceiling: number;
  perCore: number;
  results: { ours: Partial<Record<Scenario, LoadResult>>; 'oidc-provider': Partial<Record<Scenario, LoadResult>> };
  rss: Record<string, { peak: number; now: number }>;
  sqliteTwo: LoadResult | null;
  sqliteWarned: boolean;
  pgProcesses: Map<number, LoadResult>;
  login: LoadResult | null;
  scale: { users: number; grants: number; seconds: number; sizeMb: number; startMs: number; one: LoadResult; many: LoadResult } | null;
}

function serverTimes(result: LoadResult): string {
  const paths = ['/authorize', '/oauth/token'];
  return paths
    .map((path) => {
      const t = result.serverTimes?.[path];
      return t ? `${path} p50 ${t.p50.toFixed(2)} ms, p99 ${t.p99.toFixed(2)} ms` : `${path} not measured`;
    })
    .join('; ');
}

/**
 * Keycloak's sizing guide per vCPU: 15 password logins, 120 client-credentials and 120 refresh requests
 * per second. Ours per core is 1000 ÷ the server's CPU milliseconds per flow (signing and hashing threads included).
 */
function perCoreLine(r: ReportInput): string {
  const perCore = (x: LoadResult | null | undefined) => (x?.serverCpuMsPerFlow ? (1000 / x.serverCpuMsPerFlow).toFixed(0) : 'not run');
  return `- Per core (1000 ÷ server CPU ms per flow), against Keycloak's sizing guide per vCPU: password sign-in + code exchange **${perCore(r.login)}/s** (Keycloak 15), client credentials **${perCore(r.results.ours.C)}/s** (120), refresh **${perCore(r.results.ours.D)}/s** (120)${r.login ? `; the sign-in flow's server CPU is ${r.login.serverCpuMsPerFlow?.toFixed(1)} ms, mostly the password hash` : ''}.`;
}

function renderReport(r: ReportInput): string {
  const cores = cpus().length;
  const cpu = (x: LoadResult) => (x.serverCpuMsPerFlow ?? 0).toFixed(2);
  const fmt = (x: LoadResult | null | undefined) => (x ? `${x.perSecond.toFixed(1)}/s, p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms` : 'not run');
  /**
   * The most flows per second any server could reach here: the cores must also run the load
   * generator (its own CPU per flow, measured) and the signatures (at one busy core's rate).
   */
  const bound = (s: Scenario) => {
    const client = r.results.ours[s]?.clientCpuMsPerFlow;
    return client === undefined ? null : (cores * 1000) / (client + (SIGNATURES[s] * 1000) / r.perCore);
  };
  const rows = SCENARIOS.map((s) => {
    const o = r.results.ours[s];
    const p = r.results['oidc-provider'][s];
    if (!o || !p) return `| ${s} | not run |`;
    const ratio = o.perSecond / Math.max(p.perSecond, 0.001);
    const ofCeiling = (o.perSecond * SIGNATURES[s]) / r.ceiling;
    const limit = bound(s) ?? 0;
    const needed = TARGETS[s].ratio * p.perSecond;
    return `| ${s} | ${o.perSecond.toFixed(1)} | ${o.p50.toFixed(1)} / ${o.p99.toFixed(1)} | ${p.perSecond.toFixed(1)} | ${p.p50.toFixed(1)} / ${p.p99.toFixed(1)} | **${ratio.toFixed(2)}×** | ${cpu(o)} / ${cpu(p)} ms | ${(ofCeiling * 100).toFixed(0)} % | ${o.clientCpuMsPerFlow.toFixed(2)} ms | ${limit.toFixed(0)} | ${TARGETS[s].text} (${needed.toFixed(0)}/s${needed > limit ? ', above the bound' : ''}) |${o.errors || p.errors ? ` errors: ours ${o.errors}, oidc-provider ${p.errors}` : ''}`;
  });
  const e = r.scale;
  return `# Benchmark results

- Date: ${r.startedAt.toISOString()}
- Node ${process.version}; ${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores
- Command: \`BENCH_SECONDS=${SECONDS} BENCH_WARMUP=${WARMUP} BENCH_VUS=${VUS} npm run bench\`
- Each scenario: ${VUS} virtual users in a separate load-generator process, ${WARMUP} s warm-up then ${SECONDS} s measured, on 127.0.0.1.
  The servers and the load generator share the machine's cores, so the figures are the whole system's.
  Every process runs the compiled JavaScript (as \`npm run build\` makes it), as in production.

Scenarios: **A** returning user (session + covering grant → /authorize → code → token, PKCE, RS256 ID token and JWT access token);
**B** first consent (prompt=consent → consent page → Accept → code → token); **C** client_credentials (RS256 JWT);
**D** refresh token rotation (RS256 ID token and JWT access token). Flows per second, latency p50 / p99 in ms.

| scenario | ours /s | ours p50 / p99 | oidc-provider /s | oidc-provider p50 / p99 | ratio | server CPU per flow, ours / oidc-provider | signatures vs one-core ceiling | load generator CPU per flow | bound on this machine /s | target (flows/s it needs) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

- RS256 signatures per second with jose: **${r.ceiling.toFixed(0)}** one after another (the ceiling the table's percentages use);
  **${r.perCore.toFixed(0)}** on one core kept busy (jose signs on libuv's pool; one thread, 64 in flight). The gap is each signature's hop to the pool and back.
- *Server CPU per flow*: the server process's CPU time (every thread, so signing counts) over the measured window, divided by the flows;
  it does not depend on how the cores were shared with the load generator.
- *Bound on this machine*: ${cores} cores ÷ (the load generator's measured CPU per flow + the flow's signatures at one busy core's rate).
  No server, however cheap its own work, can exceed it here; a target above it cannot be met on this machine, only on one where the load generator has cores of its own.
- Resident memory after the scenarios (the two servers ran side by side, each scenario on one then the other): ours **${r.rss.ours?.now ?? '?'} MB** (peak ${r.rss.ours?.peak ?? '?'} MB), oidc-provider **${r.rss['oidc-provider']?.now ?? '?'} MB** (peak ${r.rss['oidc-provider']?.peak ?? '?'} MB); target < 250 MB.
  Our peak includes the virtual users' sign-ins at set-up: each password hash holds its memory cost while it runs, at most one per core but one at a time; oidc-provider's bench set-up checks no password hash.
- Scenario A with 1 → 2 server processes on one SQLite file: ${fmt(r.results.ours.A)} → ${fmt(r.sqliteTwo)}${r.sqliteTwo ? ` (the second process ${r.sqliteWarned ? 'logged' : 'did not log'} the several-processes warning)` : ''}.
- Scenario A on PostgreSQL by server processes, the load generator pinned to core ${LOAD_CORE} with taskset (the servers and PostgreSQL share the other cores with it): ${PG_PROCESSES.map((n) => `${n} → ${fmt(r.pgProcesses.get(n))}${r.pgProcesses.get(n) ? `, load generator ${r.pgProcesses.get(n)?.clientCpuMsPerFlow.toFixed(2)} ms CPU/flow` : ''}`).join('; ')}.
${perCoreLine(r)}
${
  e
    ? `- E (scale, this project): ${e.users.toLocaleString('en')} users and ${e.grants.toLocaleString('en')} grants in SQLite (seeded in ${e.seconds.toFixed(1)} s, ${e.sizeMb.toFixed(0)} MB):
  server start ${e.startMs.toFixed(0)} ms; scenario A with 1 virtual user ${fmt(e.one)}; with ${VUS} ${fmt(e.many)} (target p99 < 5 ms).
  The server's own time per request with 1 virtual user (the flow's latency above also holds the load generator's ${e.one.clientCpuMsPerFlow.toFixed(1)} ms of CPU per flow): ${serverTimes(e.one)};
  with ${VUS} virtual users (target p99 < 5 ms): ${serverTimes(e.many)}.`
    : '- E (scale): not run.'
}
`;
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
