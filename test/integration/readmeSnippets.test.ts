/**
 * The README's "Embedding it in an Express app" block, run as written: copied into an ESM app of its
 * own that imports this package by name (its sources, through tsx and the package's `source`
 * export condition; test/packaging/ does the same with the packed build), started twice on one SQLite
 * database (the second start must find what the first created), answering discovery each time.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readmeSnippet } from '../helpers/readmeSnippets.js';

const runOnce = process.env.TEST_MOUNT_PATH && process.env.TEST_MOUNT_PATH !== '/' ? describe.skip : describe;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

/** Runs the app until it prints its URL, asks for discovery, then stops it with SIGTERM. */
async function runApp(dir: string, env: NodeJS.ProcessEnv, issuer: string): Promise<{ output: string; issuerSeen: string; exitCode: number | null }> {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'app.ts'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  for (let i = 0; i < 600 && !output.includes('Authorization server:'); i++) {
    if (proc.exitCode !== null) throw new Error(`the README app exited with ${proc.exitCode}:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  try {
    const res = await fetch(`${issuer}.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const issuerSeen = ((await res.json()) as { issuer: string }).issuer;
    return { output, issuerSeen, exitCode: null };
  } finally {
    proc.kill('SIGTERM');
    const code = await exited;
    expect(code).toBe(0);
  }
}

runOnce('the README', () => {
  let dir: string;
  beforeAll(() => {
    // Inside the repository, so that `express` resolves from its node_modules as it would from the app's.
    dir = mkdtempSync(join(process.cwd(), '.test-readme-'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
    writeFileSync(join(dir, 'app.ts'), readmeSnippet('embedding'));
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(process.cwd(), join(dir, 'node_modules', 'consent-auth-server'), 'dir');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('"Embedding it in an Express app" runs as written, and again on the same database', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}/auth/`;
    const env = { PORT: String(port), ISSUER: issuer, DATABASE_URL: join(dir, 'auth.sqlite'), LOG_LEVEL: 'warn' };
    const first = await runApp(dir, env, issuer);
    expect(first.issuerSeen).toBe(issuer);
    const second = await runApp(dir, env, issuer);
    expect(second.issuerSeen).toBe(issuer);
    const clientId = (run: { output: string }) => /Fabrikam's client_id: (\S+)/.exec(run.output)?.[1];
    expect(clientId(first)).toBeDefined();
    expect(clientId(second)).toBe(clientId(first));
  }, 120_000);
});
