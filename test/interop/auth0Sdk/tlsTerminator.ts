/**
 * An https front for our plain-HTTP test server, as a TLS-terminating proxy would be in production:
 * the Auth0 SDKs build every URL as https://{domain}/, so they can only reach us through this.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

export const CERT_PATH = resolve('test/interop/fixtures/localhost-cert.pem');
const KEY_PATH = resolve('test/interop/fixtures/localhost-key.pem');

/** What went over the wire, so a failing SDK call can be reported with the request it made and our answer. */
export interface Exchange {
  method: string;
  path: string;
  /** The headers an SDK adds of its own accord (Auth0-Client, User-Agent, Content-Type, whether it sent Authorization). */
  sdkHeaders: Record<string, string>;
  /** The form or JSON body sent, secrets masked; only for the token and Management API endpoints. */
  requestBody?: string;
  status?: number;
  /** Our response body when the status is 400 or above. */
  errorBody?: string;
}

export interface TlsTerminator {
  /** e.g. localhost:43211, what the SDKs take as `domain` */
  domain: string;
  port: number;
  exchanges: Exchange[];
  /** Where requests go; set once our server listens, because its issuer needs this port first. */
  forwardTo(origin: string): void;
  close(): Promise<void>;
}

const BODY_LIMIT = 4000;
const REPORTED_HEADERS = ['auth0-client', 'user-agent', 'content-type'];

function mask(body: string): string {
  return body.replace(/((?:client_secret|password|refresh_token)(?:=|"\s*:\s*"))[^&"]*/g, '$1***');
}

function sdkHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of REPORTED_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
  }
  if (headers.authorization) picked.authorization = headers.authorization.split(' ')[0] ?? '';
  return picked;
}

export async function startTlsTerminator(): Promise<TlsTerminator> {
  let target: URL | null = null;
  const exchanges: Exchange[] = [];
  const server = createServer({ cert: readFileSync(CERT_PATH), key: readFileSync(KEY_PATH) }, (req, res) => {
    if (!target) {
      res.writeHead(503).end('no upstream yet');
      return;
    }
    const exchange: Exchange = { method: req.method ?? 'GET', path: req.url ?? '/', sdkHeaders: sdkHeaders(req.headers) };
    exchanges.push(exchange);
    const recordBody = /^\/(oauth\/token|api\/v2\/)/.test(exchange.path);
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: {
          ...req.headers,
          'x-forwarded-proto': 'https',
          'x-forwarded-host': req.headers.host ?? '',
          'x-forwarded-for': req.socket.remoteAddress ?? '',
        },
      },
      (answer) => {
        exchange.status = answer.statusCode;
        if ((answer.statusCode ?? 0) >= 400) {
          let body = '';
          answer.on('data', (chunk: Buffer) => {
            if (body.length < BODY_LIMIT) body += chunk.toString('utf8');
          });
          answer.on('end', () => (exchange.errorBody = body.slice(0, BODY_LIMIT)));
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      exchange.status = 502;
      exchange.errorBody = `proxy: ${err.message}`;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    if (recordBody) {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        if (body.length < BODY_LIMIT) body += chunk.toString('utf8');
      });
      req.on('end', () => (exchange.requestBody = mask(body.slice(0, BODY_LIMIT))));
    }
    req.pipe(upstream);
  });
  server.listen(0, 'localhost');
  await new Promise<void>((resolveListen, reject) => {
    server.once('listening', () => resolveListen());
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    domain: `localhost:${port}`,
    port,
    exchanges,
    forwardTo: (origin) => {
      target = new URL(origin);
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
    },
  };
}
