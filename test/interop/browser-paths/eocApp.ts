/**
 * An express app signed in through express-openid-connect (Auth0's SDK for regular web apps),
 * pointed at our server. Each configuration gets its own app, port and client, because the SDK's
 * configuration is per app and the callback and logout URLs are per origin. The app runs in a child
 * process (eocAppChild.mjs): see there why.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ConfigParams } from 'express-openid-connect';
import type { Client } from '../../../src/index.js';
import { makeClient } from '../../helpers/fixtures.js';
import type { TestServer } from '../../helpers/testServer.js';

const START_TIMEOUT_MS = 15000;

export interface EocApp {
  origin: string;
  client: Client;
  /** Where the SDK sends the browser after logout (registered in allowed_logout_urls). */
  loggedOut: string;
  close(): Promise<void>;
}

/** What the app's JSON routes print, read back from the page. */
export interface SignedInState {
  authenticated: boolean;
  user?: Record<string, unknown>;
}

export interface TokenState {
  accessToken: string | null;
  tokenType: string | null;
  expiresIn: number | null;
  refreshToken: boolean;
}

/** The parts of the SDK's configuration a test may set (all JSON: they cross a process boundary). */
export type EocConfig = Pick<ConfigParams, 'authorizationParams' | 'idpLogout' | 'auth0Logout' | 'routes'>;

export async function startEocApp(server: TestServer, name: string, config: EocConfig): Promise<EocApp> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Jest's --experimental-vm-modules is no business of the child's.
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [resolve('test/interop/browser-paths/eocAppChild.mjs')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const nextLine = () =>
    new Promise<Record<string, unknown>>((resolveLine, reject) => {
      const timer = setTimeout(() => reject(new Error(`express-openid-connect app did not answer in time. stderr: ${stderr}`)), START_TIMEOUT_MS);
      lines.once('line', (line) => {
        clearTimeout(timer);
        resolveLine(JSON.parse(line) as Record<string, unknown>);
      });
    });
  const close = async () => {
    child.stdin.end();
    const timer = setTimeout(() => child.kill(), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const origin = String((await nextLine()).origin);
    const loggedOut = `${origin}/logged-out`;
    const client = await makeClient(server, {
      name,
      appType: 'regular_web',
      isFirstParty: false,
      callbacks: [`${origin}/callback`],
      allowedLogoutUrls: [loggedOut],
    });
    const full: ConfigParams = {
      issuerBaseURL: server.issuer,
      baseURL: origin,
      clientID: client.clientId,
      ...(client.clientSecret ? { clientSecret: client.clientSecret } : {}),
      secret: randomBytes(32).toString('base64url'),
      authRequired: false,
      routes: { postLogoutRedirect: '/logged-out' },
      ...config,
    };
    child.stdin.write(`${JSON.stringify(full)}\n`);
    await nextLine();
    return { origin, client, loggedOut, close };
  } catch (err) {
    await close();
    throw err;
  }
}
