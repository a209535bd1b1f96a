/**
 * Issue 12, item 6b: instances started at once on an empty database all start (migrations serialised
 * by an advisory lock on PostgreSQL), and seeding at once is idempotent (insert or find, never fail).
 */
import { createAuthServer, type AuthServer } from '../../src/index.js';
import { seedDemo, FIRST_PARTY_ID, THIRD_PARTY_ID } from '../../src/demo/seed.js';
import { testDatabase, TEST_PASSWORD_COST, usingPostgres } from '../helpers/testServer.js';

const ISSUER = 'http://127.0.0.1:1/';

test('two createAuthServer calls at once on one fresh database both succeed, and so do two seedDemo', async () => {
  const db = await testDatabase();
  const servers: AuthServer[] = [];
  try {
    const start = () => createAuthServer({ issuer: ISSUER, database: db.config, passwordHashCost: TEST_PASSWORD_COST, sweepIntervalMs: 0 });
    const started = await Promise.allSettled([start(), start(), start()]);
    for (const result of started) if (result.status === 'fulfilled') servers.push(result.value);
    expect(started.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);

    // Several instances share a database on PostgreSQL; SQLite is one instance's file, and in one
    // process its connections would wait on each other's locks synchronously: seed through one there.
    const [a, b, c] = (usingPostgres() ? servers : [servers[0], servers[0], servers[0]]) as [AuthServer, AuthServer, AuthServer];
    const seeded = await Promise.all([seedDemo(a, 'http://127.0.0.1:2'), seedDemo(b, 'http://127.0.0.1:2'), seedDemo(c, 'http://127.0.0.1:2')]);
    for (const apps of seeded) {
      expect(apps.firstParty.clientId).toBe(FIRST_PARTY_ID);
      expect(apps.thirdParty.clientId).toBe(THIRD_PARTY_ID);
    }
    const { db: knex } = a.context;
    const counted = async (table: string) => Number(((await knex(table).count({ n: '*' }).first()) as { n: number | string }).n);
    expect(await counted('users')).toBe(1);
    expect(await counted('connections')).toBe(1);
    expect(await counted('resource_servers')).toBe(2);
    expect(await counted('clients')).toBe(2);
    // The management client bootstrap, at once, as MANAGEMENT_CLIENT_ID does on every instance.
    const input = { clientId: 'mgmt-at-once', clientSecret: 'a-management-secret-of-at-least-32-chars' };
    await Promise.all([a.admin.ensureManagementClient(input), b.admin.ensureManagementClient(input), c.admin.ensureManagementClient(input)]);
    expect(await counted('client_grants')).toBe(1);
    // One current key and one next key (published before it signs), made once whoever starts first.
    if (usingPostgres()) expect(await counted('signing_keys')).toBe(2);
  } finally {
    for (const server of servers) await server.close();
    await db.cleanup();
  }
});
