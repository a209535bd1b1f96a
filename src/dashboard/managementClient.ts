/**
 * The dashboard calls the Management API (and the token endpoint) as any client would, with the
 * administrator's token, through a private HTTP listener on 127.0.0.1 that serves the server's own
 * router inside this process. So it does not depend on the public URL being reachable from here (a
 * proxy, TLS, a firewall), and every request still passes the whole HTTP surface: token, scope,
 * validation, audit log. (Injecting requests without a socket was tried: Express swaps the request's
 * prototype, which breaks reading the body.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Request } from 'express';
import type { AuthServer } from '../index.js';

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

export type Json = Record<string, unknown>;

export interface Caller {
  token: string;
  /** The administrator's browser request: its address and user agent go to the audit log. */
  from: Request;
}

export class InProcessServer {
  private readonly app: express.Express;
  private readonly base: string;
  private readonly issuer: URL;
  private listening: Promise<{ server: Server; origin: string }> | null = null;

  constructor(auth: AuthServer) {
    const issuer = new URL(auth.context.options.issuer);
    this.issuer = issuer;
    this.base = issuer.pathname.replace(/\/$/, '');
    this.app = express();
    // Requests come from 127.0.0.1 and name the administrator's address in X-Forwarded-For (audit log).
    this.app.set('trust proxy', 'loopback');
    this.app.use(this.base || '/', auth.router);
  }

  async request<T = Json>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, options: { token?: string; from?: Request; json?: unknown; form?: Record<string, string> } = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { 'x-forwarded-proto': this.issuer.protocol.replace(':', '') };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const from = options.from;
    if (from?.ip) headers['x-forwarded-for'] = from.ip;
    const ua = from?.headers['user-agent'];
    if (typeof ua === 'string') headers['user-agent'] = ua;
    let payload: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(options.json);
    } else if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(options.form).toString();
    }
    const { origin } = await this.listen();
    const res = await fetch(`${origin}${this.base}${path}`, { method, headers, body: payload, redirect: 'manual' });
    const text = await res.text();
    const body: unknown = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    return { status: res.status, body: body as T };
  }

  /** Started on first use; unref'd, so that it never keeps the process alive. */
  private listen(): Promise<{ server: Server; origin: string }> {
    this.listening ??= new Promise((resolve, reject) => {
      const server = createServer(this.app);
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.unref();
        resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
      });
    });
    return this.listening;
  }

  async close(): Promise<void> {
    if (!this.listening) return;
    const { server } = await this.listening;
    this.listening = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The Management API (/api/v2…) with the administrator's token. */
  api<T = Json>(caller: Caller, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, json?: unknown): Promise<ApiAnswer<T>> {
    return this.request<T>(method, `/api/v2${path}`, { token: caller.token, from: caller.from, json });
  }
}
