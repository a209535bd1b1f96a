/**
 * The package as a host installs it: `npm pack` (which builds), the tarball installed into a fresh
 * ESM app outside this repository, the README's embedding block type-checked there by a strict `tsc`
 * (without skipLibCheck, so our declarations are checked too), compiled, run, and asked for discovery.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readmeSnippet } from '../helpers/readmeSnippets.js';

const run = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'auth-packaging-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('npm pack → install into a fresh ESM TypeScript app → strict tsc passes → it runs', async () => {
  const env = { ...process.env, NODE_OPTIONS: '' };
  await run(npm, ['pack', '--pack-destination', work], { env, maxBuffer: 16 * 1024 * 1024 });
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  expect(tarball).toBeDefined();

  const app = join(work, 'app');
  cpSync(join(process.cwd(), 'test/packaging/hostApp'), app, { recursive: true });
  writeFileSync(join(app, 'app.ts'), readmeSnippet('embedding'));
  // The dependencies come from npm's cache (--prefer-offline). Install scripts are skipped: better-sqlite3
  // would download its prebuilt binary, so this machine's build of it is copied in instead.
  await run(npm, ['install', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund', join(work, tarball as string), 'express@5', 'typescript@5', '@types/node@20'], { cwd: app, env, maxBuffer: 16 * 1024 * 1024 });
  cpSync(join(process.cwd(), 'node_modules/better-sqlite3/build'), join(app, 'node_modules/better-sqlite3/build'), { recursive: true });

  // Strict, and without skipLibCheck: our .d.ts files must hold up in a host's compilation.
  const tsc = await run(process.execPath, [join(app, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, env }).then(
    () => '',
    (err: { stdout: string }) => err.stdout,
  );
  expect(tsc).toBe('');

  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}/auth/`;
  const proc = spawn(process.execPath, ['out/app.js'], { cwd: app, env: { ...env, PORT: String(port), ISSUER: issuer, DATABASE_URL: join(app, 'auth.sqlite'), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  try {
    for (let i = 0; i < 300 && !output.includes('Authorization server:'); i++) {
      if (proc.exitCode !== null) throw new Error(`the packaged app exited:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const discovery = await fetch(`${issuer}.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(issuer);
    // Pages and assets come from the package's own views/ and public/.
    expect((await fetch(issuer)).status).toBe(200);
    expect((await fetch(`${issuer}assets/style.css`)).status).toBe(200);
  } finally {
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
});
