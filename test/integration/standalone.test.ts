/**
 * The standalone server as a newcomer runs it (src/server.ts, what `npm start` runs), in its own
 * process: the demo seed, the sample client app built with openid-client, the MANAGEMENT_CLIENT_ID
 * bootstrap and the `npm run admin -- create-management-client` command.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TestBrowser, textOf } from '../helpers/browser.js';
import { expectPage, expectRedirect } from '../helpers/fixtures.js';
import { clientCredentialsToken } from '../helpers/management.js';
import type { TestServer } from '../helpers/testServer.js';

const MANAGEMENT_ID = 'bootstrap-management-client';
const MANAGEMENT_SECRET = 'a-bootstrap-secret-of-more-than-32-characters';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const address = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Starts the standalone server with these node arguments; resolves once it has printed its URLs. */
async function launch(args: string[], env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcess; output: () => string }> {
  const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let printed = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${printed}`)), 40_000);
    const onData = (chunk: Buffer) => {
      printed += chunk.toString();
      if (printed.includes('Demo user:') && printed.includes('Authorization server:') && printed.includes('Dashboard:')) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', onData);
    proc.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${printed}`)));
  });
  return { proc, output: () => printed };
}

async function stop(proc: ChildProcess | null): Promise<void> {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  await exited;
}

let dir: string;
let child: ChildProcess | null = null;
let issuer: string;
let samplePort: number;
let output = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'auth-standalone-'));
  const port = await freePort();
  samplePort = await freePort();
  const mount = process.env.TEST_MOUNT_PATH && process.env.TEST_MOUNT_PATH !== '/' ? process.env.TEST_MOUNT_PATH : '';
  issuer = `http://127.0.0.1:${port}${mount}/`;
  const env = {
    ...process.env,
    NODE_OPTIONS: '',
    PORT: String(port),
    SAMPLE_PORT: String(samplePort),
    ISSUER: issuer,
    DATABASE_URL: join(dir, 'auth.sqlite'),
    SESSION_SECRET: 'standalone-test-secret',
    MANAGEMENT_CLIENT_ID: MANAGEMENT_ID,
    MANAGEMENT_CLIENT_SECRET: MANAGEMENT_SECRET,
  };
  const launched = await launch(['--import', 'tsx', 'src/server.ts'], env);
  child = launched.proc;
  output = launched.output();
}, 60_000);

afterAll(async () => {
  await stop(child);
  rmSync(dir, { recursive: true, force: true });
});

test('it prints the URLs and the demo credentials', () => {
  expect(output).toContain(`Authorization server: ${issuer}`);
  expect(output).toContain(`Sample client app:    http://localhost:${samplePort}/`);
  expect(output).toMatch(/Demo user: +demo@example\.com \/ \S+/);
});

test('it prints the dashboard’s URL and the demo administrator, and the URL leads to the sign-in', async () => {
  const printed = /Dashboard: +(\S+) +\(administrator: admin@example\.com \/ admin-password-1\)/.exec(output);
  expect(printed?.[1]).toBe(new URL('/dashboard/', issuer).toString());
  const res = await fetch(printed?.[1] ?? '', { redirect: 'manual' });
  expect(res.status).toBe(303);
  const login = new URL(res.headers.get('location') ?? '', printed?.[1]);
  expect(login.pathname).toBe('/dashboard/login');
  const toAuthorize = await fetch(login, { redirect: 'manual' });
  expect(toAuthorize.headers.get('location')).toContain(`${issuer}authorize?`);
});

test('MANAGEMENT_CLIENT_ID / _SECRET bootstrap a working management client on a fresh database', async () => {
  const token = await clientCredentialsToken({ issuer } as TestServer, MANAGEMENT_ID, MANAGEMENT_SECRET, `${issuer}api/v2/`);
  const res = await fetch(`${issuer}api/v2/clients?include_totals=true`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { clients: { name: string; is_first_party: boolean }[] };
  expect(body.clients).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ name: 'Fabrikam', is_first_party: false }),
      expect.objectContaining({ name: 'Contoso Web App', is_first_party: true }),
    ]),
  );
});

test('a newcomer clicks through the sample client: login → consent → a page showing the tokens', async () => {
  const sampleOrigin = `http://localhost:${samplePort}`;
  const sample = new TestBrowser(sampleOrigin);
  const home = expectPage(await sample.request('/'));
  expect(textOf(home.html)).toContain('Sign in with Fabrikam');

  const authorizeUrl = expectRedirect(await sample.request('/login/fabrikam'));
  expect(authorizeUrl.startsWith(`${issuer}authorize?`)).toBe(true);
  const browser = new TestBrowser(new URL(issuer).origin);
  const login = expectPage(await browser.request(authorizeUrl));
  const consent = expectPage(await browser.submit(login, { email: 'demo@example.com', password: 'demo-password-1' }));
  expect(textOf(consent.html)).toContain('Fabrikam is requesting access to your account');
  const callback = expectRedirect(await browser.submit(consent, { action: 'accept' }));
  const result = expectPage(await sample.request(callback));
  const text = textOf(result.html);
  expect(text).toContain('Signed in with Fabrikam');
  expect(text).toContain('demo@example.com');
  expect(text).toContain('read:posts write:posts');
});

test('`npm run admin -- create-management-client` prints credentials that work', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', 'create-management-client', '--name', 'Ops'], {
    env: { ...process.env, NODE_OPTIONS: '', ISSUER: issuer, DATABASE_URL: join(dir, 'auth.sqlite') },
    timeout: 30_000,
  });
  const creds = JSON.parse(stdout) as { client_id: string; client_secret: string; audience: string };
  expect(creds.audience).toBe(`${issuer}api/v2/`);
  const token = await clientCredentialsToken({ issuer } as TestServer, creds.client_id, creds.client_secret, creds.audience);
  const res = await fetch(`${issuer}api/v2/clients/${creds.client_id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { name: string }).name).toBe('Ops');
});

test('the compiled build (`npm run build`, then `node dist/src/server.js`) finds its pages and assets', async () => {
  // Built into a folder of its own inside the package (as dist/ is), so that parallel runs do not collide.
  const out = mkdtempSync(join(process.cwd(), '.test-build-'));
  let built: ChildProcess | null = null;
  try {
    await promisify(execFile)(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--outDir', out], { timeout: 120_000 });
    const port = await freePort();
    const builtIssuer = `http://127.0.0.1:${port}/`;
    const launched = await launch([join(out, 'src/server.js')], {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: String(port),
      SAMPLE_PORT: String(await freePort()),
      ISSUER: builtIssuer,
      DATABASE_URL: join(dir, 'built.sqlite'),
    });
    built = launched.proc;
    const page = await fetch(`${builtIssuer}authorize?client_id=nobody`);
    expect(page.status).toBe(400);
    expect(textOf(await page.text())).toContain('Unknown application');
    const css = await fetch(`${builtIssuer}assets/style.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/text\/css/);
  } finally {
    await stop(built);
    rmSync(out, { recursive: true, force: true });
  }
}, 150_000);

test('an https ISSUER without TRUST_PROXY refuses to start, saying what to set', async () => {
  const port = await freePort();
  const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, NODE_OPTIONS: '', PORT: String(port), ISSUER: 'https://id.example.test/', DATABASE_URL: join(dir, 'refused.sqlite') },
    timeout: 30_000,
  }).then(
    () => ({ code: 0, stderr: '' }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('TRUST_PROXY');
});
