/**
 * Upstream identity providers in tests: our server with an OIDC connection to a real oidc-provider on
 * 127.0.0.1 (src/demo/upstreamProvider.ts), and a cookie-keeping walker across both origins.
 */
import type { Client } from '../../src/index.js';
import { startUpstreamProvider, type UpstreamProvider } from '../../src/demo/upstreamProvider.js';
import { makeClient, managementFor, seedWorld } from './fixtures.js';
import { isStop, TestBrowser, type Page, type Visit } from './browser.js';
import { startTestServer, type TestServer } from './testServer.js';

export const CONNECTION = 'upstream-idp';
export const CONNECTION_LABEL = 'Upstream IdP';

export interface UpstreamWorld {
  server: TestServer;
  upstream: UpstreamProvider;
  client: Client;
  close(): Promise<void>;
}

/** Auth0's options for an OIDC connection to `upstream`; `overrides` replace any of them. */
export function oidcOptions(upstream: UpstreamProvider, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'back_channel',
    discovery_url: `${upstream.issuer}/.well-known/openid-configuration`,
    client_id: upstream.clientId,
    client_secret: upstream.clientSecret,
    scope: 'openid profile email',
    ...overrides,
  };
}

export async function startUpstreamWorld(serverOptions: Parameters<typeof startTestServer>[0] = {}, callbacks = ['https://app.example.com/cb']): Promise<UpstreamWorld> {
  const server = await startTestServer(serverOptions);
  await seedWorld(server);
  const upstream = await startUpstreamProvider({ redirectUri: `${server.issuer}u/upstream/callback` });
  if (!upstream) throw new Error('oidc-provider (a devDependency) is not installed');
  const client = await makeClient(server, { name: 'Fabrikam', isFirstParty: false, callbacks });
  const api = await managementFor(server);
  const created = await api.post('connections', { name: CONNECTION, display_name: CONNECTION_LABEL, strategy: 'oidc', enabled_clients: [client.clientId], options: oidcOptions(upstream) });
  if (created.status !== 201) throw new Error(`connection: ${created.status} ${JSON.stringify(created.body)}`);
  return {
    server,
    upstream,
    client,
    close: async () => {
      await upstream.close();
      await server.close();
    },
  };
}

/** The "Continue with …" links of a login page, by connection name. */
export function upstreamLinks(page: Page): Map<string, string> {
  const links = [...page.html.matchAll(/<a class="button secondary" href="([^"]+)" data-connection="([^"]+)">/g)];
  return new Map(links.map((m) => [m[2] ?? '', (m[1] ?? '').replace(/&amp;/g, '&')]));
}

/**
 * A person's browser across our server and the provider: one TestBrowser per origin (their cookies
 * do not share names), a redirect from one to the other followed, the client's callback not fetched.
 */
export class TwoSiteBrowser {
  readonly ours: TestBrowser;
  readonly theirs: TestBrowser;

  constructor(
    private readonly world: Pick<UpstreamWorld, 'server' | 'upstream'>,
  ) {
    this.ours = new TestBrowser(world.server.origin);
    this.theirs = new TestBrowser(new URL(world.upstream.issuer).origin);
  }

  /** Follows a visit's redirect while it leads to one of the two servers (a bounded number of hops). */
  async follow(visit: Visit): Promise<Visit> {
    let current = visit;
    for (let hop = 0; hop < 10 && isStop(current); hop++) {
      const target = new URL(current.redirectedTo);
      const browser = target.origin === this.world.server.origin ? this.ours : target.origin === new URL(this.world.upstream.issuer).origin ? this.theirs : null;
      if (!browser) return current;
      current = await browser.request(target.toString());
    }
    return current;
  }

  async open(url: string): Promise<Visit> {
    const origin = new URL(url).origin;
    return this.follow(await (origin === this.world.server.origin ? this.ours : this.theirs).request(url));
  }

  /** Signs in at the provider's login page (any login, any password) and comes back to us. */
  async signInUpstream(page: Page, login: string): Promise<Visit> {
    return this.follow(await this.theirs.submit(page, { login, password: 'any password' }));
  }
}
