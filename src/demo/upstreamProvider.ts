/**
 * A small OpenID provider (oidc-provider, a devDependency) to sign in through, so that `npm start`
 * shows a "Continue with …" button that works without an account anywhere, and the tests have a real
 * upstream. It accepts any login name with any password and shares a made-up profile for it. Loaded
 * with a dynamic import: without devDependencies, `startUpstreamProvider` answers null.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface UpstreamProvider {
  issuer: string;
  /** Its HTTP server, for a graceful shutdown with the others. */
  server: Server;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export interface UpstreamProviderOptions {
  /** Our callback, the one redirect URI the provider's client has. */
  redirectUri: string;
  port?: number;
  host?: string;
  /** The profile of each login name (default: one made from the name). */
  profile?: (login: string) => Record<string, unknown>;
}

function madeUpProfile(login: string): Record<string, unknown> {
  const name = login.split('@')[0] ?? login;
  const given = name.charAt(0).toUpperCase() + name.slice(1);
  return {
    email: login.includes('@') ? login : `${login}@upstream.example`,
    email_verified: true,
    name: `${given} Upstream`,
    given_name: given,
    family_name: 'Upstream',
    nickname: name,
  };
}

/** oidc-provider warns about Node 20 and its development-only settings; all are expected here. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!(typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING'))) warn(...args);
  };
  try {
    return await work();
  } finally {
    console.warn = warn;
  }
}

export async function startUpstreamProvider(options: UpstreamProviderOptions): Promise<UpstreamProvider | null> {
  const Provider = await quietly(async () => (await import('oidc-provider')).default).catch(() => null);
  if (!Provider) return null;
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host}:${port}`;
  const clientId = 'our-authorization-server';
  const clientSecret = randomBytes(24).toString('base64url');
  const profile = options.profile ?? madeUpProfile;
  const provider = await quietly(async () =>
    new Provider(issuer, {
      clients: [
        {
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [options.redirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
          token_endpoint_auth_method: 'client_secret_post',
        },
      ],
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name', 'nickname', 'picture'] },
      findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id, ...profile(id) }) }),
      // The person consented when they chose to continue with this provider: no second dialog here.
      loadExistingGrant: async (ctx) => {
        const { client, session } = ctx.oidc;
        if (!client || !session?.accountId) return undefined;
        const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
        grant.addOIDCScope('openid email profile');
        await grant.save();
        return grant;
      },
      pkce: { required: () => true },
      cookies: { keys: [randomBytes(32).toString('base64url')] },
      features: { devInteractions: { enabled: true } },
      ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    }),
  );
  server.on('request', provider.callback());
  return {
    issuer,
    server,
    clientId,
    clientSecret,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
