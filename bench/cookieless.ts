/**
 * `npm run bench:cookieless`: issue 12's measurement that requests nobody finishes leave the database
 * bounded. A client sends BENCH_COOKIELESS_REQUESTS (default 1,000,000) cookieless /authorize requests
 * (each creates an anonymous session and an authorization transaction), while the server sweeps every
 * few seconds with a short login timeout; the parent samples row counts and the SQLite file's size.
 * Bounded means: the live rows never exceed what the timeout and the sweep interval allow, the file stops
 * growing once SQLite reuses freed pages, and everything is gone one timeout after the last request.
 *
 * Run as `tsx bench/cookieless.ts`; the same file is the server when started with `--server`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import knexFactory from 'knex';
import { createAuthServer } from '../src/index.js';

const REQUESTS = Number(process.env.BENCH_COOKIELESS_REQUESTS ?? 1_000_000);
const CONCURRENCY = Number(process.env.BENCH_COOKIELESS_CONCURRENCY ?? 32);
const LOGIN_TIMEOUT_SECONDS = Number(process.env.BENCH_LOGIN_TIMEOUT ?? 30);
const SWEEP_MS = Number(process.env.BENCH_SWEEP_MS ?? 5000);
const SAMPLE_MS = 5000;
const CLIENT_ID = 'cookieless-bench';
const REDIRECT_URI = 'https://cookieless.bench.test/cb';

async function serve(file: string): Promise<void> {
  const port = Number(process.env.PORT);
  const auth = await createAuthServer({
    issuer: `http://127.0.0.1:${port}/`,
    database: { client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true },
    sessionSecrets: ['cookieless-bench-session-secret'],
    sweepIntervalMs: SWEEP_MS,
    loginTimeoutSeconds: LOGIN_TIMEOUT_SECONDS,
    logLevel: 'warn',
  });
  await auth.admin.ensureClient({ clientId: CLIENT_ID, name: 'Cookieless bench', appType: 'spa', callbacks: [REDIRECT_URI] });
  const app = express();
  app.use(auth.router);
  app.listen(port, '127.0.0.1', () => process.stdout.write('READY\n'));
  process.on('SIGTERM', () => void auth.close().finally(() => process.exit(0)));
}

interface Sample {
  seconds: number;
  sent: number;
  transactions: number;
  sessions: number;
  fileMb: number;
}

function fileMb(file: string): number {
  const size = (name: string): number => (existsSync(name) ? statSync(name).size : 0);
  return (size(file) + size(`${file}-wal`)) / 1024 / 1024;
}

async function measure(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'auth-cookieless-'));
  const file = join(work, 'auth.sqlite');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = spawn(process.execPath, [...process.execArgv, process.argv[1] ?? '', '--server', file], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    server.stdout?.on('data', (chunk: Buffer) => chunk.toString().includes('READY') && resolve());
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const db = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  const count = async (table: string): Promise<number> => Number(((await db(table).count({ n: '*' }).first()) as { n: number }).n);

  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const path = `/authorize?client_id=${CLIENT_ID}&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&response_type=code&scope=openid&state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGEs9z3WsQ&code_challenge_method=S256`;
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });

  let sent = 0;
  let failed = 0;
  const started = Date.now();
  const samples: Sample[] = [];
  const sample = async (): Promise<void> => {
    samples.push({
      seconds: Math.round((Date.now() - started) / 1000),
      sent,
      transactions: await count('authorization_transactions'),
      sessions: await count('sessions'),
      fileMb: Number(fileMb(file).toFixed(1)),
    });
    const last = samples[samples.length - 1];
    process.stderr.write(`${JSON.stringify(last)}\n`);
  };
  const sampler = setInterval(() => void sample(), SAMPLE_MS);
  const worker = async (): Promise<void> => {
    while (sent < REQUESTS) {
      sent++;
      const status = await one();
      if (status !== 302 && status !== 303) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const loadSeconds = (Date.now() - started) / 1000;
  // One login timeout plus two sweeps after the last request, nothing of these requests may remain.
  const settleUntil = Date.now() + LOGIN_TIMEOUT_SECONDS * 1000 + 2 * SWEEP_MS + 1000;
  while (Date.now() < settleUntil) await new Promise((r) => setTimeout(r, 1000));
  clearInterval(sampler);
  await sample();
  agent.destroy();
  const during = samples.filter((s) => s.sent < REQUESTS);
  const peak = (key: 'transactions' | 'sessions' | 'fileMb'): number => Math.max(0, ...samples.map((s) => s[key]));
  const rate = REQUESTS / loadSeconds;
  // A row lives at most one login timeout plus one sweep interval (and a sample interval of reading
  // lag), so the live rows can never exceed the requests sent within any window of that length.
  const windowSeconds = LOGIN_TIMEOUT_SECONDS + (SWEEP_MS + SAMPLE_MS) / 1000;
  const bound = Math.max(
    0,
    ...samples.map((a) => Math.max(0, ...samples.filter((b) => b.seconds >= a.seconds && b.seconds - a.seconds <= windowSeconds).map((b) => b.sent - a.sent))),
  );
  const final = samples[samples.length - 1];
  const lateHalf = during.slice(Math.floor(during.length / 2));
  console.log(
    JSON.stringify(
      {
        requests: REQUESTS,
        failed,
        loadSeconds: Math.round(loadSeconds),
        requestsPerSecond: Math.round(rate),
        loginTimeoutSeconds: LOGIN_TIMEOUT_SECONDS,
        sweepIntervalSeconds: SWEEP_MS / 1000,
        mostRequestsInAnyWindow: { seconds: windowSeconds, requests: bound },
        peakTransactions: peak('transactions'),
        peakSessions: peak('sessions'),
        peakFileMb: peak('fileMb'),
        fileMbOverSecondHalf: lateHalf.length ? [Math.min(...lateHalf.map((s) => s.fileMb)), Math.max(...lateHalf.map((s) => s.fileMb))] : null,
        afterSettling: final,
      },
      null,
      2,
    ),
  );
  await db.destroy();
  server.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
  const bounded = peak('transactions') <= bound + CONCURRENCY && peak('sessions') <= bound + CONCURRENCY;
  if (failed > 0 || !bounded || (final && (final.transactions > 0 || final.sessions > 0))) process.exitCode = 1;
}

if (process.argv[2] === '--server') void serve(process.argv[3] ?? '');
else
  measure().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
