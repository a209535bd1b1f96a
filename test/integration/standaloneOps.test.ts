/**
 * The standalone server as an operator runs it (issue 17), in its own processes: a port already in
 * use, graceful shutdown on SIGTERM with requests in flight, the demo restarted on other ports with
 * the same database, and the admin CLI on the server's configuration.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { textOf } from '../helpers/browser.js';

const MANAGEMENT_ID = 'ops-management-client';
const MANAGEMENT_SECRET = 'an-ops-management-secret-of-more-than-32-characters';
// Spawned servers run on SQLite whatever the suite's database: this is about the process, not the SQL.
const runOnce = process.env.TEST_MOUNT_PATH && process.env.TEST_MOUNT_PATH !== '/' ? describe.skip : describe;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

interface Launched {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function spawnServer(env: NodeJS.ProcessEnv): Launched {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  proc.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  proc.stderr?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return { proc, output: () => printed, exited };
}

async function started(server: Launched): Promise<void> {
  for (let i = 0; i < 600 && !server.output().includes('Demo user:'); i++) {
    if (server.proc.exitCode !== null) throw new Error(`the server exited:\n${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!server.output().includes('Demo user:')) throw new Error(`the server did not start:\n${server.output()}`);
}

async function stop(server: Launched | null): Promise<void> {
  if (!server || server.proc.exitCode !== null) return;
  server.proc.kill('SIGTERM');
  await server.exited;
}

function admin(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], { env: { ...process.env, NODE_OPTIONS: '', ...env }, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

runOnce('the standalone server, operated', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let issuer: string;
  let server: Launched | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'auth-ops-'));
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}/`;
    env = {
      PORT: String(port),
      SAMPLE_PORT: String(await freePort()),
      ISSUER: issuer,
      DATABASE_URL: join(dir, 'auth.sqlite'),
      SESSION_SECRET: 'ops-test-session-secret',
      MANAGEMENT_CLIENT_ID: MANAGEMENT_ID,
      MANAGEMENT_CLIENT_SECRET: MANAGEMENT_SECRET,
      LOG_LEVEL: 'info',
    };
    server = spawnServer(env);
    await started(server);
  }, 90_000);

  afterAll(async () => {
    await stop(server);
    rmSync(dir, { recursive: true, force: true });
  });

  test('a port already in use: a clear message and a non-zero exit, not a server that seems to run', async () => {
    const other = spawnServer({ ...env, SAMPLE_PORT: String(await freePort()) });
    const code = await other.exited;
    expect(code).toBe(1);
    expect(other.output()).toContain(`Port ${env.PORT} is already in use`);
    expect(other.output()).not.toContain('Authorization server:');
  }, 60_000);

  test('the admin CLI: --help, create-management-client idempotent by name, list, delete', async () => {
    // Only DATABASE_URL and PORT: the issuer is derived as the server derives it.
    const cliEnv = { DATABASE_URL: env.DATABASE_URL, PORT: env.PORT, ISSUER: '' };
    const help = await admin(['--help'], cliEnv);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/create-management-client[\s\S]*list[\s\S]*delete <client_id>/);

    const first = await admin(['create-management-client', '--name', 'Ops'], cliEnv);
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout) as { client_id: string; client_secret: string; audience: string; created: boolean };
    expect(created.audience).toBe(`http://localhost:${env.PORT}/api/v2/`);
    expect(created.created).toBe(true);
    const second = await admin(['create-management-client', '--name', 'Ops'], cliEnv);
    const again = JSON.parse(second.stdout) as typeof created;
    expect(again.client_id).toBe(created.client_id);
    expect(again.created).toBe(false);
    expect(second.stderr).toContain('already exists');

    const listed = JSON.parse((await admin(['list'], cliEnv)).stdout) as { client_id: string; name: string }[];
    expect(listed.filter((c) => c.name === 'Ops')).toHaveLength(1);
    expect((await admin(['delete', created.client_id], cliEnv)).code).toBe(0);
    const after = JSON.parse((await admin(['list'], cliEnv)).stdout) as { client_id: string }[];
    expect(after.map((c) => c.client_id)).not.toContain(created.client_id);
    expect((await admin(['delete', 'demo-fabrikam'], cliEnv)).code).toBe(1);
    expect((await admin(['frobnicate'], cliEnv)).code).toBe(2);
  }, 120_000);

  test('the admin CLI: grant-admin, list-admins and revoke-admin by email or user_id; unknown people refused without a stack', async () => {
    const cliEnv = { DATABASE_URL: env.DATABASE_URL, PORT: env.PORT, ISSUER: '' };
    const listAdmins = async () => JSON.parse((await admin(['list-admins'], cliEnv)).stdout) as { user_id: string; email: string | null }[];
    // npm start made admin@example.com an administrator; demo@example.com is a plain user.
    expect((await listAdmins()).map((a) => a.email)).toEqual(['admin@example.com']);

    const granted = await admin(['grant-admin', 'Demo@Example.com'], cliEnv);
    expect(granted.code).toBe(0);
    expect(granted.stderr).toMatch(/^auth0\|\S+ is now an administrator\.$/m);
    const demo = (await listAdmins()).find((a) => a.email === 'demo@example.com');
    expect(demo?.user_id).toMatch(/^auth0\|/);
    const again = await admin(['grant-admin', demo?.user_id ?? ''], cliEnv);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('was already an administrator: nothing changed');

    const revoked = await admin(['revoke-admin', 'demo@example.com'], cliEnv);
    expect(revoked.code).toBe(0);
    expect(revoked.stderr).toContain('is no longer an administrator');
    expect((await listAdmins()).map((a) => a.email)).toEqual(['admin@example.com']);
    expect((await admin(['revoke-admin', 'demo@example.com'], cliEnv)).stderr).toContain('was not an administrator: nothing changed');

    for (const who of ['nobody@example.com', 'auth0|no-such-user']) {
      const refused = await admin(['grant-admin', who], cliEnv);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`No single user matches ${who}`);
      expect(refused.stderr).not.toMatch(/\n\s+at /);
    }
    expect((await admin(['grant-admin'], cliEnv)).code).toBe(2);
    expect((await listAdmins()).map((a) => a.email)).toEqual(['admin@example.com']);
  }, 120_000);

  test('SIGTERM: requests in flight finish, the audit log is flushed, the process exits 0', async () => {
    const live = server as Launched;
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: MANAGEMENT_ID, client_secret: MANAGEMENT_SECRET, audience: `${issuer}api/v2/` }).toString();
    const half = Math.floor(body.length / 2);
    const inFlight = 8;
    // Each request sends its headers and half its body, then waits: the server is answering it.
    const pending = Array.from({ length: inFlight }, () => {
      const req = request(`${issuer}oauth/token`, { method: 'POST', agent: false, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length) } });
      const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
          res.on('error', reject);
        });
        req.on('error', reject);
      });
      req.write(body.slice(0, half));
      return { req, answer };
    });
    // Proof that the server has every one of them (not a timing guess): its in-flight gauge.
    for (let i = 0; i < 300; i++) {
      const metrics = await (await fetch(`${issuer}metrics`)).text();
      const gauge = Number(/^auth_http_requests_in_flight (\d+)/m.exec(metrics)?.[1] ?? 0);
      if (gauge >= inFlight + 1) break; // + the metrics request itself
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    live.proc.kill('SIGTERM');
    // The listening socket closes: a new connection is refused, while the ones in flight go on.
    for (let i = 0; i < 100; i++) {
      const refused = await fetch(`${issuer}healthz`).then(() => false, () => true);
      if (refused) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const { req } of pending) req.end(body.slice(half));
    const answers = await Promise.all(pending.map((p) => p.answer));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual(expect.objectContaining({ access_token: expect.any(String) }));
    }
    expect(await live.exited).toBe(0);
    expect(live.output()).toContain('shutting down');
    // Every exchange's audit event reached the database before it was closed.
    const db = new Database(env.DATABASE_URL as string, { readonly: true });
    try {
      const row = db.prepare("select count(*) as n from logs where type = 'seccft' and client_id = ?").get(MANAGEMENT_ID) as { n: number };
      expect(row.n).toBeGreaterThanOrEqual(inFlight);
    } finally {
      db.close();
    }
  }, 90_000);

  test('restarted on other ports with the same database, the demo still signs in; a mismatch page shows the URL tried', async () => {
    const port = await freePort();
    const samplePort = await freePort();
    const moved = `http://127.0.0.1:${port}/`;
    server = spawnServer({ ...env, PORT: String(port), SAMPLE_PORT: String(samplePort), ISSUER: moved });
    await started(server);
    for (const app of ['fabrikam', 'contoso']) {
      const toAuthorize = await fetch(`http://localhost:${samplePort}/login/${app}`, { redirect: 'manual' });
      const authorizeUrl = toAuthorize.headers.get('location') ?? '';
      expect(authorizeUrl.startsWith(`${moved}authorize?`)).toBe(true);
      const page = await fetch(authorizeUrl, { redirect: 'manual' });
      // The login page (directly or after a redirect to it), not "Callback URL mismatch".
      const text = page.status === 200 ? textOf(await page.text()) : (page.headers.get('location') ?? '');
      expect(text).not.toContain('Callback URL mismatch');
      expect(text).toMatch(/Sign in|\/u\/login/);
    }
    const tried = 'http://localhost:1/callback/not-registered';
    const mismatch = await fetch(`${moved}authorize?client_id=demo-fabrikam&response_type=code&redirect_uri=${encodeURIComponent(tried)}`);
    expect(mismatch.status).toBe(400);
    const text = textOf(await mismatch.text());
    expect(text).toContain('Callback URL mismatch');
    expect(text).toContain(tried);
    // The page names the URL tried, not the registered ones.
    expect(text).not.toContain(`localhost:${samplePort}/callback/fabrikam`);
  }, 90_000);
});
