/**
 * This project as a benchmark target, in its own process. Env: PORT, BENCH_DB (SQLite file or
 * postgres:// URL), BENCH_PG_SCHEMA, BENCH_USERS (how many users to seed), BENCH_JWK (the shared
 * RS256 private key), BENCH_SEED=0 to skip seeding (a second instance on the same database).
 */
import { writeFileSync } from 'node:fs';
import express from 'express';
import type { Knex } from 'knex';
import { createAuthServer, databaseConfigFromUrl, type AuthServer } from '../../src/index.js';
import { migrateToLatest, openDatabase } from '../../src/store/database.js';
import { API, API_SCOPES, CLIENT, M2M, PASSWORD, REDIRECT_URI, SESSION_SECRET, announceReady, userEmail } from '../common.js';
import { mountServerStats } from '../serverStats.js';

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}/`;

function databaseConfig(): Knex.Config {
  const base = databaseConfigFromUrl(process.env.BENCH_DB);
  return process.env.BENCH_PG_SCHEMA ? { ...base, searchPath: [process.env.BENCH_PG_SCHEMA] } : base;
}

/** The shared key goes in before the server starts, so both servers sign with the same RSA key. */
async function installKey(config: Knex.Config): Promise<void> {
  const jwk = process.env.BENCH_JWK;
  if (!jwk) return;
  const db = openDatabase(config);
  try {
    await migrateToLatest(db);
    const parsed = JSON.parse(jwk) as { kid: string; n: string; e: string };
    const exists = await db('signing_keys').where({ kid: parsed.kid }).first();
    if (!exists) {
      await db('signing_keys').insert({
        kid: parsed.kid,
        alg: 'RS256',
        private_jwk: jwk,
        public_jwk: JSON.stringify({ kty: 'RSA', n: parsed.n, e: parsed.e, kid: parsed.kid, alg: 'RS256', use: 'sig' }),
        created_at: Date.now(),
        retired_at: null,
      });
    }
  } finally {
    await db.destroy();
  }
}

async function seed(auth: AuthServer): Promise<void> {
  const { admin, context } = auth;
  if (await context.repos.clients.findById(CLIENT.id)) return;
  await admin.createResourceServer({ identifier: API, name: 'Bench API', allowOfflineAccess: true, scopes: API_SCOPES.map((value) => ({ value, description: value })) });
  await admin.createClient({ clientId: CLIENT.id, clientSecret: CLIENT.secret, name: 'Bench Web', appType: 'regular_web', isFirstParty: false, callbacks: [REDIRECT_URI] });
  await admin.createClient({ clientId: M2M.id, clientSecret: M2M.secret, name: 'Bench M2M', appType: 'non_interactive', grantTypes: ['client_credentials'] });
  await context.repos.clientGrants.insert({ id: 'cgr_bench', clientId: M2M.id, audience: API, scopes: API_SCOPES, createdAt: Date.now(), updatedAt: Date.now() });
  const users = Number(process.env.BENCH_USERS ?? 16);
  for (let i = 0; i < users; i++) await admin.createUser({ email: userEmail(i), password: PASSWORD, emailVerified: true });
}

/** BENCH_SQL_LOG=<file>: every SQL statement this server runs, counted by text, written there at exit. */
function countQueries(db: Knex, file: string): void {
  const counts = new Map<string, number>();
  db.on('query', (query: { sql: string }) => counts.set(query.sql, (counts.get(query.sql) ?? 0) + 1));
  process.on('exit', () => writeFileSync(file, [...counts].sort((a, b) => b[1] - a[1]).map(([sql, n]) => `${n}\t${sql}`).join('\n')));
}

async function main(): Promise<void> {
  const database = databaseConfig();
  await installKey(database);
  const auth = await createAuthServer({ issuer, database, sessionSecrets: [SESSION_SECRET] });
  if (process.env.BENCH_SEED !== '0') await seed(auth);
  if (process.env.BENCH_SQL_LOG) countQueries(auth.context.db, process.env.BENCH_SQL_LOG);
  const app = express();
  app.disable('x-powered-by');
  mountServerStats(app);
  app.use(auth.router);
  app.listen(port, '127.0.0.1', () => announceReady({ port, issuer, kind: 'ours' }));
  process.on('SIGTERM', () => process.exit(0));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
