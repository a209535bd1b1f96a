/**
 * A real listening server for integration tests: the router mounted at "/" or, in the second Jest
 * project, under "/auth"; on a fresh SQLite file, or on a fresh PostgreSQL schema with TEST_DATABASE=pg.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import knexFactory, { type Knex } from 'knex';
import { createAuthServer, type AuthServer, type AuthServerOptions } from '../../src/index.js';

export interface TestServer {
  /** e.g. http://127.0.0.1:41234/auth/ */
  issuer: string;
  origin: string;
  mountPath: string;
  auth: AuthServer;
  close(): Promise<void>;
}

export const TEST_PASSWORD_COST = 2 ** 10; // hashing cost kept low in tests; the default is 2^15

export function usingPostgres(): boolean {
  return process.env.TEST_DATABASE === 'pg';
}

export function postgresUrl(): string {
  return process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/** A fresh database: its own SQLite file, or its own PostgreSQL schema. */
export async function testDatabase(): Promise<{ config: Knex.Config; cleanup: () => Promise<void> }> {
  if (usingPostgres()) {
    const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = knexFactory({ client: 'pg', connection: postgresUrl() });
    await admin.raw(`create schema "${schema}"`);
    return {
      config: { client: 'pg', connection: postgresUrl(), searchPath: [schema], pool: { min: 0, max: 5 } },
      cleanup: async () => {
        await admin.raw(`drop schema "${schema}" cascade`);
        await admin.destroy();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'auth-test-'));
  return {
    config: { client: 'better-sqlite3', connection: { filename: join(dir, 'auth.sqlite') }, useNullAsDefault: true },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function startTestServer(options: Partial<AuthServerOptions> = {}, mountPath = process.env.TEST_MOUNT_PATH ?? '/'): Promise<TestServer> {
  const app = express();
  let handler: express.Router | null = null;
  app.use(mountPath, (req, res, next) => (handler ? handler(req, res, next) : next()));
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}${mountPath === '/' ? '' : mountPath}/`;
  const db = await testDatabase();
  const auth = await createAuthServer({
    issuer,
    database: db.config,
    sessionSecrets: ['test-session-secret-that-is-long-enough'],
    passwordHashCost: TEST_PASSWORD_COST,
    ...options,
  });
  handler = auth.router;
  return {
    issuer,
    origin,
    mountPath,
    auth,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await auth.close();
      await db.cleanup();
    },
  };
}
