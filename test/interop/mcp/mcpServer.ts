/**
 * An MCP server that uses us as its authorization server, written the way the MCP TypeScript SDK
 * documents it: the SDK's protected resource metadata (RFC 9728) naming our issuer, the SDK's bearer-auth
 * middleware, and a token verifier that checks our RFC 9068 JWTs with jose against our JWKS, with the
 * MCP server's own URL as the audience. One tool, `whoami`, answers with what the token said.
 */
import express, { type Router } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { getOAuthProtectedResourceMetadataUrl, mcpAuthMetadataRouter } from '@modelcontextprotocol/sdk/server/auth/router.js';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokenVerifier } from '@modelcontextprotocol/sdk/server/auth/provider.js';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { OAuthMetadataSchema } from '@modelcontextprotocol/sdk/shared/auth.js';
import { listen, type RunningApp } from '../harness.js';

export interface McpResourceServer extends RunningApp {
  /** The MCP endpoint, which is also the resource (RFC 8707 / RFC 9728) tokens must be issued for. */
  url: string;
  resourceMetadataUrl: string;
  /** Every request that reached it, e.g. "POST /mcp 401". */
  log: string[];
}

export interface WhoAmI {
  sub: string;
  client_id: string;
  scopes: string[];
  resource: string;
}

/** Our access tokens as the MCP server sees them; anything wrong is the SDK's InvalidTokenError (401, not 500). */
export function jwtVerifier(issuer: string, resource: string): OAuthTokenVerifier {
  const jwks = createRemoteJWKSet(new URL(`${issuer}.well-known/jwks.json`), { timeoutDuration: 5000 });
  return {
    async verifyAccessToken(token: string): Promise<AuthInfo> {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, jwks, { issuer, audience: resource, typ: 'at+jwt', algorithms: ['RS256'] }));
      } catch (error) {
        throw new InvalidTokenError(`Access token refused: ${(error as Error).message}`);
      }
      if (typeof payload.client_id !== 'string' || typeof payload.sub !== 'string') throw new InvalidTokenError('Access token without client_id or sub');
      return {
        token,
        clientId: payload.client_id,
        scopes: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [],
        expiresAt: payload.exp,
        resource: new URL(resource),
        extra: { sub: payload.sub },
      };
    },
  };
}

function whoamiServer(): McpServer {
  const server = new McpServer({ name: 'interop-mcp-server', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who the access token says is calling' }, (extra) => {
    const auth = extra.authInfo;
    const answer: WhoAmI = {
      sub: String(auth?.extra?.sub ?? ''),
      client_id: auth?.clientId ?? '',
      scopes: auth?.scopes ?? [],
      resource: auth?.resource?.href ?? '',
    };
    return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
  });
  return server;
}

export async function startMcpServer(issuer: string, scope: string): Promise<McpResourceServer> {
  const app = express();
  const log: string[] = [];
  let routes: Router | null = null;
  app.use((req, res, next) => {
    res.on('finish', () => log.push(`${req.method} ${req.originalUrl} ${res.statusCode}`));
    next();
  });
  // The resource URL contains the port, known only once listening.
  app.use((req, res, next) => (routes ? routes(req, res, next) : next()));
  const running = await listen(app);
  const url = `${running.origin}/mcp`;
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(new URL(url));

  // The SDK's metadata router also republishes the authorization server's metadata, so it wants ours.
  const asMetadata = await fetch(`${issuer}.well-known/oauth-authorization-server`, { signal: AbortSignal.timeout(5000) });
  if (!asMetadata.ok) throw new Error(`startMcpServer: our metadata answered ${asMetadata.status}`);
  const oauthMetadata = OAuthMetadataSchema.parse(await asMetadata.json());

  const router = express.Router();
  router.use(mcpAuthMetadataRouter({ oauthMetadata, resourceServerUrl: new URL(url), scopesSupported: [scope], resourceName: 'Interop MCP server' }));
  const bearer = requireBearerAuth({ verifier: jwtVerifier(issuer, url), requiredScopes: [scope], resourceMetadataUrl, expectedResource: new URL(url) });
  // Stateless Streamable HTTP: a fresh server and transport per request, as the SDK's stateless example does.
  router.post('/mcp', bearer, express.json(), async (req, res) => {
    const server = whoamiServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  // No server-initiated stream in stateless mode; 405 is what the SDK's client expects for that GET.
  router.all('/mcp', bearer, (_req, res) => {
    res.status(405).set('Allow', 'POST').json({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
  });
  routes = router;
  return { ...running, url, resourceMetadataUrl, log };
}
